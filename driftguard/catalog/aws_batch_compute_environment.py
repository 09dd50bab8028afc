from driftguard.catalog import convert as c
from driftguard.catalog.spec import KEY, Attr, Collect, Link, ResourceSpec

SPEC = ResourceSpec(
    tf_type="aws_batch_compute_environment",
    cfn_type="AWS::Batch::ComputeEnvironment",
    doc=("An AWS Batch compute environment. A managed one launches EC2 or Spot instances of "
         "the instance types it names (`optimal`, bare families such as `m5`, or exact "
         "types) or runs on Fargate (no instance types); an unmanaged one has no compute "
         "resources. Terraform names it with compute_environment_name (provider v5) or "
         "name (v6); its id is the name in both."),
    attrs=(
        Attr("name", "str", "its name", tf=("compute_environment_name", "name"),
             live=("computeEnvironmentName",), cfn=("ComputeEnvironmentName",), show=True),
        Attr("type", "str", "MANAGED or UNMANAGED", tf=("type",), live=("type",),
             cfn=("Type",), show=True),
        Attr("compute_type", "str|null",
             "EC2, SPOT, FARGATE or FARGATE_SPOT; null when unmanaged",
             tf=("compute_resources.0.type",), live=("computeResources.type",),
             cfn=("ComputeResources.Type",), show=True),
        Attr("instance_types", "list[str]",
             "instance types it may launch, sorted: `optimal`, families (`m5`) or types; "
             "[] on Fargate and when unmanaged",
             tf=("compute_resources.0.instance_type",), convert=c.sorted_list,
             live=("computeResources.instanceTypes",), live_convert=c.sorted_list,
             cfn=("ComputeResources.InstanceTypes",), show=True),
        Attr("max_vcpus", "int|null", "the most vCPUs it runs; null when unmanaged",
             tf=("compute_resources.0.max_vcpus",), live=("computeResources.maxvCpus",),
             cfn=("ComputeResources.MaxvCpus",)),
        Attr("subnet_ids", "list[str]", "subnets it launches into, sorted",
             tf=("compute_resources.0.subnets",), convert=c.sorted_list,
             live=("computeResources.subnets",), live_convert=c.sorted_list,
             cfn=("ComputeResources.Subnets",), show=True),
        Attr("launch_template", "str|null",
             "id (or name where only the name is set) of the launch template it uses; null "
             "when none",
             tf=("compute_resources.0.launch_template.0.launch_template_id",
                 "compute_resources.0.launch_template.0.launch_template_name"),
             convert=c.first_set,
             live=("computeResources.launchTemplate.launchTemplateId",
                   "computeResources.launchTemplate.launchTemplateName"),
             live_convert=c.first_set,
             cfn=("ComputeResources.LaunchTemplate.LaunchTemplateId",
                  "ComputeResources.LaunchTemplate.LaunchTemplateName"), show=True),
        c.tags(live="tags"),
    ),
    links=(
        Link("subnets_map_public_ip_on_launch",
             "each subnet's map_public_ip_on_launch (its instances get public IPs where "
             "true), for the subnets in the same input, else null",
             via="subnet_ids", target_type="aws_subnet", target_attr="map_public_ip_on_launch"),
        Link("launch_template_key", "the launch template it launches, when in the same input",
             via="launch_template", target_type="aws_launch_template", target_attr=KEY),
    ),
    cfn_id=c.arn_name,
    collect=Collect(service="batch", operation="describe_compute_environments",
                    items="computeEnvironments", id_field="computeEnvironmentName",
                    arn_field="computeEnvironmentArn"),
)
