"""What the code declares: Terraform plans and state (CloudFormation to come), as Resources."""
