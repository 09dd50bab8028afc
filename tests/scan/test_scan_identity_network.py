"""`driftguard scan` of the identity, audit, edge and network types against moto's server:
IAM roles, policies and users, a CloudTrail trail and its KMS key, a Lambda function with
its URL, a load balancer, a NAT gateway, internet gateways and VPC endpoints, built with
boto3 and declared by the Terraform state the AWS provider v5 would write for them (its
JSON strings formatted as jsonencode writes them, not as AWS returns them).

Freshly applied it is in sync, with what AWS makes by itself (a service-linked role, the
default VPC's internet gateway) left out; then changes behind the code's back."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto_estate import ACCOUNT, REGION, TAGS, State, drift_of, scan_json, tag_list, tags_of

from driftguard.catalog.convert import policy_document

TYPES = ("aws_cloudtrail", "aws_iam_policy", "aws_iam_role", "aws_iam_user",
         "aws_internet_gateway", "aws_kms_key", "aws_lambda_function", "aws_lb",
         "aws_nat_gateway", "aws_vpc_endpoint")


def compact(doc: dict[str, Any]) -> str:
    """A policy as Terraform's jsonencode writes it (keys sorted, no spaces)."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"))


def trust(service: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": service}}]}


def code() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handle(event, context):\n    return event\n")
    return buffer.getvalue()


@dataclass
class Estate:
    state: State = field(default_factory=State)
    ids: dict[str, str] = field(default_factory=dict)

    def build(self) -> Estate:
        self._iam()
        self._audit()
        self._network()
        self._edge()
        return self

    def _iam(self) -> None:
        iam = boto3.client("iam")
        # AWS's own: not declared, not unmanaged.
        iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")
        for name, service in (("trainer", "sagemaker.amazonaws.com"),
                              ("predict-fn", "lambda.amazonaws.com")):
            # AWS gets the trust policy as the SDK writes it; the state holds jsonencode's.
            role = iam.create_role(RoleName=name, Path="/ml/", Tags=tag_list(TAGS),
                                   AssumeRolePolicyDocument=json.dumps(trust(service),
                                                                       indent=2))["Role"]
            self.ids[f"role:{name}"] = role["Arn"]
            self.state.add("aws_iam_role", name.replace("-", "_"), {
                "id": name, "name": name, "name_prefix": "", "path": "/ml/",
                "arn": role["Arn"], "unique_id": role["RoleId"],
                "create_date": "2025-01-01T00:00:00Z", "description": "",
                # Written otherwise than AWS keeps it (lists, a Sid ""): the same policy.
                "assume_role_policy": compact({"Version": "2012-10-17", "Statement": [{
                    "Sid": "", "Effect": "Allow", "Action": ["sts:AssumeRole"],
                    "Principal": {"Service": [service]}}]}), "force_detach_policies": False,
                "inline_policy": [], "managed_policy_arns": [], "max_session_duration": 3600,
                "permissions_boundary": "", **tags_of(TAGS)})
        read = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": ["arn:aws:s3:::acme-data", "arn:aws:s3:::acme-data/*"]}]}
        policy = iam.create_policy(PolicyName="read-data", Path="/ml/",
                                   Description="read the data", PolicyDocument=json.dumps(read),
                                   Tags=tag_list(TAGS))["Policy"]
        self.ids["policy"] = policy["Arn"]
        self.state.add("aws_iam_policy", "read_data", {
            "id": policy["Arn"], "arn": policy["Arn"], "name": "read-data", "name_prefix": "",
            "path": "/ml/", "description": "read the data", "policy_id": policy["PolicyId"],
            "attachment_count": 0, "policy": compact(read), **tags_of(TAGS)})
        user = iam.create_user(UserName="ci-deployer", Path="/automation/",
                               Tags=tag_list(TAGS))["User"]
        self.state.add("aws_iam_user", "deployer", {
            "id": "ci-deployer", "name": "ci-deployer", "path": "/automation/",
            "arn": user["Arn"], "unique_id": user["UserId"], "force_destroy": False,
            "permissions_boundary": "", **tags_of(TAGS)})

    def _audit(self) -> None:
        kms = boto3.client("kms")
        key = kms.create_key(Description="audit logs", Tags=[
            {"TagKey": k, "TagValue": v} for k, v in TAGS.items()])["KeyMetadata"]
        kms.enable_key_rotation(KeyId=key["KeyId"])
        self.ids["key"] = key["KeyId"]
        self.state.add("aws_kms_key", "audit", {
            "arn": key["Arn"], "id": key["KeyId"], "key_id": key["KeyId"],
            "description": "audit logs", "enable_key_rotation": True, "is_enabled": True,
            # moto reports no rotation period (AWS: 365), as the provider would read it.
            "rotation_period_in_days": 0, "customer_master_key_spec": "SYMMETRIC_DEFAULT",
            "key_usage": "ENCRYPT_DECRYPT", "multi_region": False,
            "deletion_window_in_days": 30, **tags_of(TAGS)})
        bucket = "acme-audit-logs"
        boto3.client("s3").create_bucket(Bucket=bucket, CreateBucketConfiguration={
            "LocationConstraint": REGION})
        cloudtrail = boto3.client("cloudtrail")
        trail = cloudtrail.create_trail(
            Name="audit", S3BucketName=bucket, EnableLogFileValidation=True,
            IsMultiRegionTrail=True, KmsKeyId=key["Arn"], TagsList=tag_list(TAGS))
        cloudtrail.start_logging(Name="audit")
        self.state.add("aws_cloudtrail", "audit", {
            "id": trail["TrailARN"], "arn": trail["TrailARN"], "name": "audit",
            "home_region": REGION, "s3_bucket_name": bucket, "s3_key_prefix": "",
            "enable_log_file_validation": True, "enable_logging": True,
            "kms_key_id": key["Arn"], "is_multi_region_trail": True,
            "include_global_service_events": True, "is_organization_trail": False,
            "cloud_watch_logs_group_arn": "", "cloud_watch_logs_role_arn": "",
            "sns_topic_name": "", "event_selector": [], "advanced_event_selector": [],
            "insight_selector": [], **tags_of(TAGS)})

    def _network(self) -> None:
        ec2 = boto3.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.70.0.0/16")["Vpc"]["VpcId"]
        self.ids["vpc"] = vpc
        subnets = sorted(ec2.create_subnet(
            VpcId=vpc, CidrBlock=f"10.70.{n}.0/24",
            AvailabilityZone=f"{REGION}{zone}")["Subnet"]["SubnetId"]
            for n, zone in ((1, "a"), (2, "b")))
        self.ids["subnets"] = ",".join(subnets)
        self.ids["sg"] = ec2.create_security_group(GroupName="edge", Description="edge",
                                                   VpcId=vpc)["GroupId"]
        gateway = ec2.create_internet_gateway(TagSpecifications=[{
            "ResourceType": "internet-gateway", "Tags": tag_list(TAGS)}],
        )["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
        self.state.add("aws_internet_gateway", "main", {
            "id": gateway, "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:internet-gateway/{gateway}",
            "owner_id": ACCOUNT, "vpc_id": vpc, **tags_of(TAGS)})
        # AWS makes the default VPC with its gateway (moto makes the VPC only).
        default_vpc = next(v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v["IsDefault"])
        aws_made = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(VpcId=default_vpc, InternetGatewayId=aws_made)
        address = ec2.allocate_address(Domain="vpc")
        nat = ec2.create_nat_gateway(SubnetId=subnets[0], AllocationId=address["AllocationId"],
                                     TagSpecifications=[{"ResourceType": "natgateway",
                                                         "Tags": tag_list(TAGS)}])["NatGateway"]
        self.ids["nat"] = nat["NatGatewayId"]
        self.state.add("aws_nat_gateway", "egress", {
            "id": nat["NatGatewayId"], "allocation_id": address["AllocationId"],
            "association_id": "", "connectivity_type": "public", "network_interface_id": "",
            "private_ip": "", "public_ip": address["PublicIp"], "subnet_id": subnets[0],
            "secondary_allocation_ids": [], "secondary_private_ip_address_count": 0,
            "secondary_private_ip_addresses": [], **tags_of(TAGS)})
        table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        endpoint = ec2.create_vpc_endpoint(
            VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.s3", RouteTableIds=[table],
            TagSpecifications=[{"ResourceType": "vpc-endpoint", "Tags": tag_list(TAGS)}],
        )["VpcEndpoint"]
        self.ids["endpoint"] = endpoint["VpcEndpointId"]
        self.state.add("aws_vpc_endpoint", "s3", {
            "id": endpoint["VpcEndpointId"], "vpc_id": vpc,
            "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc-endpoint/{endpoint['VpcEndpointId']}",
            "service_name": f"com.amazonaws.{REGION}.s3", "vpc_endpoint_type": "Gateway",
            "route_table_ids": [table], "subnet_ids": [], "security_group_ids": [],
            "private_dns_enabled": False, "requester_managed": False, "auto_accept": None,
            # Set by no code: the provider read back AWS's default policy.
            "policy": compact(json.loads(endpoint["PolicyDocument"])), "state": "available",
            "ip_address_type": "", "dns_entry": [], "dns_options": [], "cidr_blocks": [],
            "network_interface_ids": [], "owner_id": ACCOUNT, "prefix_list_id": "",
            "subnet_configuration": [], **tags_of(TAGS)})

    def _edge(self) -> None:
        subnets = self.ids["subnets"].split(",")
        lb = boto3.client("elbv2").create_load_balancer(
            Name="inference-api", Subnets=subnets, SecurityGroups=[self.ids["sg"]],
            Scheme="internet-facing", Type="application", Tags=tag_list(TAGS),
        )["LoadBalancers"][0]
        self.ids["lb"] = lb["LoadBalancerArn"]
        self.state.add("aws_lb", "api", {
            "id": lb["LoadBalancerArn"], "arn": lb["LoadBalancerArn"], "name": "inference-api",
            "name_prefix": "", "internal": False, "load_balancer_type": "application",
            "subnets": list(reversed(subnets)), "security_groups": [self.ids["sg"]],
            "ip_address_type": "ipv4", "dns_name": lb["DNSName"], "vpc_id": self.ids["vpc"],
            "enable_deletion_protection": False, "idle_timeout": 60, "access_logs": [],
            "subnet_mapping": [], **tags_of(TAGS)})
        functions = boto3.client("lambda")
        made = functions.create_function(
            FunctionName="predict", Runtime="python3.12", Role=self.ids["role:predict-fn"],
            Handler="handler.handle", Code={"ZipFile": code()}, MemorySize=512, Timeout=30,
            Environment={"Variables": {"MODEL": "s3://acme-models/llm"}}, Tags=TAGS)
        url = functions.create_function_url_config(FunctionName="predict", AuthType="AWS_IAM")
        self.state.add("aws_lambda_function", "predict", {
            "id": "predict", "function_name": "predict", "arn": made["FunctionArn"],
            "role": self.ids["role:predict-fn"], "runtime": "python3.12",
            "handler": "handler.handle", "package_type": "Zip", "memory_size": 512,
            "timeout": 30, "architectures": ["x86_64"], "kms_key_arn": "",
            "environment": [{"variables": {"MODEL": "s3://acme-models/llm"}}],
            "vpc_config": [], "filename": "build/predict.zip", "image_uri": "",
            "version": "$LATEST", "publish": False, "layers": [],
            "tracing_config": [{"mode": "PassThrough"}], **tags_of(TAGS)})
        self.state.add("aws_lambda_function_url", "predict", {
            "id": "predict", "function_name": "predict", "qualifier": "",
            "authorization_type": "AWS_IAM", "function_arn": made["FunctionArn"],
            "function_url": url["FunctionUrl"], "url_id": "x1y2", "invoke_mode": "BUFFERED",
            "cors": [], "timeouts": None})


@pytest.fixture
def estate(aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Estate, Path]:
    monkeypatch.chdir(tmp_path)
    for key in ("DRIFTGUARD_CONFIG", "DRIFTGUARD_FAIL_ON"):
        monkeypatch.delenv(key, raising=False)
    built = Estate().build()
    config = tmp_path / "driftguard.yaml"  # drift only: the rules are another test's
    config.write_text("builtin_policies: false\n", encoding="utf-8")
    return built, built.state.write(tmp_path / "terraform.tfstate")


def test_a_freshly_applied_estate_is_in_sync(estate: tuple[Estate, Path],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    _, state = estate
    code, report = scan_json(capsys, "--state", str(state))
    assert (code, report["drift"], report["not_checked"]) == (0, [], [])
    coverage = {c["type"]: (c["managed"], c["unmanaged"]) for c in report["coverage"]}
    assert coverage == {**dict.fromkeys(TYPES, (1, 0)), "aws_iam_role": (2, 0)}

    # Strict: the service-linked role and the default VPC's gateway are AWS's, unmanaged.
    code, report = scan_json(capsys, "--state", str(state), "--strict")
    assert code == 1
    assert sorted((d["kind"], d["type"]) for d in report["drift"]) == [
        ("unmanaged", "aws_iam_role"), ("unmanaged", "aws_internet_gateway")]


def test_drift_behind_the_codes_back(estate: tuple[Estate, Path],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    built, state = estate
    ids = built.ids
    iam = boto3.client("iam")
    iam.update_assume_role_policy(RoleName="trainer", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                 "Principal": {"AWS": "*"}}]}))
    admin = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    iam.create_policy_version(PolicyArn=ids["policy"], PolicyDocument=json.dumps(admin),
                              SetAsDefault=True)
    iam.delete_user(UserName="ci-deployer")
    iam.create_role(RoleName="by-hand", AssumeRolePolicyDocument=json.dumps(
        trust("ec2.amazonaws.com")))
    boto3.client("cloudtrail").stop_logging(Name="audit")
    boto3.client("kms").disable_key_rotation(KeyId=ids["key"])
    boto3.client("lambda").update_function_url_config(FunctionName="predict", AuthType="NONE")
    boto3.client("elbv2").add_tags(ResourceArns=[ids["lb"]],
                                   Tags=[{"Key": "owner", "Value": "someone"}])
    ec2 = boto3.client("ec2")
    ec2.delete_nat_gateway(NatGatewayId=ids["nat"])
    stray = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    open_policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}
    ec2.modify_vpc_endpoint(VpcEndpointId=ids["endpoint"],
                            PolicyDocument=json.dumps(open_policy))

    # Every value, policy documents and tags too (by default reports do not show them).
    code, report = scan_json(capsys, "--state", str(state), "--show-values")
    assert code == 1
    assert drift_of(report) == [
        ("missing", "aws_iam_user", "ci-deployer", "aws_iam_user.deployer", []),
        ("missing", "aws_nat_gateway", ids["nat"], "aws_nat_gateway.egress", []),
        ("changed", "aws_cloudtrail", "audit", "aws_cloudtrail.audit",
         [("logging", True, False)]),
        ("changed", "aws_iam_policy", ids["policy"], "aws_iam_policy.read_data",
         [("policy", read_data_policy(), normalized(admin))]),
        ("changed", "aws_iam_role", "trainer", "aws_iam_role.trainer",
         [("assume_role_policy", normalized(trust("sagemaker.amazonaws.com")),
           normalized({"Version": "2012-10-17", "Statement": [{
               "Effect": "Allow", "Action": "sts:AssumeRole",
               "Principal": {"AWS": "*"}}]}))]),
        ("changed", "aws_kms_key", ids["key"], "aws_kms_key.audit",
         [("key_rotation_enabled", True, False)]),
        ("changed", "aws_lambda_function", "predict", "aws_lambda_function.predict",
         [("authorization_type", "AWS_IAM", "NONE")]),
        ("changed", "aws_lb", ids["lb"], "aws_lb.api",
         [("tags", TAGS, {**TAGS, "owner": "someone"})]),
        ("changed", "aws_vpc_endpoint", ids["endpoint"], "aws_vpc_endpoint.s3",
         [("policy", full_access(), normalized(open_policy))]),
        ("unmanaged", "aws_iam_role", "by-hand", f"arn:aws:iam::{ACCOUNT}:role/by-hand", []),
        ("unmanaged", "aws_internet_gateway", stray, stray, []),
    ]


def normalized(doc: dict[str, Any]) -> Any:
    return policy_document(doc)


def read_data_policy() -> Any:
    return normalized({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": ["arn:aws:s3:::acme-data", "arn:aws:s3:::acme-data/*"]}]})


def full_access() -> Any:
    return normalized({"Version": "2008-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]})


def rule_findings(report: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(rule, type, address) of each rule's finding (drift's own left out)."""
    return {(f["rule_id"], f["resource"]["type"], f["resource"]["address"])
            for f in report["findings"] if not f["rule_id"].startswith("DG-DRIFT-")}


def test_the_rules_leave_what_aws_made_alone(estate: tuple[Estate, Path],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """The built-in rules on the fresh estate, live: the service-linked role, the default
    VPC's gateway and the full access AWS gives the endpoint are no findings (the
    internet-facing load balancer is the code's, a warning). Opened behind the code's back,
    the same resources are findings live."""
    built, state = estate
    ids = built.ids
    config = state.parent / "driftguard.yaml"
    config.write_text("{}\n", encoding="utf-8")  # the built-in rules
    _, report = scan_json(capsys, "--state", str(state), "--config", str(config))
    assert report["drift"] == []
    assert rule_findings(report) == {("DG-NET-010", "aws_lb", ids["lb"])}

    iam = boto3.client("iam")
    iam.update_assume_role_policy(RoleName="trainer", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"AWS": "*"}}]}))
    iam.create_policy_version(PolicyArn=ids["policy"], SetAsDefault=True,
                              PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                                  {"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    boto3.client("kms").disable_key_rotation(KeyId=ids["key"])
    boto3.client("lambda").update_function_url_config(FunctionName="predict", AuthType="NONE")
    _, report = scan_json(capsys, "--state", str(state), "--config", str(config))
    assert {(rule, t) for rule, t, _ in rule_findings(report)} == {
        ("DG-NET-010", "aws_lb"), ("DG-IAM-002", "aws_iam_role"),
        ("DG-IAM-001", "aws_iam_policy"), ("DG-AUD-002", "aws_kms_key"),
        ("DG-NET-009", "aws_lambda_function")}
