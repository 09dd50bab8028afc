"""Builders of the scan tests' estates: each makes one resource in moto's server with boto3
and adds to a State (when given one) what the AWS provider v5 writes for it after apply,
the attributes it reads back included. A test's estate is then a few calls, and each
type's state shape is written once. Every builder returns what a test needs to name the
resource (its id, or a dict of ids); `state=None` builds without declaring (a resource
remade behind the code's back)."""

from __future__ import annotations

from typing import Any

import boto3
from moto_estate import ACCOUNT, AMI, REGION, State, tag_list, tags_of


def arn(service: str, what: str) -> str:
    return f"arn:aws:{service}:{REGION}:{ACCOUNT}:{what}"


def _tags(tags: dict[str, str] | None) -> dict[str, Any]:
    """tags/tags_all as the provider writes them, none set: null and {}."""
    return tags_of(tags) if tags else {"tags": None, "tags_all": {}}


def _tag_spec(kind: str, tags: dict[str, str] | None) -> dict[str, Any]:
    return {"TagSpecifications": [{"ResourceType": kind, "Tags": tag_list(tags)}]} if tags else {}


# --- network ------------------------------------------------------------------------------

def vpc(state: State | None, name: str, cidr: str, *, dns_hostnames: bool = False,
        tags: dict[str, str] | None = None) -> str:
    ec2 = boto3.client("ec2")
    ident = ec2.create_vpc(CidrBlock=cidr, **_tag_spec("vpc", tags))["Vpc"]["VpcId"]
    if dns_hostnames:
        ec2.modify_vpc_attribute(VpcId=ident, EnableDnsHostnames={"Value": True})
    if state is not None:
        state.add("aws_vpc", name, {
            "arn": arn("ec2", f"vpc/{ident}"), "id": ident, "cidr_block": cidr,
            "assign_generated_ipv6_cidr_block": False, "enable_dns_hostnames": dns_hostnames,
            "enable_dns_support": True, "instance_tenancy": "default", "is_default": False,
            "ipv6_cidr_block": "", "owner_id": ACCOUNT, **_tags(tags)}, schema_version=1)
    return str(ident)


def subnet(state: State | None, name: str, vpc_id: str, cidr: str, *, zone: str = "a",
           public: bool = False, tags: dict[str, str] | None = None,
           index_key: Any = None) -> str:
    ec2 = boto3.client("ec2")
    ident = ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=f"{REGION}{zone}",
                              **_tag_spec("subnet", tags))["Subnet"]["SubnetId"]
    if public:
        ec2.modify_subnet_attribute(SubnetId=ident, MapPublicIpOnLaunch={"Value": True})
    if state is not None:
        state.add("aws_subnet", name, {
            "arn": arn("ec2", f"subnet/{ident}"), "id": ident, "vpc_id": vpc_id,
            "cidr_block": cidr, "availability_zone": f"{REGION}{zone}",
            "map_public_ip_on_launch": public, "default_for_az": False,
            "assign_ipv6_address_on_creation": False, "ipv6_cidr_block": "",
            "owner_id": ACCOUNT, **_tags(tags)}, index_key=index_key, schema_version=1)
    return str(ident)


def default_security_group(vpc_id: str) -> str:
    """The group AWS made with the VPC (no code declares it)."""
    groups = boto3.client("ec2").describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}])
    return str(groups["SecurityGroups"][0]["GroupId"])


# --- compute ------------------------------------------------------------------------------

def _tf_bool(value: Any) -> str:
    """The provider's nullable booleans in launch templates: "true", "false", "" (unset)."""
    return "" if value is None else str(bool(value)).lower()


def launch_template_state(ident: str, name: str, data: dict[str, Any], *, version: int = 1,
                          tags: dict[str, str] | None = None) -> dict[str, Any]:
    """An aws_launch_template whose default (and latest) version has `data`, the boto3
    LaunchTemplateData (the fields the builders use), as provider v5 writes it."""
    interfaces = [{
        "associate_carrier_ip_address": "",
        "associate_public_ip_address": _tf_bool(i.get("AssociatePublicIpAddress")),
        "delete_on_termination": "", "description": "", "device_index": i.get("DeviceIndex", 0),
        "interface_type": "", "ipv4_address_count": 0, "ipv4_addresses": [],
        "ipv6_address_count": 0, "ipv6_addresses": [], "network_card_index": 0,
        "network_interface_id": "", "private_ip_address": "", "security_groups": [],
        "subnet_id": ""} for i in data.get("NetworkInterfaces", [])]
    blocks = [{"device_name": m["DeviceName"], "no_device": "", "virtual_name": "", "ebs": [{
        "delete_on_termination": "", "encrypted": _tf_bool(m["Ebs"].get("Encrypted")),
        "iops": 0, "kms_key_id": m["Ebs"].get("KmsKeyId", ""), "snapshot_id": "",
        "throughput": 0, "volume_size": m["Ebs"].get("VolumeSize", 0),
        "volume_type": m["Ebs"].get("VolumeType", "")}]}
        for m in data.get("BlockDeviceMappings", [])]
    metadata = data.get("MetadataOptions")
    return {
        "arn": arn("ec2", f"launch-template/{ident}"), "id": ident, "name": name,
        "name_prefix": "", "default_version": version, "latest_version": version,
        "update_default_version": None, "description": "",
        "image_id": data.get("ImageId", ""), "instance_type": data.get("InstanceType", ""),
        "key_name": "", "user_data": "", "ebs_optimized": "", "vpc_security_group_ids": [],
        "security_group_names": [], "block_device_mappings": blocks,
        "network_interfaces": interfaces,
        "metadata_options": [] if metadata is None else [{
            "http_endpoint": metadata.get("HttpEndpoint", ""), "http_protocol_ipv6": "",
            "http_put_response_hop_limit": metadata.get("HttpPutResponseHopLimit", 0),
            "http_tokens": metadata.get("HttpTokens", ""), "instance_metadata_tags": ""}],
        "tag_specifications": [], **_tags(tags)}


def launch_template(state: State | None, name: str, template_name: str, data: dict[str, Any],
                    *, tags: dict[str, str] | None = None) -> str:
    ident = boto3.client("ec2").create_launch_template(
        LaunchTemplateName=template_name, LaunchTemplateData=data,
        **_tag_spec("launch-template", tags))["LaunchTemplate"]["LaunchTemplateId"]
    if state is not None:
        state.add("aws_launch_template", name,
                  launch_template_state(ident, template_name, data, tags=tags))
    return str(ident)


def _tf_group_tags(tags: dict[str, str] | None) -> list[dict[str, Any]]:
    return [{"key": k, "value": v, "propagate_at_launch": True} for k, v in (tags or {}).items()]


def autoscaling_group(state: State | None, name: str, group_name: str, *, subnets: list[str],
                      min_size: int, max_size: int, desired: int | None = None,
                      template: tuple[str, str, str] | None = None,
                      overrides: tuple[str, ...] = (), configuration: str | None = None,
                      tags: dict[str, str] | None = None) -> str:
    """A group launching `template` (id, name, version) directly, or in a mixed instances
    policy where `overrides` (instance types) are given, or a launch `configuration`.
    Returns its ARN."""
    autoscaling = boto3.client("autoscaling")
    spec = {"LaunchTemplateId": template[0], "Version": template[2]} if template else None
    args: dict[str, Any] = {
        "AutoScalingGroupName": group_name, "MinSize": min_size, "MaxSize": max_size,
        "VPCZoneIdentifier": ",".join(subnets),
        **({"DesiredCapacity": desired} if desired is not None else {}),
        **({"LaunchConfigurationName": configuration} if configuration else {}),
        **({"Tags": [{"Key": k, "Value": v, "PropagateAtLaunch": True}
                     for k, v in tags.items()]} if tags else {})}
    if spec and overrides:
        args["MixedInstancesPolicy"] = {"LaunchTemplate": {
            "LaunchTemplateSpecification": spec,
            "Overrides": [{"InstanceType": t} for t in overrides]}}
    elif spec:
        args["LaunchTemplate"] = spec
    autoscaling.create_auto_scaling_group(**args)
    made = autoscaling.describe_auto_scaling_groups(
        AutoScalingGroupNames=[group_name])["AutoScalingGroups"][0]
    if state is not None:
        block = ({"id": template[0], "name": template[1], "version": template[2]}
                 if template else None)
        state.add("aws_autoscaling_group", name, {
            "id": group_name, "name": group_name, "name_prefix": "",
            "arn": made["AutoScalingGroupARN"], "min_size": min_size, "max_size": max_size,
            "desired_capacity": made["DesiredCapacity"],
            "launch_configuration": configuration or "",
            "launch_template": [block] if block and not overrides else [],
            "mixed_instances_policy": [{
                "instances_distribution": [{
                    "on_demand_allocation_strategy": "prioritized",
                    "on_demand_base_capacity": 0,
                    "on_demand_percentage_above_base_capacity": 100,
                    "spot_allocation_strategy": "lowest-price", "spot_instance_pools": 2,
                    "spot_max_price": ""}],
                "launch_template": [{
                    "launch_template_specification": [{
                        "launch_template_id": block["id"],
                        "launch_template_name": block["name"], "version": block["version"]}],
                    "override": [{"instance_type": t, "instance_requirements": [],
                                  "launch_template_specification": [],
                                  "weighted_capacity": ""} for t in overrides]}]}]
            if block and overrides else [],
            "vpc_zone_identifier": list(subnets), "availability_zones": made["AvailabilityZones"],
            "health_check_type": "EC2", "force_delete": False, "desired_capacity_type": "",
            "max_instance_lifetime": 0, "tag": _tf_group_tags(tags)}, schema_version=1)
    return str(made["AutoScalingGroupARN"])


def instance(state: State | None, name: str, *, subnet_id: str, instance_type: str,
             tokens: str | None = None, root: dict[str, Any] | None = None,
             security_groups: tuple[str, ...] = (),
             tags: dict[str, str] | None = None) -> dict[str, str]:
    """An instance, `root` its root volume's Ebs (VolumeSize, Encrypted), launched with IMDS
    `tokens` when given. Returns its id, network interface and root volume."""
    made = boto3.client("ec2").run_instances(
        ImageId=AMI, InstanceType=instance_type, MinCount=1, MaxCount=1, SubnetId=subnet_id,
        **({"SecurityGroupIds": list(security_groups)} if security_groups else {}),
        **({"MetadataOptions": {"HttpTokens": tokens, "HttpEndpoint": "enabled"}}
           if tokens else {}),
        **({"BlockDeviceMappings": [{"DeviceName": "/dev/sda1", "Ebs": root}]} if root else {}),
        **_tag_spec("instance", tags))["Instances"][0]
    ident = made["InstanceId"]
    out = {"id": ident, "eni": made["NetworkInterfaces"][0]["NetworkInterfaceId"],
           "root": made["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]}
    if state is not None:
        options = made["MetadataOptions"]
        state.add("aws_instance", name, {
            "arn": arn("ec2", f"instance/{ident}"), "id": ident, "ami": AMI,
            "instance_type": instance_type, "subnet_id": subnet_id,
            "associate_public_ip_address": False, "availability_zone": f"{REGION}a",
            "vpc_security_group_ids": sorted(security_groups) or [
                g["GroupId"] for g in made["SecurityGroups"]], "security_groups": [],
            "metadata_options": [{"http_endpoint": options["HttpEndpoint"],
                                  "http_put_response_hop_limit": 1,
                                  "http_tokens": options["HttpTokens"],
                                  "instance_metadata_tags": ""}],
            "root_block_device": [{"delete_on_termination": True, "device_name": "/dev/sda1",
                                   "encrypted": bool((root or {}).get("Encrypted")),
                                   "volume_size": (root or {}).get("VolumeSize", 8),
                                   "volume_id": out["root"]}],
            "instance_state": "running", **_tags(tags)}, schema_version=1)
    return out


def eip(state: State | None, name: str, on: dict[str, str], *, association: bool = False,
        tags: dict[str, str] | None = None) -> str:
    """An Elastic IP associated with the instance `on` (instance()'s ids): by the EIP's own
    `instance` argument, or with `association` by an aws_eip_association of its own."""
    ec2 = boto3.client("ec2")
    made = ec2.allocate_address(Domain="vpc", **_tag_spec("elastic-ip", tags))
    allocation = made["AllocationId"]
    associated = ec2.associate_address(AllocationId=allocation,
                                       InstanceId=on["id"])["AssociationId"]
    if state is not None:
        state.add("aws_eip", name, {
            "id": allocation, "allocation_id": allocation, "association_id": associated,
            "address": None, "domain": "vpc", "instance": on["id"],
            "network_interface": on["eni"], "public_ip": made["PublicIp"], "private_ip": "",
            "public_ipv4_pool": "amazon", "arn": arn("ec2", f"elastic-ip/{allocation}"),
            **_tags(tags)})
        if association:
            state.add("aws_eip_association", name, {
                "id": associated, "allocation_id": allocation, "instance_id": on["id"],
                "network_interface_id": on["eni"], "allow_reassociation": None,
                "public_ip": made["PublicIp"], "private_ip_address": ""})
    return str(allocation)


# --- EKS ----------------------------------------------------------------------------------

def eks_cluster(state: State | None, name: str, cluster_name: str, *, role: str,
                subnets: list[str], vpc_id: str, public: bool = True, private: bool = False,
                cidrs: list[str] | None = None, key: str | None = None,
                version: str | None = None, tags: dict[str, str] | None = None) -> str:
    """A cluster; without `cidrs` AWS admits 0.0.0.0/0 to a public endpoint, and the
    provider reads that back (moto returns no CIDRs then: the spec defaults them alike).
    Returns its ARN."""
    config: dict[str, Any] = {"subnetIds": subnets, "endpointPublicAccess": public,
                              "endpointPrivateAccess": private}
    if cidrs:
        config["publicAccessCidrs"] = cidrs
    made = boto3.client("eks").create_cluster(
        name=cluster_name, roleArn=role, resourcesVpcConfig=config,
        **({"version": version} if version else {}), **({"tags": tags} if tags else {}),
        **({"encryptionConfig": [{"resources": ["secrets"], "provider": {"keyArn": key}}]}
           if key else {}))["cluster"]
    if state is not None:
        state.add("aws_eks_cluster", name, {
            "id": cluster_name, "name": cluster_name, "arn": made["arn"],
            "version": made["version"], "role_arn": role,
            "bootstrap_self_managed_addons": True, "enabled_cluster_log_types": [],
            "encryption_config": [{"provider": [{"key_arn": key}], "resources": ["secrets"]}]
            if key else [],
            "vpc_config": [{"cluster_security_group_id": "", "endpoint_private_access": private,
                            "endpoint_public_access": public,
                            "public_access_cidrs": cidrs or ["0.0.0.0/0"],
                            "security_group_ids": [], "subnet_ids": subnets,
                            "vpc_id": vpc_id}], **_tags(tags)}, schema_version=1)
    return str(made["arn"])


def node_group(state: State | None, name: str, cluster: str, group_name: str, *, role: str,
               subnets: list[str], instance_types: list[str], scaling: tuple[int, int, int],
               ami_type: str | None = None, ssh: tuple[str, list[str]] | None = None,
               tags: dict[str, str] | None = None) -> str:
    """A managed node group; `scaling` is (min, max, desired), `ssh` (key, source security
    groups). Without `ssh`, moto invents a remote access key (AWS sets none): the state says
    none, as the provider would read AWS. Returns its ARN."""
    low, high, desired = scaling
    made = boto3.client("eks").create_nodegroup(
        clusterName=cluster, nodegroupName=group_name, nodeRole=role, subnets=subnets,
        instanceTypes=instance_types,
        scalingConfig={"minSize": low, "maxSize": high, "desiredSize": desired},
        **({"amiType": ami_type} if ami_type else {}),
        **({"remoteAccess": {"ec2SshKey": ssh[0], "sourceSecurityGroups": ssh[1]}}
           if ssh else {}), **({"tags": tags} if tags else {}))["nodegroup"]
    if state is not None:
        state.add("aws_eks_node_group", name, {
            "id": f"{cluster}:{group_name}", "arn": made["nodegroupArn"], "cluster_name": cluster,
            "node_group_name": group_name, "node_group_name_prefix": "",
            "ami_type": made["amiType"], "capacity_type": made["capacityType"],
            "disk_size": made["diskSize"], "instance_types": instance_types, "labels": {},
            "launch_template": [], "node_role_arn": role,
            "release_version": made["releaseVersion"],
            "remote_access": [{"ec2_ssh_key": ssh[0], "source_security_group_ids": ssh[1]}]
            if ssh else [],
            "scaling_config": [{"desired_size": desired, "max_size": high, "min_size": low}],
            "subnet_ids": subnets, "taint": [], "version": made["version"], **_tags(tags)})
    return str(made["nodegroupArn"])


# --- SageMaker ----------------------------------------------------------------------------

def notebook(state: State | None, name: str, notebook_name: str, *, instance_type: str,
             role: str, internet: str, root: str, subnet_id: str | None = None,
             security_groups: tuple[str, ...] = (), key: str | None = None,
             tags: dict[str, str] | None = None) -> str:
    """A notebook instance (`internet`, `root`: Enabled or Disabled). Returns its ARN."""
    boto3.client("sagemaker").create_notebook_instance(
        NotebookInstanceName=notebook_name, InstanceType=instance_type, RoleArn=role,
        DirectInternetAccess=internet, RootAccess=root,
        **({"SubnetId": subnet_id, "SecurityGroupIds": list(security_groups)}
           if subnet_id else {}), **({"KmsKeyId": key} if key else {}),
        **({"Tags": tag_list(tags)} if tags else {}))
    made = arn("sagemaker", f"notebook-instance/{notebook_name}")
    if state is not None:
        state.add("aws_sagemaker_notebook_instance", name, {
            "id": notebook_name, "name": notebook_name, "arn": made,
            "instance_type": instance_type, "direct_internet_access": internet,
            "root_access": root, "kms_key_id": key or "", "subnet_id": subnet_id or "",
            "security_groups": list(security_groups), "role_arn": role, "volume_size": 5,
            "platform_identifier": "notebook-al2-v2", **_tags(tags)})
    return made


def model(name: str, role: str) -> None:
    """A SageMaker model for endpoint configurations to name (no catalog type: an ML
    pipeline makes it, not the code the tests declare)."""
    boto3.client("sagemaker").create_model(ModelName=name, ExecutionRoleArn=role,
                                           PrimaryContainer={
                                               "Image": f"{ACCOUNT}.dkr.ecr.{REGION}"
                                                        f".amazonaws.com/{name}"})


def endpoint_config(state: State | None, name: str, config_name: str, *,
                    variants: list[tuple[str, str, str]], key: str | None = None,
                    tags: dict[str, str] | None = None) -> str:
    """An endpoint configuration, one instance per variant (name, model, instance type).
    Returns its ARN."""
    boto3.client("sagemaker").create_endpoint_config(
        EndpointConfigName=config_name, ProductionVariants=[
            {"VariantName": v, "ModelName": m, "InstanceType": t, "InitialInstanceCount": 1,
             "InitialVariantWeight": 1} for v, m, t in variants],
        **({"KmsKeyId": key} if key else {}), **({"Tags": tag_list(tags)} if tags else {}))
    made = arn("sagemaker", f"endpoint-config/{config_name}")
    if state is not None:
        state.add("aws_sagemaker_endpoint_configuration", name, {
            "id": config_name, "name": config_name, "name_prefix": "", "arn": made,
            "kms_key_arn": key or "",
            "production_variants": [{"variant_name": v, "model_name": m, "instance_type": t,
                                     "initial_instance_count": 1, "initial_variant_weight": 1,
                                     "serverless_config": []} for v, m, t in variants],
            "shadow_production_variants": [], **_tags(tags)})
    return made


# --- Batch --------------------------------------------------------------------------------

def batch_roles(name: str) -> tuple[str, str]:
    """A service role and an instance profile for Batch environments: (role, profile)."""
    iam = boto3.client("iam")
    role = iam.create_role(RoleName=f"{name}-service", AssumeRolePolicyDocument="{}")["Role"]
    profile = iam.create_instance_profile(InstanceProfileName=f"{name}-instances")
    return str(role["Arn"]), str(profile["InstanceProfile"]["Arn"])


def batch_environment(state: State | None, name: str, environment: str, *,
                      instance_types: list[str], subnets: list[str],
                      security_groups: list[str], roles: tuple[str, str], max_vcpus: int,
                      tags: dict[str, str] | None = None) -> str:
    """A managed EC2 compute environment (none of its vCPUs running). moto requires a
    service role and security groups, both optional in AWS (its service-linked role, the
    VPC's default group): the tests give them, and so declare them. Returns its ARN."""
    service_role, profile = roles
    made = boto3.client("batch").create_compute_environment(
        computeEnvironmentName=environment, type="MANAGED", serviceRole=service_role,
        computeResources={"type": "EC2", "minvCpus": 0, "maxvCpus": max_vcpus,
                          "desiredvCpus": 0, "instanceTypes": instance_types,
                          "subnets": subnets, "securityGroupIds": security_groups,
                          "instanceRole": profile}, **({"tags": tags} if tags else {}))
    if state is not None:
        state.add("aws_batch_compute_environment", name, {
            "id": environment, "compute_environment_name": environment,
            "compute_environment_name_prefix": "", "arn": made["computeEnvironmentArn"],
            "type": "MANAGED", "state": "ENABLED", "service_role": service_role,
            "compute_resources": [{
                "type": "EC2", "max_vcpus": max_vcpus, "min_vcpus": 0, "desired_vcpus": 0,
                "instance_type": instance_types, "subnets": subnets,
                "security_group_ids": security_groups, "instance_role": profile,
                "launch_template": [], "ec2_configuration": [], "tags": {}}],
            "status": "VALID", **_tags(tags)})
    return str(made["computeEnvironmentArn"])
