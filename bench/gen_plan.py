#!/usr/bin/env python3
"""Generate a realistic `terraform show -json` plan with N managed resources.

    python bench/gen_plan.py --resources 10000 --seed 1 --out plan.json

Mixed AWS types over nested modules, count and for_each instances, the split S3 resources
of provider v4+ whose bucket is unknown until apply (joined only through configuration
references), standalone security group rules, sensitive database passwords, a few
resources being deleted and a few data sources (neither counted in N). By default half of
the team stacks already exist: their changes are no-op with `before` and `prior_state`,
as in the plans of a living estate. Stdlib only.

Shapes (`--shape`):
- provider (default): every resource carries the 40-60 attributes the AWS provider writes
  (a fixed schema per type): identifiers, ARNs, DNS names, flags, counts, lists and nested
  blocks, known once applied and unknown until apply where the provider computes them
  (most others null or empty, as the provider leaves what is not set). About 85 MB for
  15,000 resources, the weight of real `terraform show -json` output.
- compact: the provider's extra attributes as nulls, 70% existing (the plans of the
  earlier benchmarks, e.g. bench_vs_checkov.py: about 30 MB for 10,000 resources).
"""

from __future__ import annotations

import argparse
import json
import random
import zlib
from typing import Any

# What the provider computes for the blocks of an applied S3 bucket (blocks are lists of
# objects in Terraform's JSON, never strings): AWS's defaults, until the split resources
# of the same stack fold theirs in.
APPLIED_BLOCKS: dict[str, Any] = {
    "server_side_encryption_configuration": [{"rule": [{
        "apply_server_side_encryption_by_default": [{"kms_master_key_id": "",
                                                     "sse_algorithm": "AES256"}],
        "bucket_key_enabled": False}]}],
    "versioning": [{"enabled": False, "mfa_delete": False}],
}
TYPES_PER_GROUP = 12  # resources one "team stack" adds; see _team()
INSTANCE_TYPES = ["t3.large", "m6i.2xlarge", "c6i.4xlarge", "g5.xlarge", "g5.12xlarge",
                  "p4d.24xlarge", "r6i.8xlarge", "x2iedn.32xlarge"]


# Attributes the AWS provider (v5) stores beside the ones the code sets, so that generated
# resources weigh about what real ones do (tens of MB for a plan of 10,000 resources).
PROVIDER_ATTRIBUTES = {
    "aws_instance": "availability_zone capacity_reservation_specification cpu_core_count "
    "cpu_threads_per_core credit_specification disable_api_stop disable_api_termination "
    "ebs_block_device ebs_optimized enclave_options ephemeral_block_device get_password_data "
    "hibernation host_id host_resource_group_arn iam_instance_profile instance_initiated_"
    "shutdown_behavior instance_lifecycle instance_market_options instance_state ipv6_address_"
    "count ipv6_addresses key_name launch_template maintenance_options monitoring "
    "network_interface outpost_arn password_data placement_group placement_partition_number "
    "primary_network_interface_id private_dns private_dns_name_options private_ip public_dns "
    "public_ip secondary_private_ips security_groups source_dest_check spot_instance_request_id "
    "tenancy timeouts user_data user_data_base64 user_data_replace_on_change volume_tags",
    "aws_s3_bucket": "acceleration_status acl arn bucket_domain_name bucket_regional_domain_name "
    "cors_rule grant hosted_zone_id lifecycle_rule logging object_lock_configuration "
    "object_lock_enabled policy region replication_configuration request_payer timeouts "
    "website website_domain website_endpoint",
    "aws_db_instance": "address allow_major_version_upgrade apply_immediately "
    "auto_minor_version_upgrade availability_zone backup_retention_period backup_target "
    "backup_window ca_cert_identifier character_set_name copy_tags_to_snapshot "
    "db_subnet_group_name delete_automated_backups deletion_protection domain "
    "enabled_cloudwatch_logs_exports endpoint engine_lifecycle_support final_snapshot_identifier "
    "hosted_zone_id iam_database_authentication_enabled iops latest_restorable_time "
    "license_model listener_endpoint maintenance_window master_user_secret max_allocated_storage "
    "monitoring_interval monitoring_role_arn network_type option_group_name parameter_group_name "
    "performance_insights_enabled port replicas resource_id skip_final_snapshot status "
    "storage_throughput storage_type timeouts timezone vpc_security_group_ids",
    "aws_security_group": "arn description name_prefix owner_id revoke_rules_on_delete timeouts",
    "aws_subnet": "arn assign_ipv6_address_on_creation availability_zone_id customer_owned_ipv4_"
    "pool enable_dns64 enable_lni_at_device_index enable_resource_name_dns_a_record_on_launch "
    "enable_resource_name_dns_aaaa_record_on_launch ipv6_cidr_block ipv6_cidr_block_association_"
    "id ipv6_native map_customer_owned_ip_on_launch outpost_arn owner_id "
    "private_dns_hostname_type_on_launch timeouts",
    "aws_vpc": "arn assign_generated_ipv6_cidr_block default_network_acl_id "
    "default_route_table_id default_security_group_id dhcp_options_id "
    "enable_network_address_usage_metrics instance_tenancy ipv4_ipam_pool_id ipv4_netmask_length "
    "ipv6_association_id ipv6_cidr_block ipv6_cidr_block_network_border_group main_route_table_id "
    "owner_id",
    "aws_ebs_volume": "arn final_snapshot iops multi_attach_enabled outpost_arn snapshot_id "
    "throughput timeouts",
    "aws_kms_key": "arn bypass_policy_lockout_safety_check custom_key_store_id "
    "customer_master_key_spec is_enabled key_id policy rotation_period_in_days xks_key_id",
    "aws_ecr_repository": "arn force_delete registry_id repository_url timeouts",
}


SHAPES = ("provider", "compact")
_POOL = list(dict.fromkeys(n for t in sorted(PROVIDER_ATTRIBUTES)
                           for n in PROVIDER_ATTRIBUTES[t].split()))
# Provider attributes that the catalog reads: values of the shape the provider writes.
_KNOWN_VALUES: dict[str, Any] = {
    "acl": "private", "policy": "", "customer_master_key_spec": "SYMMETRIC_DEFAULT",
    "rotation_period_in_days": 365, "timeouts": None, "region": "eu-west-1",
    "security_groups": [], "vpc_security_group_ids": [], "user_data": None,
    "password_data": "", "availability_zone": "eu-west-1a",
}
_COMPUTED = ("arn", "_arn", "_id", "_dns", "dns_name", "_endpoint", "endpoint", "address",
             "_url", "status", "_domain_name", "owner_id", "key_id", "registry_id")
_BOOLEAN = ("enable_", "is_", "disable_", "skip_", "force_", "apply_", "allow_", "auto_",
            "get_", "map_", "assign_", "bypass_", "delete_", "copy_", "revoke_", "multi_",
            "source_dest", "hibernation", "monitoring", "ipv6_native", "iam_database",
            "performance_insights", "object_lock_enabled", "user_data_replace",
            "final_snapshot", "deletion_protection")
_NUMBER = ("_count", "_size", "_period", "_days", "_interval", "_number", "_length", "port",
           "iops", "throughput", "_storage", "_index")
_STRINGS = ("_ids", "_addresses", "_exports", "_ips", "_groups", "replicas", "_names")
_BLOCKS = ("_options", "_specification", "_configuration", "_device", "_rule", "_block",
           "grant", "logging", "website", "launch_template", "network_interface",
           "master_user_secret", "listener_endpoint", "volume_tags")


def provider_schema(rtype: str, code_set: int) -> list[str]:
    """The attributes the provider writes for `rtype` beside the `code_set` ones the code
    sets: its own names, then real names of other types, to a total fixed per type
    between 40 and 55, or its own list where longer (every instance of a type has the
    same schema)."""
    own = PROVIDER_ATTRIBUTES.get(rtype, "").split()
    size = 40 + zlib.crc32(rtype.encode()) % 16 - code_set
    return (own + [n for n in _POOL if n not in own])[:max(size, len(own))]


def provider_value(rtype: str, name: str, serial: int) -> Any:
    """What the provider writes for an attribute the code does not set, once applied."""
    if name in _KNOWN_VALUES:
        return _KNOWN_VALUES[name]
    short = rtype.removeprefix("aws_")
    if name == "arn":
        return f"arn:aws:{short.split('_')[0]}:eu-west-1:123456789012:{short}/{serial:06d}"
    if name.endswith(_NUMBER):
        return zlib.crc32(name.encode()) % 500
    if name.startswith(_BOOLEAN) or name.endswith(("_enabled", "_check", "_protection")):
        return zlib.crc32(name.encode()) % 3 == 0
    if zlib.crc32(f"{rtype}.{name}".encode()) % 4 != 0:
        return None  # not set: the provider writes null
    if name.endswith(_STRINGS):
        return [f"{name[:8]}-{serial:06d}-{k}" for k in range(2)]
    if name.endswith(_BLOCKS):
        return [{"enabled": False, "mode": "default", "id": f"{serial:06d}"}]
    return f"{name.replace('_', '-')}-{serial:06d}"


class Plan:
    def __init__(self, rng: random.Random, budget: int, shape: str = "provider") -> None:
        self.rng = rng
        self.budget = budget  # managed resources still to add (deletes and data excluded)
        self.shape = shape
        self.existing = False  # the current team stack is already applied (no-op changes)
        self.prior: list[dict[str, Any]] = []  # prior_state resources of existing stacks
        self.changes: list[dict[str, Any]] = []
        self.modules: dict[tuple[str, ...], dict[str, Any]] = {}  # module instance -> values
        self.config: dict[str, Any] = {"resources": [], "module_calls": {}}
        self.configured: set[tuple[tuple[str, ...], str]] = set()

    def add(self, module: list[tuple[str, str]], rtype: str, name: str, index: Any,
            after: dict[str, Any], unknown: dict[str, Any] | None = None,
            refs: dict[str, list[str]] | None = None, actions: tuple[str, ...] = ("create",),
            sensitive: dict[str, Any] | None = None, mode: str = "managed") -> None:
        if mode == "managed" and actions != ("delete",):
            if self.budget <= 0:
                return
            self.budget -= 1
        prefix = ".".join(f"module.{m}{k}" for m, k in module)
        idx = "" if index is None else (f"[{index}]" if isinstance(index, int)
                                        else f"[{json.dumps(index)}]")
        head = "data." if mode == "data" else ""
        address = f"{prefix + '.' if prefix else ''}{head}{rtype}.{name}{idx}"
        code_set = dict(after)
        unknown = dict(unknown or {})
        if self.shape == "compact":
            for attr in PROVIDER_ATTRIBUTES.get(rtype, "").split():
                after.setdefault(attr, None)
        elif mode == "managed":
            applied = self.existing or actions != ("create",)
            for attr in provider_schema(rtype, len(after)):
                if attr in after or attr in unknown:
                    continue
                computed = attr == "arn" or attr.endswith(_COMPUTED)
                if computed and not applied:
                    after[attr], unknown[attr] = None, True
                else:
                    after[attr] = provider_value(rtype, attr, len(self.changes))
        if self.existing and actions == ("create",):
            # Applied before: every computed value is known, before == after, no-op.
            after = {**{k: APPLIED_BLOCKS.get(k, f"{rtype}-{len(self.changes)}-{k}")
                        for k in unknown or {}}, **after}
            unknown, actions, refs = {}, ("no-op",), {}
        change = {"before": None, "after": after, "after_unknown": unknown or {},
                  "before_sensitive": False, "after_sensitive": sensitive or {},
                  "actions": list(actions)}
        if actions == ("delete",):
            change.update(before=after, after=None, after_unknown={}, after_sensitive=False)
        if actions in (("no-op",), ("delete",)):
            change["before"] = json.loads(json.dumps(after))
            self.prior.append({"address": address, "mode": mode, "type": rtype, "name": name,
                               "values": change["before"]})
        rc = {"address": address, "mode": mode, "type": rtype, "name": name,
              "provider_name": "registry.terraform.io/hashicorp/aws", "change": change}
        if prefix:
            rc["module_address"] = prefix
        if index is not None:
            rc["index"] = index
        self.changes.append(rc)
        if actions != ("delete",):
            values = {"address": address, "mode": mode, "type": rtype, "name": name,
                      "provider_name": "registry.terraform.io/hashicorp/aws",
                      "schema_version": 0, "values": after,
                      "sensitive_values": sensitive or {}}
            if index is not None:
                values["index"] = index
            key = tuple(f"module.{m}{k}" for m, k in module)
            self.modules.setdefault(key, []).append(values)  # type: ignore[attr-defined]
        self._configure([m for m, _ in module], rtype, name, mode, code_set, refs or {})

    def _configure(self, module: list[str], rtype: str, name: str, mode: str,
                   after: dict[str, Any], refs: dict[str, list[str]]) -> None:
        key = (tuple(module), f"{mode}.{rtype}.{name}")
        if key in self.configured:
            return
        self.configured.add(key)
        node = self.config
        for m in module:
            node = node["module_calls"].setdefault(m, {
                "source": f"./modules/{m}", "module": {"resources": [], "module_calls": {}}
            })["module"]
        expressions: dict[str, Any] = {a: {"constant_value": v} for a, v in after.items()
                                       if not isinstance(v, list | dict) and v is not None}
        expressions.update({a: {"references": r} for a, r in refs.items()})
        node["resources"].append({
            "address": f"{'data.' if mode == 'data' else ''}{rtype}.{name}", "mode": mode,
            "type": rtype, "name": name, "provider_config_key": "aws",
            "expressions": expressions, "schema_version": 0,
        })

    def document(self) -> dict[str, Any]:
        root: dict[str, Any] = {"resources": self.modules.get((), []), "child_modules": []}
        children: dict[tuple[str, ...], dict[str, Any]] = {(): root}
        for key in sorted(self.modules, key=len):
            for depth in range(1, len(key) + 1):
                part = key[:depth]
                if part not in children:
                    child = {"address": ".".join(part), "resources": [], "child_modules": []}
                    children[part] = child
                    children[part[:-1]]["child_modules"].append(child)
            if key:
                children[key]["resources"] = self.modules[key]
        return {
            "format_version": "1.2", "terraform_version": "1.9.5",
            "planned_values": {"root_module": root},
            "prior_state": {"format_version": "1.0", "terraform_version": "1.9.5",
                            "values": {"root_module": {"resources": self.prior}}},
            "resource_changes": self.changes,
            "configuration": {"provider_config": {"aws": {"name": "aws"}},
                              "root_module": self.config},
        }


def _tags(team: str, env: str) -> dict[str, str]:
    return {"team": team, "env": env, "cost-center": f"cc-{team}"}


def _team(plan: Plan, module: list[tuple[str, str]], team: str) -> None:
    """One team stack: network, compute, storage (as far as the plan's budget goes)."""
    rng, tags = plan.rng, _tags(team, "prod")
    public = rng.random() < 0.2
    plan.add(module, "aws_vpc", "main", None, {"cidr_block": "10.0.0.0/16",
             "enable_dns_support": True, "enable_dns_hostnames": True, "tags": tags,
             "tags_all": tags}, {"id": True, "arn": True})
    plan.add(module, "aws_subnet", "private", 0, {"cidr_block": "10.0.1.0/24",
             "map_public_ip_on_launch": public, "tags": tags, "tags_all": tags},
             {"id": True, "vpc_id": True}, {"vpc_id": ["aws_vpc.main.id", "aws_vpc.main"]})
    inline = [{"cidr_blocks": ["10.0.0.0/8"], "description": "https", "from_port": 443,
               "ipv6_cidr_blocks": [], "prefix_list_ids": [], "protocol": "tcp",
               "security_groups": [], "self": False, "to_port": 443}]
    plan.add(module, "aws_security_group", "app", None, {"name": f"{team}-app",
             "description": "app", "ingress": inline, "egress": [], "tags": tags,
             "tags_all": tags}, {"id": True, "arn": True, "vpc_id": True},
             {"vpc_id": ["aws_vpc.main.id"]})
    ssh_cidr = "0.0.0.0/0" if rng.random() < 0.1 else "10.0.0.0/8"
    plan.add(module, "aws_security_group_rule", "ssh", None, {"type": "ingress",
             "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": [ssh_cidr],
             "ipv6_cidr_blocks": None}, {"id": True, "security_group_id": True},
             {"security_group_id": ["aws_security_group.app.id", "aws_security_group.app"]})
    plan.add(module, "aws_vpc_security_group_ingress_rule", "metrics", None,
             {"ip_protocol": "tcp", "from_port": 9090, "to_port": 9090,
              "cidr_ipv4": "10.0.0.0/8", "cidr_ipv6": None}, {"id": True,
              "security_group_id": True}, {"security_group_id": ["aws_security_group.app.id"]})
    itype = rng.choice(INSTANCE_TYPES)
    plan.add(module, "aws_instance", "train", None, {"ami": "ami-0abcdef1234567890",
             "instance_type": itype, "associate_public_ip_address": rng.random() < 0.05,
             "metadata_options": [{"http_tokens": rng.choice(["required", "optional"]),
                                   "http_endpoint": "enabled"}],
             "root_block_device": [{"encrypted": True, "volume_size": 200}],
             "tags": tags, "tags_all": tags},
             {"id": True, "arn": True, "subnet_id": True, "public_ip": True},
             {"subnet_id": ["aws_subnet.private[0].id", "aws_subnet.private"]})
    plan.add(module, "aws_ebs_volume", "scratch", None, {"availability_zone": "eu-west-1a",
             "size": 500, "type": "gp3", "encrypted": rng.random() > 0.15, "tags": tags,
             "tags_all": tags}, {"id": True, "arn": True, "kms_key_id": True})
    plan.add(module, "aws_kms_key", "data", None, {"description": f"{team} data key",
             "enable_key_rotation": True, "key_usage": "ENCRYPT_DECRYPT",
             "multi_region": False, "tags": tags, "tags_all": tags},
             {"id": True, "arn": True, "key_id": True})
    for key in ("raw", "features", "models"):
        plan.add(module, "aws_s3_bucket", "data", key, {"bucket_prefix": f"{team}-{key}-",
                 "force_destroy": False, "tags": tags, "tags_all": tags},
                 {"id": True, "arn": True, "bucket": True,
                  "server_side_encryption_configuration": True, "versioning": True})
        ref = ["aws_s3_bucket.data[each.key].id", "aws_s3_bucket.data[each.key]",
               "aws_s3_bucket.data", "each.key"]
        if rng.random() > 0.2:
            algo = rng.choice(["aws:kms", "AES256"])
            plan.add(module, "aws_s3_bucket_server_side_encryption_configuration", "data",
                     key, {"expected_bucket_owner": "", "rule": [
                         {"apply_server_side_encryption_by_default": [
                             {"sse_algorithm": algo, "kms_master_key_id": ""}],
                          "bucket_key_enabled": True}]},
                     {"id": True, "bucket": True}, {"bucket": ref})
        else:
            plan.add(module, "aws_s3_bucket_public_access_block", "data", key, {
                "block_public_acls": True, "block_public_policy": True,
                "ignore_public_acls": True, "restrict_public_buckets": True},
                {"id": True, "bucket": True}, {"bucket": ref})
        plan.add(module, "aws_s3_bucket_versioning", "data", key, {
            "versioning_configuration": [{"status": "Enabled", "mfa_delete": ""}]},
            {"id": True, "bucket": True}, {"bucket": ref})
    plan.add(module, "aws_db_instance", "meta", None, {"identifier": f"{team}-meta",
                 "engine": "postgres", "instance_class": "db.r6g.large",
                 "allocated_storage": 100, "storage_encrypted": rng.random() > 0.2,
                 "publicly_accessible": False, "multi_az": True,
                 "username": "mlflow", "password": "generated-secret-password",
                 "tags": tags, "tags_all": tags},
                 {"id": True, "arn": True, "kms_key_id": True, "endpoint": True},
                 sensitive={"password": True})
    plan.add(module, "aws_ecr_repository", "models", None, {"name": f"{team}/models",
             "image_tag_mutability": rng.choice(["MUTABLE", "IMMUTABLE"]),
             "image_scanning_configuration": [{"scan_on_push": rng.random() > 0.3}],
             "encryption_configuration": [{"encryption_type": "AES256", "kms_key": ""}],
             "tags": tags, "tags_all": tags}, {"id": True, "arn": True,
                                               "repository_url": True})


def generate(n: int, seed: int, existing: float, shape: str = "provider"
             ) -> tuple[dict[str, Any], dict[str, int]]:
    rng = random.Random(seed)
    plan = Plan(rng, n, shape)
    team = 0
    while plan.budget > 0:
        team += 1
        plan.existing = rng.random() < existing
        name = f"team{team:04d}"
        # Teams live in nested modules, instanced by for_each keys and counts.
        if team % 3 == 0:
            module = [("platform", ""), ("team", f'["{name}"]')]
        elif team % 3 == 1:
            module = [("teams", f'["{name}"]'), ("stack", "[0]")]
        else:
            module = [(f"stack_{name}", "")]
        _team(plan, module, name)
    plan.existing = False
    plan.add([], "aws_instance", "legacy", None, {"instance_type": "m4.large"},
             actions=("delete",))
    plan.add([], "aws_ami", "base", None, {"most_recent": True}, mode="data",
             actions=("read",))
    counts = {"managed": n, "deleted": 1, "data_sources": 1}
    return plan.document(), counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shape", choices=SHAPES, default="provider",
                        help="provider (default): the attributes the AWS provider writes; "
                             "compact: the earlier benchmarks' plans")
    parser.add_argument("--existing", type=float,
                        help="share of team stacks already applied (no-op, with prior "
                             "state); default 0.5 (provider) or 0.7 (compact)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    existing = args.existing if args.existing is not None else (
        0.5 if args.shape == "provider" else 0.7)
    doc, counts = generate(args.resources, args.seed, existing, args.shape)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(doc, fh)
    print(f"{args.out}: {counts['managed']} managed resources, {counts['deleted']} deleted, "
          f"{counts['data_sources']} data sources")


if __name__ == "__main__":
    main()
