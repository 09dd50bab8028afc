#!/bin/sh
# Regenerate plan.json: a moto server on $ENDPOINT, the AWS provider in a filesystem mirror.
set -e
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=eu-west-1
export AWS_ENDPOINT_URL="$ENDPOINT" TF_VAR_endpoint="$ENDPOINT"
terraform init -input=false >/dev/null
terraform apply -auto-approve -input=false >/dev/null
python3 drift.py
terraform plan -input=false -out=plan.bin >/dev/null
terraform show -json plan.bin | python3 -m json.tool --indent 1 > plan.json
rm -rf plan.bin .terraform .terraform.lock.hcl terraform.tfstate terraform.tfstate.backup
