"""Live AWS inventory: one generic engine driven by the catalog. The only package (with
declared/ for S3 state and stacks) that imports boto3."""
