"""The collector case of aws_ebs_snapshot (moto). moto does not give a snapshot its
volume's KMS key, as AWS does, so only a snapshot copied with a key shows one here; and it
ignores OwnerIds=self, listing the snapshots of its public AMIs too (owned by Amazon's
accounts): Collect.owner_field leaves them out, as AWS would."""

from __future__ import annotations

import boto3

from cases import REGION, TEAM, Built, ami, kms_key_arn, tag_list


def build() -> Built:
    ec2 = boto3.client("ec2")
    key = kms_key_arn()
    data = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=50, Encrypted=True,
                             KmsKeyId=key)["VolumeId"]
    features = ec2.create_snapshot(
        VolumeId=data, Description="feature store, nightly",
        TagSpecifications=[{"ResourceType": "snapshot", "Tags": tag_list(TEAM)}])["SnapshotId"]
    copy = ec2.copy_snapshot(SourceSnapshotId=features, SourceRegion=REGION, Encrypted=True,
                             KmsKeyId=key, Description="feature store, kept")["SnapshotId"]
    plain = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=8)["VolumeId"]
    bare = ec2.create_snapshot(VolumeId=plain)["SnapshotId"]
    dlm = {"aws:dlm:lifecycle-policy-id": "policy-0123456789abcdef0"}
    scheduled = ec2.create_snapshot(VolumeId=plain, Description="Created for policy",
                                    TagSpecifications=[{"ResourceType": "snapshot",
                                                        "Tags": tag_list(dlm)}])["SnapshotId"]
    # An AMI registered from an instance comes with AWS's snapshot of its root volume.
    instance = ec2.run_instances(ImageId=ami(), InstanceType="t3.micro", MinCount=1,
                                 MaxCount=1)["Instances"][0]["InstanceId"]
    image = ec2.create_image(InstanceId=instance, Name="trainer-image")["ImageId"]
    public = ec2.describe_images(ImageIds=[ami()])["Images"][0]["BlockDeviceMappings"]
    [mapping] = ec2.describe_images(ImageIds=[image])["Images"][0]["BlockDeviceMappings"]
    of_image = mapping["Ebs"]["SnapshotId"]
    return Built({
        features: {"volume_id": data, "description": "feature store, nightly",
                   "encrypted": True, "kms_key_id": None, "storage_tier": "standard",
                   "tags": TEAM},
        copy: {"volume_id": data, "description": "feature store, kept", "encrypted": True,
               "kms_key_id": key, "storage_tier": "standard", "tags": {}},
        bare: {"volume_id": plain, "description": None, "encrypted": False,
               "kms_key_id": None, "storage_tier": "standard", "tags": {}},
        scheduled: {"volume_id": plain, "description": "Created for policy",
                    "encrypted": False, "kms_key_id": None, "storage_tier": "standard",
                    "tags": dlm},
    }, aws_defaults={scheduled, of_image}, absent={public[0]["Ebs"]["SnapshotId"]})
