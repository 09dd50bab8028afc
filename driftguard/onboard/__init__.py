"""A config in one command and a check of it: `driftguard init` (discover.py finds the
regions and Terraform state the working directory uses, template.py writes the commented
driftguard.yaml) and `driftguard doctor` (doctor.py)."""
