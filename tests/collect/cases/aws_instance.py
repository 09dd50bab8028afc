"""The collector case of aws_instance."""

from __future__ import annotations

import boto3

from cases import REGION, TEAM, Built, ami, tag_list


def build() -> Built:
    ec2 = boto3.client("ec2")
    image = ami()
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.30.1.0/24",
                               AvailabilityZone=f"{REGION}b")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="trainer", Description="trainer",
                                      VpcId=vpc)["GroupId"]
    trainer = ec2.run_instances(
        ImageId=image, InstanceType="g5.xlarge", MinCount=1, MaxCount=1, SubnetId=subnet,
        SecurityGroupIds=[group],
        MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
        TagSpecifications=[{"ResourceType": "instance", "Tags": tag_list(
            {**TEAM, "Name": "trainer"})}])["Instances"][0]["InstanceId"]
    default_subnet = next(s for s in ec2.describe_subnets()["Subnets"] if s["DefaultForAz"])
    default_group = ec2.describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [default_subnet["VpcId"]]},
        {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]["GroupId"]
    # A default subnet maps public IPs on launch: this one gets a public address.
    web = ec2.run_instances(
        ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1,
        SubnetId=default_subnet["SubnetId"], SecurityGroupIds=[default_group],
        MetadataOptions={"HttpTokens": "optional", "HttpEndpoint": "disabled"},
    )["Instances"][0]["InstanceId"]
    # Stopped is still there (collected); terminated and shutting down are gone.
    parked, gone = (i["InstanceId"] for i in ec2.run_instances(
        ImageId=image, InstanceType="t3.nano", MinCount=2, MaxCount=2,
        SubnetId=subnet, SecurityGroupIds=[group])["Instances"])
    ec2.stop_instances(InstanceIds=[parked])
    ec2.terminate_instances(InstanceIds=[gone])
    # An auto-scaling group's instance (AWS tags it with the group's name): the group's.
    boto3.client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName="workers", MinSize=1, MaxSize=1, VPCZoneIdentifier=subnet,
        LaunchTemplate={"LaunchTemplateId": ec2.create_launch_template(
            LaunchTemplateName="workers", LaunchTemplateData={
                "ImageId": image, "InstanceType": "t3.small"})["LaunchTemplate"][
                    "LaunchTemplateId"]})
    # The root volume each instance was launched with.
    roots = {r["Instances"][0]["InstanceId"]: r["Instances"][0]["BlockDeviceMappings"][0][
        "Ebs"]["VolumeId"] for r in ec2.describe_instances(
            InstanceIds=[trainer, web, parked])["Reservations"]}
    return Built({
        trainer: {"instance_type": "g5.xlarge", "ami": image, "subnet_id": subnet,
                  "associate_public_ip_address": False, "vpc_security_group_ids": [group],
                  "metadata_http_tokens": "required", "metadata_http_endpoint": "enabled",
                  "root_volume_id": roots[trainer], "tags": {**TEAM, "Name": "trainer"}},
        web: {"instance_type": "t3.micro", "ami": image,
              "subnet_id": default_subnet["SubnetId"], "associate_public_ip_address": True,
              "vpc_security_group_ids": [default_group], "metadata_http_tokens": "optional",
              "metadata_http_endpoint": "disabled", "root_volume_id": roots[web],
              "tags": {}},
        parked: {"instance_type": "t3.nano", "ami": image, "subnet_id": subnet,
                 "associate_public_ip_address": False, "vpc_security_group_ids": [group],
                 "metadata_http_tokens": "optional", "metadata_http_endpoint": "enabled",
                 "root_volume_id": roots[parked], "tags": {}},
    }, absent={gone})
