"""The collector's machinery for types listed per parent, against moto's server: EKS node
groups, listed per cluster (Collect.parent), whose list items are plain names made into
structures (`nodegroups[].{name: @}`), described with both names (Detail.fields) and named
by an id expression (`join(':', [cluster, name])`).

test_collectors.py reads every attribute of the case; these tests take each mechanism to
its edges: pages of both lists, clusters without node groups, the same node group name in
two clusters, and a cluster or node group deleted between the calls.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from cases import ACCOUNT, REGION

from driftguard.catalog import spec_for
from driftguard.catalog.permissions import permissions
from driftguard.collect.clients import ClientFactory
from driftguard.collect.engine import Collector

ROLE = f"arn:aws:iam::{ACCOUNT}:role/eks"
TYPE = "aws_eks_node_group"


def estate(clusters: dict[str, list[str]]) -> None:
    ec2, eks = boto3.client("ec2"), boto3.client("eks")
    vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.50.1.0/24")["Subnet"]["SubnetId"]
    for cluster, groups in clusters.items():
        eks.create_cluster(name=cluster, roleArn=ROLE, resourcesVpcConfig={"subnetIds": [subnet]})
        for group in groups:
            eks.create_nodegroup(clusterName=cluster, nodegroupName=group, nodeRole=ROLE,
                                 subnets=[subnet], instanceTypes=["g5.xlarge"])


def factory(endpoint: str) -> ClientFactory:
    return ClientFactory(endpoint_url=endpoint, default_region=REGION)


def eks_client(made: ClientFactory) -> Any:
    """The collector's own EKS client (the factory caches it), to hook its calls."""
    return made.client("eks", REGION)


def test_both_lists_are_read_page_by_page(aws: str) -> None:
    """Pages of 2: 5 clusters make 3 pages of ListClusters; a cluster's 3 node groups make
    2 pages of ListNodegroups, an empty cluster 1 (empty). Every node group once, named
    cluster:nodegroup: the same name in two clusters twice."""
    estate({"a": ["gpu", "cpu", "spot"], "b": ["gpu"], "c": [], "d": [], "e": ["x"]})
    made = factory(aws)

    def page_size(params: dict[str, Any], **_: Any) -> None:
        params["maxResults"] = 2

    for operation in ("ListClusters", "ListNodegroups"):
        eks_client(made).meta.events.register(f"provide-client-params.eks.{operation}",
                                              page_size)
    inventory = Collector(made, account=ACCOUNT).collect([TYPE], [REGION])
    assert inventory.not_checked == []
    assert sorted(r.id for r in inventory.resources) == [
        "a:cpu", "a:gpu", "a:spot", "b:gpu", "e:x"]
    assert {r.id: r.attributes["cluster_name"] for r in inventory.resources} == {
        "a:cpu": "a", "a:gpu": "a", "a:spot": "a", "b:gpu": "b", "e:x": "e"}
    # 5 clusters in pages of 2: 3 pages; node groups 3+1+0+0+1 in pages of 2: 2+1+1+1+1.
    assert made.stats.calls == Counter({("eks", "ListClusters"): 3,
                                        ("eks", "ListNodegroups"): 6,
                                        ("eks", "DescribeNodegroup"): 5})


def not_found(message: str) -> tuple[AWSResponse, dict[str, Any]]:
    """What EKS answers for a cluster or node group that does not exist."""
    response = AWSResponse("https://eks.eu-west-1.amazonaws.com", 404, {}, None)
    return response, {"Error": {"Code": "ResourceNotFoundException", "Message": message}}


def test_a_parent_or_child_deleted_between_the_calls_is_left_out(aws: str) -> None:
    """Cluster `gone` is deleted after ListClusters named it, node group `a:old` after
    ListNodegroups did: EKS then answers ResourceNotFoundException (moto's server answers
    a missing cluster with an internal error, so the hook answers as AWS does). Both are
    left out; the unit is complete."""
    estate({"a": ["gpu", "old"], "gone": ["gpu"]})
    made = factory(aws)

    def deleted(params: dict[str, Any], model: Any, **_: Any) -> Any:
        path = params["url_path"]  # EKS names the cluster and node group in the path
        if model.name == "ListNodegroups" and path.startswith("/clusters/gone/"):
            return not_found("No cluster found for name: gone.")
        if model.name == "DescribeNodegroup" and path.endswith("/node-groups/old"):
            return not_found("No node group found for name: old.")
        return None

    eks_client(made).meta.events.register("before-call.eks", deleted)
    inventory = Collector(made, account=ACCOUNT).collect([TYPE], [REGION])
    assert inventory.not_checked == []
    assert [r.id for r in inventory.resources] == ["a:gpu"]


def test_other_errors_of_the_per_parent_list_make_the_type_not_checked(aws: str) -> None:
    estate({"a": ["gpu"]})
    made = factory(aws)

    def denied(model: Any, **_: Any) -> Any:
        if model.name != "ListNodegroups":
            return None
        response = AWSResponse("https://eks.eu-west-1.amazonaws.com", 403, {}, None)
        return response, {"Error": {"Code": "AccessDeniedException", "Message": "no"}}

    eks_client(made).meta.events.register("before-call.eks", denied)
    inventory = Collector(made, account=ACCOUNT).collect([TYPE], [REGION])
    assert inventory.resources == []
    assert [(g.type, g.operation) for g in inventory.not_checked] == [(TYPE, "ListNodegroups")]


def test_the_parents_list_call_is_a_permission_of_the_type() -> None:
    spec = spec_for(TYPE)
    assert spec is not None
    assert permissions(spec) == ("eks:DescribeNodegroup", "eks:ListClusters",
                                 "eks:ListNodegroups")
