"""Folds and edge cases of the plan loader, on small hand-written plans."""

from __future__ import annotations

from pathlib import Path

from plans import change, plan, write

from driftguard.declared.terraform import load
from driftguard.model import Resource

SSE = "aws_s3_bucket_server_side_encryption_configuration"


def by_address(path: Path) -> dict[str, Resource]:
    _, resources = load(path)
    return {r.address: r for r in resources}


def kms_rule(algorithm: str = "aws:kms") -> list[dict]:
    return [{"apply_server_side_encryption_by_default": [
        {"sse_algorithm": algorithm, "kms_master_key_id": "arn:aws:kms:eu-west-1:1:key/k"}],
        "bucket_key_enabled": True}]


def test_split_s3_folds_into_bucket_whose_name_is_unknown(tmp_path: Path) -> None:
    doc = plan(
        change("aws_s3_bucket.data", {"bucket_prefix": "data-", "tags": {}},
               unknown={"id": True, "bucket": True, "server_side_encryption_configuration": True,
                        "versioning": True}),
        change(f"{SSE}.data", {"rule": kms_rule()}, unknown={"bucket": True, "id": True},
               refs={"bucket": ["aws_s3_bucket.data.id", "aws_s3_bucket.data"]}),
        change("aws_s3_bucket_versioning.data",
               {"versioning_configuration": [{"status": "Enabled"}]},
               unknown={"bucket": True}, refs={"bucket": ["aws_s3_bucket.data.id"]}),
        change("aws_s3_bucket_public_access_block.data",
               {"block_public_acls": True, "block_public_policy": True,
                "ignore_public_acls": True, "restrict_public_buckets": False},
               unknown={"bucket": True}, refs={"bucket": ["aws_s3_bucket.data.id"]}),
    )
    bucket = by_address(write(tmp_path, doc))["aws_s3_bucket.data"]
    assert bucket.id is None
    assert bucket.attributes["encrypted"] is True
    assert bucket.attributes["sse_algorithm"] == "aws:kms"
    assert bucket.attributes["kms_key_id"].endswith("key/k")
    assert bucket.attributes["versioning"] is True
    assert bucket.attributes["public_access_block"]["restrict_public_buckets"] is False
    # Attributes the provider computes because the code leaves them out (the name from
    # bucket_prefix, inline SSE) are "not set", not "unknown until apply":
    assert bucket.unknown == []
    assert bucket.attributes["bucket"] is None


def test_split_s3_joins_by_known_bucket_name(tmp_path: Path) -> None:
    doc = plan(
        change("aws_s3_bucket.logs", {"bucket": "acme-logs", "id": "acme-logs"},
               actions=("no-op",)),
        change(f"{SSE}.logs", {"bucket": "acme-logs", "rule": kms_rule("AES256")}),
    )
    bucket = by_address(write(tmp_path, doc))["aws_s3_bucket.logs"]
    assert bucket.id == "acme-logs"
    assert (bucket.attributes["encrypted"], bucket.attributes["sse_algorithm"]) == (
        True, "AES256")


def test_for_each_split_resources_join_the_same_key(tmp_path: Path) -> None:
    changes = []
    for key, algorithm in (("raw", "aws:kms"), ("features", "AES256")):
        changes.append(change(f'module.data.aws_s3_bucket.b["{key}"]', {"tags": {}},
                              unknown={"id": True, "bucket": True}))
        changes.append(change(
            f'module.data.{SSE}.b["{key}"]', {"rule": kms_rule(algorithm)},
            unknown={"bucket": True},
            refs={"bucket": ["aws_s3_bucket.b[each.key].id", "aws_s3_bucket.b[each.key]",
                             "aws_s3_bucket.b", "each.key"]}))
    changes.append(change('module.data.aws_s3_bucket.b["scratch"]', {"tags": {}},
                          unknown={"id": True}))
    resources = by_address(write(tmp_path, plan(*changes)))
    assert resources['module.data.aws_s3_bucket.b["raw"]'].attributes["sse_algorithm"] == "aws:kms"
    assert resources['module.data.aws_s3_bucket.b["features"]'].attributes[
        "sse_algorithm"] == "AES256"
    scratch = resources['module.data.aws_s3_bucket.b["scratch"]']
    assert scratch.attributes["encrypted"] is False


def test_unknown_algorithm_in_split_resource_makes_bucket_unknown(tmp_path: Path) -> None:
    doc = plan(
        change("aws_s3_bucket.b", {"bucket": "b"}, unknown={"id": True}),
        change(f"{SSE}.b", {"bucket": "b", "rule": [
            {"apply_server_side_encryption_by_default": [{"sse_algorithm": None}]}]},
            unknown={"rule": [{"apply_server_side_encryption_by_default": [
                {"sse_algorithm": True}]}]}),
    )
    bucket = by_address(write(tmp_path, doc))["aws_s3_bucket.b"]
    assert "encrypted" in bucket.unknown and "encrypted" not in bucket.attributes


def sg_rule(cidrs: list[str], port: int, kind: str = "ingress") -> dict:
    return {"type": kind, "protocol": "tcp", "from_port": port, "to_port": port,
            "cidr_blocks": cidrs, "ipv6_cidr_blocks": None}


def test_inline_and_standalone_security_group_rules_fold_into_one_list(tmp_path: Path) -> None:
    inline = [{"protocol": "tcp", "from_port": 443, "to_port": 443,
               "cidr_blocks": ["10.0.0.0/8"], "ipv6_cidr_blocks": [], "self": False,
               "security_groups": [], "prefix_list_ids": [], "description": ""}]
    doc = plan(
        change("aws_security_group.web", {"name": "web", "ingress": inline, "egress": []},
               unknown={"id": True}),
        change("aws_security_group_rule.ssh", sg_rule(["0.0.0.0/0"], 22),
               unknown={"security_group_id": True},
               refs={"security_group_id": ["aws_security_group.web.id"]}),
        change("aws_security_group_rule.out", sg_rule(["0.0.0.0/0"], 0, "egress") | {
            "protocol": "-1", "to_port": 0}, unknown={"security_group_id": True},
            refs={"security_group_id": ["aws_security_group.web.id"]}),
        change("aws_vpc_security_group_ingress_rule.rdp",
               {"ip_protocol": "tcp", "from_port": 3389, "to_port": 3389, "cidr_ipv6": "::/0"},
               unknown={"security_group_id": True},
               refs={"security_group_id": ["aws_security_group.web.id"]}),
    )
    group = by_address(write(tmp_path, doc))["aws_security_group.web"]
    assert group.attributes["ingress"] == [
        {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidrs": ["0.0.0.0/0"]},
        {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidrs": ["10.0.0.0/8"]},
        {"protocol": "tcp", "from_port": 3389, "to_port": 3389, "cidrs": ["::/0"]},
    ]
    assert group.attributes["egress"] == [
        {"protocol": "-1", "from_port": 0, "to_port": 65535, "cidrs": ["0.0.0.0/0"]}]


def test_unknown_cidr_in_a_rule_makes_ingress_unknown_not_empty(tmp_path: Path) -> None:
    doc = plan(
        change("aws_security_group.g", {"name": "g"}, unknown={"id": True}),
        change("aws_security_group_rule.r", sg_rule([], 22) | {"cidr_blocks": None},
               unknown={"security_group_id": True, "cidr_blocks": True},
               refs={"security_group_id": ["aws_security_group.g.id"]}),
    )
    group = by_address(write(tmp_path, doc))["aws_security_group.g"]
    assert "ingress" in group.unknown and "ingress" not in group.attributes
    assert group.attributes["egress"] == []


def test_deleted_resources_are_not_checked_and_replacements_are(tmp_path: Path) -> None:
    doc = plan(
        change("aws_ebs_volume.old", {"encrypted": False}, actions=("delete",)),
        change("aws_ebs_volume.new", {"encrypted": False}, actions=("delete", "create")),
        change("aws_ebs_volume.same", {"encrypted": True}, actions=("no-op",)),
    )
    resources = by_address(write(tmp_path, doc))
    assert sorted(resources) == ["aws_ebs_volume.new", "aws_ebs_volume.same"]
    assert resources["aws_ebs_volume.new"].action == "replace"
    assert resources["aws_ebs_volume.same"].action == "no-op"


def test_unknown_only_when_the_code_sets_the_attribute(tmp_path: Path) -> None:
    doc = plan(
        change("aws_instance.a", {"instance_type": "g5.xlarge"},
               unknown={"associate_public_ip_address": True, "subnet_id": True},
               refs={"subnet_id": ["aws_subnet.s.id"]}),
        change("aws_instance.b", {"instance_type": None},
               unknown={"instance_type": True}, sets=("instance_type",)),
    )
    resources = by_address(write(tmp_path, doc))
    a = resources["aws_instance.a"]
    # The provider computes associate_public_ip_address when the code leaves it out.
    assert a.attributes["associate_public_ip_address"] is None
    assert "associate_public_ip_address" not in a.unknown
    assert "subnet_id" in a.unknown
    assert resources["aws_instance.b"].unknown[:1] == ["instance_type"]


def test_instance_links_to_its_subnet_through_a_reference(tmp_path: Path) -> None:
    doc = plan(
        change("module.net.aws_subnet.public[0]", {"map_public_ip_on_launch": True},
               unknown={"id": True}),
        change("module.net.aws_subnet.private[0]", {"map_public_ip_on_launch": False},
               unknown={"id": True}),
        change("module.net.aws_instance.web", {"instance_type": "t3.micro"},
               unknown={"id": True, "subnet_id": True},
               refs={"subnet_id": ["aws_subnet.public[0].id", "aws_subnet.public"]}),
        change("aws_instance.elsewhere", {"instance_type": "t3.micro", "subnet_id": "subnet-1"}),
    )
    resources = by_address(write(tmp_path, doc))
    assert resources["module.net.aws_instance.web"].attributes[
        "subnet_map_public_ip_on_launch"] is True
    assert resources["aws_instance.elsewhere"].attributes[
        "subnet_map_public_ip_on_launch"] is None


def test_sensitive_values_are_masked_in_raw_and_never_reach_attributes(tmp_path: Path) -> None:
    secret = "hunter2-very-secret"
    doc = plan(
        change("aws_db_instance.meta", {"identifier": "meta", "password": secret,
                                        "storage_encrypted": False,
                                        "tags": {"owner": secret}},
               sensitive={"password": True, "tags": {"owner": True}}),
        change("aws_db_instance.other", {"identifier": "other", "password": secret}),
    )
    _, resources = load(write(tmp_path, doc))
    dumped = "".join(r.model_dump_json() for r in resources)
    assert secret not in dumped
    assert resources[0].raw["password"] == "(sensitive)"
    # Not marked sensitive by the plan, masked anyway because the catalog lists it:
    assert resources[1].raw["password"] == "(sensitive)"
