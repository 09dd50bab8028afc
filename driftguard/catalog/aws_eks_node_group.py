from driftguard.catalog import convert as c
from driftguard.catalog.spec import KEY, Attr, Collect, Detail, Link, Parent, ResourceSpec

GROUP = "describe_nodegroup.nodegroup"


def _cfn_id(physical: str) -> str:
    """CloudFormation names a node group `cluster/nodegroup`; Terraform `cluster:nodegroup`."""
    return physical.replace("/", ":", 1)


SPEC = ResourceSpec(
    tf_type="aws_eks_node_group",
    cfn_type="AWS::EKS::Nodegroup",
    doc=("An EKS managed node group: an auto-scaling group of EC2 instances that EKS runs "
         "for a cluster. Its id is `cluster_name:node_group_name`, as Terraform's. The "
         "desired size is not compared for drift: the cluster autoscaler moves it (the "
         "Terraform docs ask for ignore_changes on it); min and max sizes are the code's. "
         "Remote access with a key and no source security groups opens SSH to the "
         "internet (AWS's behaviour)."),
    attrs=(
        Attr("cluster_name", "str", "the cluster's name", tf=("cluster_name",),
             live=(f"{GROUP}.clusterName",), cfn=("ClusterName",), show=True),
        Attr("instance_types", "list[str]",
             "instance types it launches; [] when not set here (a launch template sets it)",
             tf=("instance_types",), default=[], live=(f"{GROUP}.instanceTypes",),
             cfn=("InstanceTypes",), show=True),
        Attr("ami_type", "str|null", "AL2_x86_64_GPU, BOTTLEROCKET_x86_64, ...; null when "
             "not set", tf=("ami_type",), live=(f"{GROUP}.amiType",), cfn=("AmiType",), show=True),
        Attr("capacity_type", "str|null", "ON_DEMAND or SPOT; null when not set",
             tf=("capacity_type",), live=(f"{GROUP}.capacityType",), cfn=("CapacityType",),
             show=True),
        Attr("min_size", "int", "minimum number of nodes", tf=("scaling_config.0.min_size",),
             live=(f"{GROUP}.scalingConfig.minSize",), cfn=("ScalingConfig.MinSize",)),
        Attr("max_size", "int", "maximum number of nodes", tf=("scaling_config.0.max_size",),
             live=(f"{GROUP}.scalingConfig.maxSize",), cfn=("ScalingConfig.MaxSize",)),
        Attr("desired_size", "int",
             "desired number of nodes (not drift: the cluster autoscaler moves it)",
             tf=("scaling_config.0.desired_size",),
             live=(f"{GROUP}.scalingConfig.desiredSize",), drift=False,
             cfn=("ScalingConfig.DesiredSize",)),
        Attr("subnet_ids", "list[str]", "subnets it launches into, sorted",
             tf=("subnet_ids",), convert=c.sorted_list, live=(f"{GROUP}.subnets",),
             live_convert=c.sorted_list, cfn=("Subnets",), show=True),
        Attr("remote_access_ssh_key", "str|null",
             "EC2 key pair for SSH to the nodes; null when not set",
             tf=("remote_access.0.ec2_ssh_key",), convert=c.non_empty,
             live=(f"{GROUP}.remoteAccess.ec2SshKey",), live_convert=c.non_empty,
             cfn=("RemoteAccess.Ec2SshKey",), show=True),
        Attr("remote_access_source_security_group_ids", "list[str]",
             "security groups allowed to SSH to the nodes, sorted ([]: any source when a "
             "key is set)",
             tf=("remote_access.0.source_security_group_ids",), convert=c.sorted_list,
             live=(f"{GROUP}.remoteAccess.sourceSecurityGroups",),
             live_convert=c.sorted_list, cfn=("RemoteAccess.SourceSecurityGroups",), show=True),
        Attr("launch_template", "str|null",
             "id (or name where only the name is set) of the launch template it uses; null "
             "when none",
             tf=("launch_template.0.id", "launch_template.0.name"), convert=c.first_set,
             live=(f"{GROUP}.launchTemplate.id", f"{GROUP}.launchTemplate.name"),
             live_convert=c.first_set, cfn=("LaunchTemplate.Id", "LaunchTemplate.Name"),
             show=True),
        Attr("launch_template_version", "str|null",
             "the launch template version it uses; null when none",
             tf=("launch_template.0.version",), convert=c.non_empty,
             live=(f"{GROUP}.launchTemplate.version",), live_convert=c.non_empty,
             cfn=("LaunchTemplate.Version",), show=True),
        c.tags(live=f"{GROUP}.tags"),
    ),
    links=(
        Link("subnets_map_public_ip_on_launch",
             "each subnet's map_public_ip_on_launch (its nodes get public IPs where true), "
             "for the subnets in the same input, else null",
             via="subnet_ids", target_type="aws_subnet", target_attr="map_public_ip_on_launch"),
        Link("launch_template_key", "the launch template it launches, when in the same input",
             via="launch_template", target_type="aws_launch_template", target_attr=KEY),
    ),
    cfn_id=_cfn_id,
    collect=Collect(
        service="eks", operation="list_nodegroups", items="nodegroups[].{name: @}",
        id_field="join(':', [cluster, name])", arn_field=f"{GROUP}.nodegroupArn",
        parent=Parent("list_clusters", items="clusters", param="clusterName", field="cluster"),
        details=(Detail("describe_nodegroup", "nodegroupName", source_field="name",
                        fields=(("clusterName", "cluster"),)),),
        gone=("ResourceNotFoundException",),
    ),
)
