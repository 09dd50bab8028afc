"""The collector case of aws_fsx_lustre_file_system (moto; it gives back the configuration
as created, without AWS's defaults: the scratch file system's deployment type is read as
AWS's default, SCRATCH_1)."""

from __future__ import annotations

import boto3

from cases import REGION, TEAM, Built, kms_key_arn, tag_list


def build() -> Built:
    ec2, fsx = boto3.client("ec2"), boto3.client("fsx")
    vpc = ec2.create_vpc(CidrBlock="10.80.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.80.1.0/24",
                               AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]
    key = kms_key_arn()
    persistent = fsx.create_file_system(
        FileSystemType="LUSTRE", StorageCapacity=2400, StorageType="SSD",
        SubnetIds=[subnet], KmsKeyId=key, Tags=tag_list(TEAM),
        LustreConfiguration={"DeploymentType": "PERSISTENT_2",
                             "PerUnitStorageThroughput": 250,
                             "DataCompressionType": "LZ4"})["FileSystem"]["FileSystemId"]
    scratch = fsx.create_file_system(FileSystemType="LUSTRE", StorageCapacity=1200,
                                     SubnetIds=[subnet])["FileSystem"]["FileSystemId"]
    windows = fsx.create_file_system(
        FileSystemType="WINDOWS", StorageCapacity=32, SubnetIds=[subnet],
        WindowsConfiguration={"ThroughputCapacity": 8})["FileSystem"]["FileSystemId"]
    return Built({
        persistent: {"deployment_type": "PERSISTENT_2", "storage_capacity": 2400,
                     "storage_type": "SSD", "per_unit_storage_throughput": 250,
                     "data_compression_type": "LZ4", "kms_key_id": key,
                     "subnet_ids": [subnet], "tags": TEAM},
        scratch: {"deployment_type": "SCRATCH_1", "storage_capacity": 1200,
                  "storage_type": "SSD", "per_unit_storage_throughput": None,
                  "data_compression_type": "NONE", "kms_key_id": None,
                  "subnet_ids": [subnet], "tags": {}},
    }, absent={windows})
