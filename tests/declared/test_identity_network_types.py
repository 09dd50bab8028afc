"""The identity, audit, edge and network types from every declared source: Terraform state
as the AWS provider v5 writes it, and CloudFormation templates, give the same canonical
attributes (what the code leaves out reads as AWS's default in both).

One case per type: the state's resources (the type's own and what folds into it), the
template's, and the attributes both must give."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from plans import change, plan, write

from driftguard.declared import cloudformation
from driftguard.declared.state_writer import TerraformState
from driftguard.declared.terraform import load
from driftguard.model import Resource

ACCOUNT, REGION = "123456789012", "eu-west-1"
TAGS = {"team": "ml-platform"}
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/ml-boundary"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0b1c2d3e-aaaa-bbbb-cccc-1234567890ab"
TRAIL = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/audit"
LOG_GROUP = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:cloudtrail:*"
POLICY = f"arn:aws:iam::{ACCOUNT}:policy/ml/read-data"
ROOT_TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "sts:AssumeRole",
    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}}]}


def tags() -> dict[str, Any]:
    return {"tags": dict(TAGS), "tags_all": dict(TAGS)}


def cfn_tags() -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in TAGS.items()]


LAMBDA_ROLE = f"arn:aws:iam::{ACCOUNT}:role/inference-fn"


def lambda_state(name: str, values: dict[str, Any]) -> dict[str, Any]:
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    return {"id": name, "function_name": name, "arn": arn, "role": LAMBDA_ROLE,
            "package_type": "Zip", "filename": "build/fn.zip", "image_uri": "",
            "source_code_hash": "yxLk2NHtNAluAXjOtLq9o1V8ozg8k6FG2Z+L3SiUs5k=",
            "invoke_arn": f"arn:aws:apigateway:{REGION}:lambda:path/functions/{arn}",
            "qualified_arn": f"{arn}:$LATEST", "version": "$LATEST", "publish": False,
            "last_modified": "2025-01-01T00:00:00.000+0000", "description": "",
            "reserved_concurrent_executions": -1, "layers": [], "dead_letter_config": [],
            "ephemeral_storage": [{"size": 512}], "tracing_config": [{"mode": "PassThrough"}],
            "logging_config": [{"log_format": "Text", "log_group": f"/aws/lambda/{name}",
                                "application_log_level": "", "system_log_level": ""}],
            "snap_start": [], "image_config": [], "file_system_config": [],
            "code_signing_config_arn": "", "signing_job_arn": "", "skip_destroy": False,
            **values}


def url_state(function: str, qualifier: str, auth: str) -> dict[str, Any]:
    return {"id": f"{function}/{qualifier}" if qualifier else function,
            "function_name": function, "qualifier": qualifier, "authorization_type": auth,
            "function_arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function}",
            "function_url": f"https://{function}{qualifier}.lambda-url.{REGION}.on.aws/",
            "url_id": f"{function}{qualifier}", "invoke_mode": "BUFFERED", "cors": [],
            "timeouts": None}


def lb_state(name: str, kind: str, values: dict[str, Any]) -> dict[str, Any]:
    arn = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/{kind}/{name}/50dc6c"
    return {"id": arn, "arn": arn, "arn_suffix": arn.split(":loadbalancer/")[1],
            "name": name, "name_prefix": "", "ip_address_type": "ipv4",
            "dns_name": f"{name}-1.{REGION}.elb.amazonaws.com", "zone_id": "Z32O12XQLNTSW2",
            "vpc_id": "vpc-0ddd", "access_logs": [{"bucket": "", "enabled": False,
                                                  "prefix": ""}],
            "connection_logs": [], "customer_owned_ipv4_pool": "",
            "desync_mitigation_mode": "defensive", "drop_invalid_header_fields": False,
            "enable_deletion_protection": False, "enable_http2": True, "idle_timeout": 60,
            "preserve_host_header": False, "subnet_mapping": [],
            "xff_header_processing_mode": "append", **values}


DATA_ONLY = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::acme-data/*"}]}
FULL_ACCESS = {"Statement": [{"Action": "*", "Effect": "Allow", "Principal": "*",
                              "Resource": "*"}], "Version": "2008-10-17"}


def endpoint_state(ident: str, values: dict[str, Any]) -> dict[str, Any]:
    return {"id": ident, "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc-endpoint/{ident}",
            "vpc_id": "vpc-0ddd", "auto_accept": None, "cidr_blocks": [], "dns_entry": [],
            "dns_options": [], "ip_address_type": "ipv4", "network_interface_ids": [],
            "owner_id": ACCOUNT, "prefix_list_id": "", "requester_managed": False,
            "state": "available", "subnet_configuration": [], **values}


ABSENT = object()  # Case.template_differs: the template has no such attribute


@dataclass
class Case:
    """`state`: (type, values) as provider v5 writes them, the case's type first;
    `template`: logical id -> resource, the case's type first; `expected`: what both
    give; `template_differs`: where the template gives another value, and why."""

    state: list[tuple[str, dict[str, Any]]]
    template: dict[str, dict[str, Any]]
    expected: dict[str, Any]
    template_differs: dict[str, Any] = field(default_factory=dict)


CASES: dict[str, Case] = {
    "aws_iam_user": Case(
        state=[("aws_iam_user", {
            "id": "ci-deployer", "name": "ci-deployer", "path": "/automation/",
            "arn": f"arn:aws:iam::{ACCOUNT}:user/automation/ci-deployer",
            "unique_id": "AIDACKCEVSQ6C2EXAMPLE", "force_destroy": False,
            "permissions_boundary": BOUNDARY, **tags()}),
            ("aws_iam_user", {
                "id": "alice", "name": "alice", "path": "/",
                "arn": f"arn:aws:iam::{ACCOUNT}:user/alice", "unique_id": "AIDAEXAMPLE2",
                "force_destroy": False, "permissions_boundary": "", "tags": None,
                "tags_all": {}})],
        template={
            "Deployer": {"Type": "AWS::IAM::User", "Properties": {
                "UserName": "ci-deployer", "Path": "/automation/",
                "PermissionsBoundary": BOUNDARY, "Tags": cfn_tags(),
                "LoginProfile": {"Password": "never-shown"}}},
            "Alice": {"Type": "AWS::IAM::User", "Properties": {"UserName": "alice"}}},
        expected={"name": "ci-deployer", "path": "/automation/",
                  "permissions_boundary": BOUNDARY, "tags": TAGS},
    ),
    "aws_cloudtrail": Case(
        state=[("aws_cloudtrail", {
            "id": TRAIL, "arn": TRAIL, "name": "audit", "home_region": REGION,
            "s3_bucket_name": "acme-audit-logs", "s3_key_prefix": "audit",
            "enable_log_file_validation": True, "enable_logging": True, "kms_key_id": KEY,
            "is_multi_region_trail": True, "include_global_service_events": True,
            "is_organization_trail": False, "cloud_watch_logs_group_arn": LOG_GROUP,
            "cloud_watch_logs_role_arn": f"arn:aws:iam::{ACCOUNT}:role/trail-logs",
            "sns_topic_name": "", "sns_topic_arn": "", "event_selector": [],
            "advanced_event_selector": [], "insight_selector": [], **tags()}),
            ("aws_cloudtrail", {
                "id": f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/scratch",
                "arn": f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/scratch",
                "name": "scratch", "home_region": REGION, "s3_bucket_name": "acme-audit-logs",
                "s3_key_prefix": "", "enable_log_file_validation": False,
                "enable_logging": True, "kms_key_id": "", "is_multi_region_trail": False,
                "include_global_service_events": True, "is_organization_trail": False,
                "cloud_watch_logs_group_arn": "", "cloud_watch_logs_role_arn": "",
                "sns_topic_name": "", "sns_topic_arn": "", "event_selector": [],
                "advanced_event_selector": [], "insight_selector": [], "tags": None,
                "tags_all": {}})],
        template={
            "Audit": {"Type": "AWS::CloudTrail::Trail", "Properties": {
                "TrailName": "audit", "S3BucketName": "acme-audit-logs",
                "S3KeyPrefix": "audit", "EnableLogFileValidation": "true", "KMSKeyId": KEY,
                "IsMultiRegionTrail": True, "IsLogging": True,
                "CloudWatchLogsLogGroupArn": LOG_GROUP,
                "CloudWatchLogsRoleArn": f"arn:aws:iam::{ACCOUNT}:role/trail-logs",
                "Tags": cfn_tags()}},
            "Scratch": {"Type": "AWS::CloudTrail::Trail", "Properties": {
                "TrailName": "scratch", "S3BucketName": "acme-audit-logs",
                "IsLogging": True}}},
        expected={"name": "audit", "s3_bucket_name": "acme-audit-logs",
                  "s3_key_prefix": "audit", "log_file_validation": True, "kms_key_id": KEY,
                  "multi_region": True, "include_global_service_events": True,
                  "organization_trail": False, "cloud_watch_logs_group_arn": LOG_GROUP,
                  "logging": True, "tags": TAGS,
                  "kms_key_manager": None},  # the link: KEY is not in the input
    ),
    "aws_iam_role": Case(
        state=[("aws_iam_role", {
            "id": "trainer", "name": "trainer", "name_prefix": "", "path": "/ml/",
            "arn": f"arn:aws:iam::{ACCOUNT}:role/ml/trainer", "unique_id": "AROAEXAMPLE1",
            "create_date": "2025-01-01T00:00:00Z", "description": "training jobs",
            # As jsonencode() writes it: keys sorted, scalars where the code wrote them.
            "assume_role_policy": json.dumps({"Statement": [{
                "Action": "sts:AssumeRole", "Effect": "Allow",
                "Principal": {"Service": "sagemaker.amazonaws.com"}}],
                "Version": "2012-10-17"}, separators=(",", ":")),
            "force_detach_policies": False, "inline_policy": [], "managed_policy_arns": [],
            "max_session_duration": 7200, "permissions_boundary": BOUNDARY, **tags()}),
            ("aws_iam_role", {
                "id": "break-glass", "name": "break-glass", "name_prefix": "", "path": "/",
                "arn": f"arn:aws:iam::{ACCOUNT}:role/break-glass",
                "unique_id": "AROAEXAMPLE2", "create_date": "2025-01-01T00:00:00Z",
                "description": "", "assume_role_policy": json.dumps(ROOT_TRUST),
                "force_detach_policies": False, "inline_policy": [],
                "managed_policy_arns": [], "max_session_duration": 3600,
                "permissions_boundary": "", "tags": None, "tags_all": {}})],
        template={
            "Trainer": {"Type": "AWS::IAM::Role", "Properties": {
                "RoleName": "trainer", "Path": "/ml/", "Description": "training jobs",
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": {
                    "Effect": "Allow", "Action": ["sts:AssumeRole"],
                    "Principal": {"Service": ["sagemaker.amazonaws.com"]}}},
                "MaxSessionDuration": "7200", "PermissionsBoundary": BOUNDARY,
                "Tags": cfn_tags()}},
            "BreakGlass": {"Type": "AWS::IAM::Role", "Properties": {
                "RoleName": "break-glass", "AssumeRolePolicyDocument": ROOT_TRUST}}},
        expected={"name": "trainer", "path": "/ml/", "description": "training jobs",
                  "assume_role_policy": {"Version": "2012-10-17", "Statement": [{
                      "Action": ["sts:AssumeRole"], "Effect": "Allow",
                      "Principal": {"Service": ["sagemaker.amazonaws.com"]}}]},
                  "max_session_duration": 7200, "permissions_boundary": BOUNDARY,
                  "tags": TAGS},
    ),
    "aws_iam_policy": Case(
        state=[("aws_iam_policy", {
            "id": POLICY, "arn": POLICY, "name": "read-data", "name_prefix": "",
            "path": "/ml/", "description": "read the data", "policy_id": "ANPAEXAMPLE",
            "attachment_count": 2,
            "policy": json.dumps({"Version": "2012-10-17", "Statement": [{
                "Sid": "", "Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"],
                "Resource": "arn:aws:s3:::acme-data/*"}]}), **tags()})],
        template={
            "ReadData": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {
                "ManagedPolicyName": "read-data", "Path": "/ml/",
                "Description": "read the data", "PolicyDocument": {
                    "Version": "2012-10-17", "Statement": [{
                        "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject",
                                                      "s3:GetObject"],
                        "Resource": ["arn:aws:s3:::acme-data/*"]}]}}}},
        expected={"name": "read-data", "path": "/ml/", "description": "read the data",
                  "policy": {"Version": "2012-10-17", "Statement": [{
                      "Action": ["s3:GetObject", "s3:PutObject"], "Effect": "Allow",
                      "Resource": ["arn:aws:s3:::acme-data/*"]}]},
                  "tags": TAGS},
        # AWS::IAM::ManagedPolicy takes no tags.
        template_differs={"tags": {}},
    ),
    "aws_lambda_function": Case(
        state=[("aws_lambda_function", lambda_state("predict", {
            "runtime": "python3.12", "handler": "handler.handle", "memory_size": 1024,
            "timeout": 60, "architectures": ["arm64"], "kms_key_arn": KEY,
            "environment": [{"variables": {"API_TOKEN": "never-shown"}}],
            "vpc_config": [{"subnet_ids": ["subnet-0bbb", "subnet-0aaa"],
                            "security_group_ids": ["sg-0ccc"], "vpc_id": "vpc-0ddd",
                            "ipv6_allowed_for_dual_stack": False}], **tags()})),
            ("aws_lambda_function", lambda_state("batch-score", {
                "runtime": "python3.11", "handler": "handler.handle", "memory_size": 128,
                "timeout": 3, "architectures": ["x86_64"], "kms_key_arn": "",
                "environment": [], "vpc_config": [], "tags": None, "tags_all": {}})),
            ("aws_lambda_function_url", url_state("predict", "", "AWS_IAM")),
            # An alias's URL is the alias's: it does not fold into the function.
            ("aws_lambda_function_url", url_state("predict", "live", "NONE"))],
        template={
            "Predict": {"Type": "AWS::Lambda::Function", "Properties": {
                "FunctionName": "predict", "Runtime": "python3.12", "Role": LAMBDA_ROLE,
                "Handler": "handler.handle", "Code": {"ZipFile": "def handle(e, c): pass"},
                "MemorySize": 1024, "Timeout": "60", "Architectures": ["arm64"],
                "KmsKeyArn": KEY, "Environment": {"Variables": {"API_TOKEN": "never-shown"}},
                "VpcConfig": {"SubnetIds": ["subnet-0aaa", "subnet-0bbb"],
                              "SecurityGroupIds": ["sg-0ccc"]},
                "Tags": cfn_tags()}},
            "BatchScore": {"Type": "AWS::Lambda::Function", "Properties": {
                "FunctionName": "batch-score", "Runtime": "python3.11", "Role": LAMBDA_ROLE,
                "Handler": "handler.handle", "Code": {"ZipFile": "def handle(e, c): pass"}}},
            "PredictUrl": {"Type": "AWS::Lambda::Url", "Properties": {
                "TargetFunctionArn": {"Fn::GetAtt": ["Predict", "Arn"]},
                "AuthType": "AWS_IAM"}},
            "PredictLiveUrl": {"Type": "AWS::Lambda::Url", "Properties": {
                "TargetFunctionArn": {"Ref": "Predict"}, "Qualifier": "live",
                "AuthType": "NONE"}}},
        expected={"function_name": "predict", "runtime": "python3.12",
                  "handler": "handler.handle", "role": LAMBDA_ROLE, "package_type": "Zip",
                  "memory_size": 1024, "timeout": 60, "architectures": ["arm64"],
                  "kms_key_id": KEY, "subnet_ids": ["subnet-0aaa", "subnet-0bbb"],
                  "security_group_ids": ["sg-0ccc"], "authorization_type": "AWS_IAM",
                  "tags": TAGS, "kms_key_manager": None},  # the link: KEY is not here
    ),
    "aws_lb": Case(
        state=[("aws_lb", lb_state("inference-api", "app", {
            "internal": False, "load_balancer_type": "application",
            "subnets": ["subnet-0bbb", "subnet-0aaa"], "security_groups": ["sg-0ccc"],
            **tags()})),
            ("aws_lb", lb_state("feature-store", "net", {
                "internal": True, "load_balancer_type": "network", "subnets": ["subnet-0aaa"],
                "security_groups": [], "tags": None, "tags_all": {}}))],
        template={
            # Scheme and Type left out: internet-facing, application.
            "Api": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {
                "Name": "inference-api", "Subnets": ["subnet-0aaa", "subnet-0bbb"],
                "SecurityGroups": ["sg-0ccc"], "Tags": cfn_tags()}},
            "FeatureStore": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
                             "Properties": {
                                 "Name": "feature-store", "Scheme": "internal",
                                 "Type": "network", "SubnetMappings": [
                                     {"SubnetId": "subnet-0aaa"}]}}},
        expected={"name": "inference-api", "internet_facing": True,
                  "load_balancer_type": "application",
                  "subnet_ids": ["subnet-0aaa", "subnet-0bbb"], "security_group_ids": ["sg-0ccc"],
                  "ip_address_type": "ipv4", "tags": TAGS},
    ),
    "aws_nat_gateway": Case(
        state=[("aws_nat_gateway", {
            "id": "nat-0aaa1111", "allocation_id": "eipalloc-0bbb", "association_id":
            "eipassoc-0ccc", "connectivity_type": "public", "network_interface_id": "eni-0d",
            "private_ip": "10.0.1.20", "public_ip": "203.0.113.7", "subnet_id": "subnet-0aaa",
            "secondary_allocation_ids": [], "secondary_private_ip_address_count": 0,
            "secondary_private_ip_addresses": [], **tags()}),
            ("aws_nat_gateway", {
                "id": "nat-0eee2222", "allocation_id": "", "association_id": "",
                "connectivity_type": "private", "network_interface_id": "eni-0f",
                "private_ip": "10.0.2.20", "public_ip": "", "subnet_id": "subnet-0bbb",
                "secondary_allocation_ids": [], "secondary_private_ip_address_count": 0,
                "secondary_private_ip_addresses": [], "tags": None, "tags_all": {}})],
        template={
            "Egress": {"Type": "AWS::EC2::NatGateway", "Properties": {
                "SubnetId": "subnet-0aaa", "AllocationId": "eipalloc-0bbb",
                "Tags": cfn_tags()}},
            "Private": {"Type": "AWS::EC2::NatGateway", "Properties": {
                "SubnetId": "subnet-0bbb", "ConnectivityType": "private"}}},
        expected={"subnet_id": "subnet-0aaa", "connectivity_type": "public",
                  "allocation_id": "eipalloc-0bbb", "tags": TAGS},
    ),
    "aws_internet_gateway": Case(
        state=[("aws_internet_gateway", {
            "id": "igw-0aaa", "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:internet-gateway/igw-0aaa",
            "owner_id": ACCOUNT, "vpc_id": "vpc-0ddd", **tags()}),
            # Attached by its own resource: the gateway's vpc_id is what the provider read.
            ("aws_internet_gateway", {
                "id": "igw-0bbb",
                "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:internet-gateway/igw-0bbb",
                "owner_id": ACCOUNT, "vpc_id": "", "tags": None, "tags_all": {}}),
            ("aws_internet_gateway_attachment", {
                "id": "igw-0bbb:vpc-0eee", "internet_gateway_id": "igw-0bbb",
                "vpc_id": "vpc-0eee"}),
            ("aws_vpc", {"id": "vpc-0ddd", "cidr_block": "10.0.0.0/16",
                         "enable_dns_support": True, "enable_dns_hostnames": True,
                         "is_default": False, "tags": None, "tags_all": {}})],
        template={
            "Gateway": {"Type": "AWS::EC2::InternetGateway", "Properties": {
                "Tags": cfn_tags()}},
            "Spare": {"Type": "AWS::EC2::InternetGateway"},
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
            "Attach": {"Type": "AWS::EC2::VPCGatewayAttachment", "Properties": {
                "VpcId": "vpc-0ddd", "InternetGatewayId": {"Ref": "Gateway"}}},
            "AttachSpare": {"Type": "AWS::EC2::VPCGatewayAttachment", "Properties": {
                "VpcId": "vpc-0eee", "InternetGatewayId": {"Ref": "Spare"}}},
            # A VPN gateway's attachment: nothing to fold.
            "AttachVpn": {"Type": "AWS::EC2::VPCGatewayAttachment", "Properties": {
                "VpcId": {"Ref": "Vpc"}, "VpnGatewayId": "vgw-0fff"}}},
        expected={"vpc_id": "vpc-0ddd", "vpc_is_default": False, "tags": TAGS},
        # The gateway names its VPC only through the attachment, which a template's links
        # do not follow.
        template_differs={"vpc_is_default": ABSENT},
    ),
    "aws_vpc_endpoint": Case(
        state=[("aws_vpc_endpoint", endpoint_state("vpce-0aaa", {
            "service_name": f"com.amazonaws.{REGION}.s3", "vpc_endpoint_type": "Gateway",
            "route_table_ids": ["rtb-0bbb"], "subnet_ids": [], "security_group_ids": [],
            "private_dns_enabled": False, "policy": json.dumps(DATA_ONLY), **tags()})),
            ("aws_vpc_endpoint", endpoint_state("vpce-0ccc", {
                "service_name": f"com.amazonaws.{REGION}.sagemaker.api",
                "vpc_endpoint_type": "Interface", "route_table_ids": [],
                "subnet_ids": ["subnet-0eee", "subnet-0ddd"], "security_group_ids": ["sg-0f"],
                "private_dns_enabled": True,
                # Set by no code: the provider read AWS's default policy back.
                "policy": json.dumps(FULL_ACCESS), "tags": None, "tags_all": {}}))],
        template={
            "S3": {"Type": "AWS::EC2::VPCEndpoint", "Properties": {
                "VpcId": "vpc-0ddd", "ServiceName": f"com.amazonaws.{REGION}.s3",
                "RouteTableIds": ["rtb-0bbb"], "PolicyDocument": DATA_ONLY,
                # A gateway endpoint has no private DNS, whatever the template says.
                "PrivateDnsEnabled": True, "Tags": cfn_tags()}},
            "Api": {"Type": "AWS::EC2::VPCEndpoint", "Properties": {
                "VpcId": "vpc-0ddd", "ServiceName": f"com.amazonaws.{REGION}.sagemaker.api",
                "VpcEndpointType": "Interface", "SubnetIds": ["subnet-0ddd", "subnet-0eee"],
                "SecurityGroupIds": ["sg-0f"], "PrivateDnsEnabled": "true",
                "PolicyDocument": json.dumps(FULL_ACCESS)}}},
        expected={"vpc_id": "vpc-0ddd", "service_name": f"com.amazonaws.{REGION}.s3",
                  "vpc_endpoint_type": "Gateway", "subnet_ids": [], "security_group_ids": [],
                  "route_table_ids": ["rtb-0bbb"], "private_dns_enabled": False,
                  "policy": {"Version": "2012-10-17", "Statement": [{
                      "Action": ["s3:GetObject"], "Effect": "Allow",
                      "Principal": {"AWS": ["*"]}, "Resource": ["arn:aws:s3:::acme-data/*"]}]},
                  "requester_managed": False, "tags": TAGS},
    ),
}

# The second resource of a case, where it has one: what the code leaves out.
BARE: dict[str, dict[str, Any]] = {
    "aws_vpc_endpoint": {"vpc_id": "vpc-0ddd",
                         "service_name": f"com.amazonaws.{REGION}.sagemaker.api",
                         "vpc_endpoint_type": "Interface",
                         "subnet_ids": ["subnet-0ddd", "subnet-0eee"],
                         "security_group_ids": ["sg-0f"], "route_table_ids": [],
                         "private_dns_enabled": True,
                         "policy": {"Version": "2008-10-17", "Statement": [{
                             "Action": ["*"], "Effect": "Allow", "Principal": {"AWS": ["*"]},
                             "Resource": ["*"]}]},
                         "requester_managed": False, "tags": {}},
    "aws_internet_gateway": {"vpc_id": "vpc-0eee", "vpc_is_default": None, "tags": {}},
    "aws_nat_gateway": {"subnet_id": "subnet-0bbb", "connectivity_type": "private",
                        "allocation_id": None, "tags": {}},
    "aws_lb": {"name": "feature-store", "internet_facing": False,
               "load_balancer_type": "network", "subnet_ids": ["subnet-0aaa"],
               "security_group_ids": [], "ip_address_type": "ipv4", "tags": {}},
    "aws_lambda_function": {"function_name": "batch-score", "runtime": "python3.11",
                            "handler": "handler.handle", "role": LAMBDA_ROLE,
                            "package_type": "Zip", "memory_size": 128, "timeout": 3,
                            "architectures": ["x86_64"], "kms_key_id": None,
                            "subnet_ids": [], "security_group_ids": [],
                            "authorization_type": None, "tags": {},
                            "kms_key_manager": None},
    "aws_iam_role": {"name": "break-glass", "path": "/", "description": None,
                     "assume_role_policy": {"Version": "2012-10-17", "Statement": [{
                         "Action": ["sts:AssumeRole"], "Effect": "Allow",
                         "Principal": {"AWS": [ACCOUNT]}}]},
                     "max_session_duration": 3600, "permissions_boundary": None, "tags": {}},
    "aws_cloudtrail": {"name": "scratch", "s3_bucket_name": "acme-audit-logs",
                       "s3_key_prefix": None, "log_file_validation": False,
                       "kms_key_id": None, "multi_region": False,
                       "include_global_service_events": True, "organization_trail": False,
                       "cloud_watch_logs_group_arn": None, "logging": True, "tags": {},
                       "kms_key_manager": None},
    "aws_iam_user": {"name": "alice", "path": "/", "permissions_boundary": None, "tags": {}},
}


def from_state(tmp_path: Path, case: Case) -> list[Resource]:
    doc = TerraformState()
    for n, (rtype, values) in enumerate(case.state):
        doc.add(rtype, f"r{n}", values)
    _, resources = load(doc.write(tmp_path / "terraform.tfstate"))
    return resources


def from_template(case: Case) -> list[Resource]:
    data = json.dumps({"AWSTemplateFormatVersion": "2010-09-09",
                       "Resources": case.template}).encode()
    return cloudformation.load_bytes("t.json", data, yaml_text=False)


def of_type(resources: list[Resource], tf_type: str) -> list[Resource]:
    return [r for r in resources if r.type == tf_type]


@pytest.mark.parametrize("tf_type", sorted(CASES))
def test_state_and_template_give_the_same_attributes(tmp_path: Path, tf_type: str) -> None:
    case = CASES[tf_type]
    state = of_type(from_state(tmp_path, case), tf_type)
    template = of_type(from_template(case), tf_type)
    assert state[0].attributes == case.expected
    assert state[0].unknown == []
    assert template[0].attributes == in_template(case.expected, case)
    if tf_type in BARE:
        assert state[1].attributes == BARE[tf_type]
        assert template[1].attributes == in_template(BARE[tf_type], case)


def in_template(attributes: dict[str, Any], case: Case) -> dict[str, Any]:
    merged = {**attributes, **{k: v for k, v in case.template_differs.items()
                               if k in attributes}}
    return {k: v for k, v in merged.items() if v is not ABSENT}


@pytest.mark.parametrize("tf_type", ["aws_iam_user", "aws_lambda_function"])
def test_sensitive_values_never_reach_raw(tmp_path: Path, tf_type: str) -> None:
    case = CASES[tf_type]
    raw = json.dumps([r.raw for r in from_template(case) + from_state(tmp_path, case)])
    assert "never-shown" not in raw


def test_a_planned_function_url_without_qualifier_folds_in(tmp_path: Path) -> None:
    """In a plan an unset qualifier is null (in state it is ""); the URL's function name
    is unknown until the function exists: the configuration's reference joins them."""
    doc = plan(
        change("aws_lambda_function.predict", {"function_name": "predict",
                                                "role": LAMBDA_ROLE, "runtime": "python3.12",
                                                "handler": "h.handle"},
               unknown={"arn": True}),
        change("aws_lambda_function_url.predict", {"authorization_type": "NONE",
                                                    "qualifier": None},
               unknown={"function_name": True},
               refs={"function_name": ["aws_lambda_function.predict.function_name",
                                       "aws_lambda_function.predict"]}))
    _, resources = load(write(tmp_path, doc))
    function = of_type(resources, "aws_lambda_function")[0]
    assert function.attributes["authorization_type"] == "NONE"
    assert function.unknown == []
