"""`driftguard demo`: a simulated ML account, drift behind the code's back, and a scan.

moto's server runs in this process on a free loopback port. The account is built from
configs/examples/demo/estate.yaml with the AWS API, the Terraform state that declares it
is written as `terraform apply` would, then the account is changed by hand and scanned.
Nothing leaves the machine; no AWS account or credentials are used.
"""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path
from typing import Any

import boto3
import yaml

from driftguard.collect.clients import ClientFactory
from driftguard.config import Config
from driftguard.declared.state_writer import TerraformState
from driftguard.errors import DriftguardError, InputError
from driftguard.model import CheckResult

ESTATE = Path(__file__).resolve().parents[1] / "configs/examples/demo/estate.yaml"


class Estate:
    """Builds the account and remembers, per Terraform resource, its state attributes."""

    def __init__(self, spec: dict[str, Any], session: boto3.Session, endpoint: str) -> None:
        self.spec, self.region = spec, spec["region"]
        self.tags = dict(spec["tags"])
        self.tag_list = [{"Key": k, "Value": v} for k, v in self.tags.items()]
        self._clients: dict[str, Any] = {}
        self._session, self._endpoint = session, endpoint
        self.tf = TerraformState(lineage="d3m0d3m0-0000-4000-8000-000000000001")

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._session.client(
                service, region_name=self.region, endpoint_url=self._endpoint)
        return self._clients[service]

    def declare(self, rtype: str, name: str, attributes: dict[str, Any], key: Any = None,
                sensitive: tuple[str, ...] = (), tagged: bool = True,
                tags: dict[str, str] | None = None) -> None:
        if tagged:
            all_tags = {**self.tags, **(tags or {})}
            attributes = {**attributes, "tags": all_tags, "tags_all": all_tags}
        self.tf.add(rtype, name, attributes, index_key=key, sensitive=sensitive)

    def build(self) -> None:
        s = self.spec
        # The data key comes first: everything encrypted uses it (no aws/* default keys).
        kms = self.client("kms").create_key(Description="ML data key", Tags=[
            {"TagKey": k, "TagValue": v} for k, v in self.tags.items()])["KeyMetadata"]
        self.client("kms").enable_key_rotation(KeyId=kms["KeyId"])
        self.key_arn = kms["Arn"]
        self.declare("aws_kms_key", "data", {
            "id": kms["KeyId"], "arn": kms["Arn"], "key_id": kms["KeyId"],
            "description": "ML data key", "enable_key_rotation": True,
            "key_usage": "ENCRYPT_DECRYPT", "multi_region": False})
        ec2 = self.client("ec2")
        vpc = ec2.create_vpc(CidrBlock=s["vpc"]["cidr"])["Vpc"]["VpcId"]
        ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
        ec2.create_tags(Resources=[vpc], Tags=self.tag_list)
        self.declare("aws_vpc", s["vpc"]["name"], {
            "id": vpc, "cidr_block": s["vpc"]["cidr"], "enable_dns_support": True,
            "enable_dns_hostnames": True, "instance_tenancy": "default"})
        self.subnets = {}
        for i, sub in enumerate(s["subnets"]):
            sid = ec2.create_subnet(VpcId=vpc, CidrBlock=sub["cidr"],
                                    AvailabilityZone=sub["zone"])["Subnet"]["SubnetId"]
            ec2.create_tags(Resources=[sid], Tags=self.tag_list)
            self.subnets[sub["name"]] = sid
            self.declare("aws_subnet", "private", {
                "id": sid, "vpc_id": vpc, "cidr_block": sub["cidr"],
                "availability_zone": sub["zone"], "map_public_ip_on_launch": False}, key=i)
        sg = s["security_group"]
        group = ec2.create_security_group(GroupName=sg["name"], Description=sg["description"],
                                          VpcId=vpc)["GroupId"]
        ec2.create_tags(Resources=[group], Tags=self.tag_list)
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
            {"IpProtocol": r["protocol"], "FromPort": r["port"], "ToPort": r["port"],
             "IpRanges": [{"CidrIp": r["cidr"]}]} for r in sg["ingress"]])
        self.declare("aws_security_group", sg["name"], {
            "id": group, "name": sg["name"], "description": sg["description"], "vpc_id": vpc,
            "ingress": [_tf_rule(r["protocol"], r["port"], r["port"], [r["cidr"]])
                        for r in sg["ingress"]],
            "egress": [_tf_rule("-1", 0, 0, ["0.0.0.0/0"])]})
        inst = s["training_instance"]
        self.trainer = self.run_instance(inst["type"], inst["subnet"], inst["ami"], group,
                                         inst["name"])
        self.declare("aws_instance", inst["name"], tags={"Name": inst["name"]}, attributes={
            "id": self.trainer, "ami": inst["ami"], "instance_type": inst["type"],
            "subnet_id": self.subnets[inst["subnet"]], "associate_public_ip_address": False,
            "vpc_security_group_ids": [group],
            "metadata_options": [{"http_tokens": "required", "http_endpoint": "enabled"}],
            "root_block_device": [{"encrypted": True, "volume_size": 200}]})
        self.build_storage()

    def run_instance(self, itype: str, subnet: str, ami: str, group: str | None,
                     name: str) -> str:
        params: dict[str, Any] = {
            "ImageId": ami, "InstanceType": itype, "MinCount": 1, "MaxCount": 1,
            "SubnetId": self.subnets[subnet],
            # The AMI's root device (/dev/sda1): this encrypts the root volume itself.
            "BlockDeviceMappings": [{"DeviceName": "/dev/sda1", "Ebs": {
                "VolumeSize": 200, "Encrypted": True, "KmsKeyId": self.key_arn,
                "DeleteOnTermination": True}}],
            "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled"},
            "TagSpecifications": [{"ResourceType": "instance", "Tags": [
                *self.tag_list, {"Key": "Name", "Value": name}]}]}
        if group:
            params["SecurityGroupIds"] = [group]
        return str(self.client("ec2").run_instances(**params)["Instances"][0]["InstanceId"])

    def build_storage(self) -> None:
        s, s3, kms = self.spec, self.client("s3"), {"Arn": self.key_arn}
        for b in s["buckets"]:
            s3.create_bucket(Bucket=b["name"],
                             CreateBucketConfiguration={"LocationConstraint": self.region})
            s3.put_bucket_tagging(Bucket=b["name"], Tagging={"TagSet": self.tag_list})
            self.declare("aws_s3_bucket", "data", {"id": b["name"], "bucket": b["name"],
                                                   "arn": f"arn:aws:s3:::{b['name']}"},
                         key=b["key"])
            if b["encryption"]:
                s3.put_bucket_encryption(Bucket=b["name"], ServerSideEncryptionConfiguration={
                    "Rules": [{"ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": b["encryption"], "KMSMasterKeyID": kms["Arn"]}}]})
                self.declare("aws_s3_bucket_server_side_encryption_configuration", "data", {
                    "id": b["name"], "bucket": b["name"], "rule": [
                        {"apply_server_side_encryption_by_default": [
                            {"sse_algorithm": b["encryption"],
                             "kms_master_key_id": kms["Arn"]}],
                         "bucket_key_enabled": False}]}, key=b["key"], tagged=False)
            if b["versioning"]:
                s3.put_bucket_versioning(Bucket=b["name"],
                                         VersioningConfiguration={"Status": "Enabled"})
                self.declare("aws_s3_bucket_versioning", "data", {
                    "id": b["name"], "bucket": b["name"],
                    "versioning_configuration": [{"status": "Enabled", "mfa_delete": ""}]},
                    key=b["key"], tagged=False)
        repo = self.client("ecr").create_repository(
            repositoryName=s["model_registry"]["name"], imageTagMutability="IMMUTABLE",
            imageScanningConfiguration={"scanOnPush": True}, tags=self.tag_list)["repository"]
        self.declare("aws_ecr_repository", "models", {
            "id": repo["repositoryName"], "name": repo["repositoryName"],
            "arn": repo["repositoryArn"], "image_tag_mutability": "IMMUTABLE",
            "image_scanning_configuration": [{"scan_on_push": True}],
            "encryption_configuration": [{"encryption_type": "AES256", "kms_key": ""}]})
        db = s["database"]
        made = self.client("rds").create_db_instance(
            DBInstanceIdentifier=db["identifier"], Engine=db["engine"],
            DBInstanceClass=db["class"], AllocatedStorage=50, MasterUsername="mlflow",
            MasterUserPassword="demo-password-never-shown", StorageEncrypted=True,
            KmsKeyId=kms["Arn"],
            PubliclyAccessible=False, Tags=self.tag_list)["DBInstance"]
        self.declare("aws_db_instance", "metadata", {
            "id": made["DbiResourceId"], "identifier": db["identifier"], "engine": db["engine"],
            "instance_class": db["class"], "allocated_storage": 50, "username": "mlflow",
            "password": "demo-password-never-shown", "storage_encrypted": True,
            "publicly_accessible": False, "multi_az": False, "arn": made["DBInstanceArn"],
            "kms_key_id": kms["Arn"]},
            sensitive=("password",))
        vol = s["volume"]
        self.volume = self.client("ec2").create_volume(
            AvailabilityZone=vol["zone"], Size=vol["size"], VolumeType="gp3", Encrypted=True,
            KmsKeyId=self.key_arn,
            TagSpecifications=[{"ResourceType": "volume", "Tags": [
                *self.tag_list, {"Key": "Name", "Value": vol["name"]}]}])["VolumeId"]
        self.declare("aws_ebs_volume", "datasets_cache", tags={"Name": vol["name"]}, attributes={
            "id": self.volume, "availability_zone": vol["zone"], "size": vol["size"],
            "type": "gp3", "encrypted": True, "kms_key_id": self.key_arn})

    def state(self) -> dict[str, Any]:
        return self.tf.doc()

    def drift(self) -> list[str]:
        """Change the account behind the code's back; say what was done."""
        d, ec2 = self.spec["drift"], self.client("ec2")
        self.client("s3").delete_bucket_encryption(Bucket=d["remove_bucket_encryption"])
        change = d["change_instance_type"]
        ec2.stop_instances(InstanceIds=[self.trainer])
        ec2.modify_instance_attribute(InstanceId=self.trainer,
                                      InstanceType={"Value": change["to"]})
        ec2.start_instances(InstanceIds=[self.trainer])
        extra = d["start_unmanaged_instance"]
        unmanaged = self.run_instance(extra["type"], extra["subnet"],
                                      self.spec["training_instance"]["ami"], None, extra["name"])
        ec2.delete_volume(VolumeId=self.volume)
        return [
            f"removed the default encryption of bucket {d['remove_bucket_encryption']}",
            f"changed instance {self.trainer} ({change['instance']}) to {change['to']}",
            f"started an instance nobody declared: {unmanaged} ({extra['type']})",
            f"deleted volume {self.volume} ({d['delete_volume']})",
        ]


def _tf_rule(protocol: str, from_port: int, to_port: int, cidrs: list[str]) -> dict[str, Any]:
    return {"protocol": protocol, "from_port": from_port, "to_port": to_port,
            "cidr_blocks": cidrs, "ipv6_cidr_blocks": [], "prefix_list_ids": [],
            "security_groups": [], "self": False, "description": ""}


def write_html(result: CheckResult, path: Path, say: Any) -> None:
    """The scan's HTML report beside the state, and where it is."""
    from driftguard.report.html_report import render

    try:
        path.write_text(render(result), encoding="utf-8")
    except OSError as exc:
        raise InputError(path, f"cannot write the HTML report: {exc.strerror or exc}"
                         ) from None
    say(f"wrote the HTML report: {path} (open it in a browser)\n")


def run(config: Config, workdir: Path | None = None, say: Any = print
        ) -> tuple[CheckResult, Path]:
    """Build, drift, scan; returns the scan's result (the caller renders it) and the
    working directory that holds the state (and, once `codify` ran, the import blocks)."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        raise DriftguardError("the demo needs moto's server: pip install 'driftguard[demo]'"
                              ) from None

    from driftguard import pipeline

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no request log on the terminal
    if workdir is not None and not workdir.is_dir():  # before anything starts
        raise InputError(workdir, "--workdir: no such directory" if not workdir.exists()
                         else "--workdir: not a directory")
    if not ESTATE.is_file():
        raise DriftguardError(f"{ESTATE}: the demo runs from a checkout of driftguard")
    spec = yaml.safe_load(ESTATE.read_text(encoding="utf-8"))
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        # Fake credentials for the local server only: never the user's.
        session = boto3.Session(aws_access_key_id="demo", aws_secret_access_key="demo",
                                region_name=spec["region"])
        say(f"building an ML account in {spec['region']} on a moto server ({endpoint})")
        say(f"  from {ESTATE.relative_to(ESTATE.parents[3])}")
        estate = Estate(spec, session, endpoint)
        estate.build()
        workdir = workdir or Path(tempfile.mkdtemp(prefix="driftguard-demo-"))
        state_path = workdir / "terraform.tfstate"
        try:
            state_path.write_text(json.dumps(estate.state(), indent=2), encoding="utf-8")
        except OSError as exc:
            raise InputError(state_path, f"cannot write the state: {exc.strerror or exc}"
                             ) from None
        say("wrote the Terraform state that declares it:")
        say(f"  {state_path}")
        say("changing the account behind the code's back:")
        for line in estate.drift():
            say(f"  - {line}")
        say("scanning...\n")
        config = config.with_overrides(scan={"states": [str(state_path)]},
                                       aws={"regions": [spec["region"]]})
        clients = ClientFactory(session=session, endpoint_url=endpoint,
                                default_region=spec["region"])
        result = pipeline.scan(config, clients=clients)
        write_html(result, workdir / "report.html", say)
        return result, workdir
    finally:
        server.stop()


def codify(result: CheckResult, workdir: Path) -> Path:
    """The Terraform import blocks of the scan's unmanaged resources, written to
    `workdir/imports.tf` (`terraform plan -generate-config-out=generated.tf` writes their
    code from it); returns the path."""
    from driftguard.report import terraform_import

    path = workdir / "imports.tf"
    try:
        path.write_text(terraform_import.render(result), encoding="utf-8")
    except OSError as exc:
        raise InputError(path, f"cannot write the import blocks: {exc.strerror or exc}"
                         ) from None
    return path
