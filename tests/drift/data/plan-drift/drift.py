"""Changes made outside Terraform, with boto3 against the same moto server."""

import boto3

ec2, s3, iam = boto3.client("ec2"), boto3.client("s3"), boto3.client("iam")
subnet = ec2.describe_subnets(Filters=[{"Name": "cidr-block", "Values": ["10.0.1.0/24"]}])
ec2.modify_subnet_attribute(SubnetId=subnet["Subnets"][0]["SubnetId"],
                            MapPublicIpOnLaunch={"Value": True})
s3.put_bucket_versioning(Bucket="ml-training-data",
                         VersioningConfiguration={"Status": "Suspended"})
s3.put_bucket_tagging(Bucket="ml-training-data",
                      Tagging={"TagSet": [{"Key": "team", "Value": "someone-else"}]})
group = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["web"]}])
ec2.authorize_security_group_ingress(
    GroupId=group["SecurityGroups"][0]["GroupId"],
    IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
vpc = ec2.describe_vpcs(Filters=[{"Name": "cidr-block", "Values": ["10.0.0.0/16"]}])
ec2.create_tags(Resources=[vpc["Vpcs"][0]["VpcId"]],
                Tags=[{"Key": "owner", "Value": "mallory@example.com"}])
iam.delete_role(RoleName="trainer")
