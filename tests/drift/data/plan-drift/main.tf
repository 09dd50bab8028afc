# A small estate that tests/drift/data/plan-drift/plan.json was planned from: applied to a
# local moto server, then changed outside Terraform by drift.py, then planned again.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

variable "endpoint" { type = string }

variable "owner" {
  type      = string
  sensitive = true
  default   = "alice@example.com"
}

provider "aws" {
  region                      = "eu-west-1"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  s3_use_path_style           = true
  endpoints {
    s3  = var.endpoint
    ec2 = var.endpoint
    sts = var.endpoint
    iam = var.endpoint
  }
}

resource "aws_s3_bucket" "data" {
  bucket = "ml-training-data"
  tags   = { team = "ml" }
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_iam_role" "trainer" {
  name = "trainer"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "sagemaker.amazonaws.com" } }]
  })
}

module "net" {
  source = "./net"
  owner  = var.owner
}
