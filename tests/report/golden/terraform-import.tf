# Terraform import blocks (Terraform >= 1.5) for the 10 unmanaged resources that
# driftguard's scan found in 123456789012/eu-west-1, 123456789012/us-east-1 at
# 2026-12-01T09:30:00Z.
# Write their code, review it, then apply (and remove these blocks):
#   terraform plan -generate-config-out=generated.tf
# They are in several accounts or regions: a block whose resource is not in the account
# and region of the provider's configuration needs `provider = aws.<alias>`.

# aws_cloudtrail: 1 unmanaged

# audit in 123456789012/eu-west-1
import {
  to = aws_cloudtrail.audit
  id = "arn:aws:cloudtrail:eu-west-1:123456789012:trail/audit"
}

# aws_ebs_encryption_by_default: 2 unmanaged

# eu-west-1 in 123456789012/eu-west-1
import {
  to = aws_ebs_encryption_by_default.eu_west_1
  id = "default"
}

# us-east-1 in 123456789012/us-east-1
import {
  to = aws_ebs_encryption_by_default.us_east_1
  id = "default"
}

# aws_iam_policy: 1 unmanaged

# arn:aws:iam::123456789012:policy/team/Deploy in 123456789012/eu-west-1
import {
  to = aws_iam_policy.policy_team_deploy
  id = "arn:aws:iam::123456789012:policy/team/Deploy"
}

# aws_instance: 2 unmanaged

# i-0a1 in 123456789012/eu-west-1
import {
  to = aws_instance.i_0a1
  id = "i-0a1"
}

# i-0b2 in 123456789012/eu-west-1
import {
  to = aws_instance.i_0b2
  id = "i-0b2"
}

# aws_kms_key: 1 unmanaged

# 1234abcd-12ab-34cd-56ef-1234567890ab in 123456789012/eu-west-1
import {
  to = aws_kms_key.key_1234abcd_12ab_34cd_56ef_1234567890ab
  id = "1234abcd-12ab-34cd-56ef-1234567890ab"
}

# aws_s3_bucket: 2 unmanaged

# logs-example-com in 123456789012/eu-west-1
import {
  to = aws_s3_bucket.logs_example_com
  id = "logs-example-com"
}

# logs.example.com in 123456789012/eu-west-1
import {
  to = aws_s3_bucket.logs_example_com_2
  id = "logs.example.com"
}

# aws_sqs_queue: 1 unmanaged

# https://sqs.eu-west-1.amazonaws.com/123456789012/jobs in 123456789012/eu-west-1
import {
  to = aws_sqs_queue.jobs
  id = "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs"
}
