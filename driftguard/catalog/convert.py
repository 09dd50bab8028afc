"""Small value converters the catalog specs share."""

from __future__ import annotations

import functools
import ipaddress
import json
import re
import urllib.parse
from collections.abc import Callable
from typing import Any

from driftguard.catalog.spec import Attr, Link

_PROTOCOLS = {"-1": "-1", "all": "-1", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}


def protocol(value: Any) -> str:
    text = str(value).lower()
    return _PROTOCOLS.get(text, text)


@functools.lru_cache(maxsize=4096)
def cidr(value: str) -> str:
    """A CIDR as AWS keeps it: its network address with the prefix, IPv6 compressed in
    lower case. Any range with prefix length 0 is the whole internet: AWS rewrites
    `192.168.1.0/0` to `0.0.0.0/0`, and `::0/0`, `0::/0` are `::/0`; `10.1.2.3/8` is
    `10.0.0.0/8`. A value that is no CIDR (no prefix, or not an address) stays as it is.
    Every CIDR the model holds goes through here (security group rules from every source,
    EKS public_access_cidrs), so rules compare canonical strings (`0.0.0.0/0`, `::/0`)."""
    if "/" not in value:
        return value
    try:
        return str(ipaddress.ip_network(value.strip(), strict=False))
    except ValueError:
        return value


def cidrs(values: Any) -> list[Any]:
    """A list of CIDRs, each canonical (`cidr`), sorted; unset values left out."""
    return sorted(cidr(v) if isinstance(v, str) else v for v in values or [] if v)


def rule(proto: Any, from_port: Any, to_port: Any, ranges: list[str | None]) -> dict[str, Any]:
    """One canonical security group rule; all-protocol rules cover every port; its
    CIDRs canonical (`cidr`)."""
    proto = protocol(proto)
    if proto == "-1":
        from_port, to_port = 0, 65535
    return {
        "protocol": proto,
        "from_port": int(from_port) if from_port is not None else None,
        "to_port": int(to_port) if to_port is not None else None,
        "cidrs": cidrs(ranges),
    }


def sort_rules(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rules merged by (protocol, ports) and sorted: AWS keeps one permission per
    protocol and port range whatever number of rules or resources declared it."""
    merged: dict[tuple[Any, ...], set[str]] = {}
    for r in rules:
        merged.setdefault((r["protocol"], r["from_port"], r["to_port"]), set()).update(r["cidrs"])

    def order(key: tuple[Any, ...]) -> tuple[Any, ...]:
        return (key[0], key[1] if key[1] is not None else -1, key[2] if key[2] is not None else -1)

    return [{"protocol": p, "from_port": f, "to_port": t, "cidrs": sorted(merged[(p, f, t)])}
            for p, f, t in sorted(merged, key=order)]


def inline_rules(blocks: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Terraform's inline ingress/egress blocks (aws_security_group)."""
    return sort_rules(
        [
            rule(
                b.get("protocol"),
                b.get("from_port"),
                b.get("to_port"),
                (b.get("cidr_blocks") or []) + (b.get("ipv6_cidr_blocks") or []),
            )
            for b in blocks or []
        ]
    )


def standalone_rule(proto: Any, from_port: Any, to_port: Any, v4: Any, v6: Any) -> list[
    dict[str, Any]
]:
    """aws_security_group_rule: one rule with its IPv4 and IPv6 ranges."""
    return [rule(proto, from_port, to_port, (v4 or []) + (v6 or []))]


def vpc_rule(proto: Any, from_port: Any, to_port: Any, v4: Any, v6: Any) -> list[dict[str, Any]]:
    """aws_vpc_security_group_{ingress,egress}_rule: one rule with one CIDR."""
    return [rule(proto, from_port, to_port, [v4, v6])]


def enabled(value: Any) -> bool:
    return bool(value == "Enabled")


def truthy(value: Any) -> bool:
    return bool(value)


def non_empty(value: Any) -> Any:
    return value or None


def first(*values: Any) -> Any:
    """The first value that is set (Terraform writes "" for an unset string), or None."""
    return next((v for v in values if v), None)


def sorted_list(value: Any) -> list[Any]:
    return sorted(value or [])


def cidrs_or(default: tuple[str, ...]) -> Callable[[Any], list[Any]]:
    """A list of CIDRs, canonical and sorted (`cidrs`), or `default` where none is set."""
    def convert(value: Any) -> list[Any]:
        return cidrs(default if value is None else value)
    return convert


def is_not(off: str) -> Callable[[Any], bool]:
    """True unless the value is `off`: an unset value is the default that is on
    (SageMaker's DirectInternetAccess "Enabled" unless "Disabled")."""
    def convert(value: Any) -> bool:
        return bool(value != off)
    return convert


def first_set(*values: Any) -> Any:
    """The first value that is set (not null, not empty); null if none is. Terraform
    state writes an unset string inside a block as "", so plain alternatives would stop
    at it."""
    return next((v for v in values if v not in (None, "")), None)


def arn_name(value: str) -> str:
    """The resource name at the end of an ARN (`.../notebook-instance/nb` -> `nb`); a
    value that is no ARN as it is."""
    return value.rsplit("/", 1)[-1] if value.startswith("arn:") else value


def public_access_block(acls: Any, policy: Any, ignore: Any, restrict: Any) -> dict[str, bool]:
    return {
        "block_public_acls": bool(acls),
        "block_public_policy": bool(policy),
        "ignore_public_acls": bool(ignore),
        "restrict_public_buckets": bool(restrict),
    }


def tag_map(tags: Any) -> dict[str, str]:
    """AWS tag lists ([{Key, Value}], KMS's [{TagKey, TagValue}]) as a map; tags that are
    a map already (EKS, Batch, their CloudFormation types) as they are."""
    if isinstance(tags, dict):
        return {str(k): "" if v is None else str(v) for k, v in tags.items()}
    out: dict[str, str] = {}
    for tag in tags or []:
        key = tag.get("Key", tag.get("TagKey"))
        if key is not None:
            out[key] = tag.get("Value", tag.get("TagValue", ""))
    return out


def live_rules(permissions: Any) -> list[dict[str, Any]]:
    """EC2 IpPermissions as canonical rules: one per permission, IPv4 and IPv6 together."""
    return sort_rules([
        rule(p.get("IpProtocol"), p.get("FromPort"), p.get("ToPort"),
             [r.get("CidrIp") for r in p.get("IpRanges") or []]
             + [r.get("CidrIpv6") for r in p.get("Ipv6Ranges") or []])
        for p in permissions or []
    ])


def live_public_access_block(config: Any) -> dict[str, bool] | None:
    if not config:
        return None
    return public_access_block(config.get("BlockPublicAcls"), config.get("BlockPublicPolicy"),
                               config.get("IgnorePublicAcls"),
                               config.get("RestrictPublicBuckets"))


def group_ids(groups: Any) -> list[str]:
    return sorted(g["GroupId"] for g in groups or [] if "GroupId" in g)


def flag(value: Any) -> bool:
    """A boolean that an API may write as text ("true", SQS's and SNS's attributes);
    unset is false."""
    return cfn_bool(value) is True


def integer(value: Any) -> int | None:
    """A number that an API may write as text ("30"); None when unset."""
    return None if value is None or value == "" else int(value)


def customer_kms_key(value: Any) -> str | None:
    """A KMS key named by the code or the API, where it is the customer's: null when none,
    and for an AWS-managed key's alias (alias/aws/sqs). (An AWS-managed key named by its
    ARN cannot be told from a customer's key by the name.)"""
    if not value or str(value).startswith("alias/aws/"):
        return None
    return str(value)


def has_value(value: Any) -> bool:
    return value is not None and value != ""


def boolean_value(attribute: Any) -> bool | None:
    """describe_vpc_attribute's {"Value": bool} wrappers."""
    return attribute.get("Value") if isinstance(attribute, dict) else None


ROOT_DEVICES = ("/dev/xvda", "/dev/sda1")


def created_with_instance(attachments: Any) -> bool:
    """An EBS volume an instance's block device mapping made (and deletes with it).

    AWS says so with DeleteOnTermination; where an endpoint leaves that out (moto), a
    volume on a root device name is taken as the instance's own."""
    return any(a.get("DeleteOnTermination", a.get("Device") in ROOT_DEVICES)
               for a in attachments or [])


# Every type with a kms_key_id has this link (a lint test says so): a key or alias that the
# input declares is the customer's by definition (AWS makes its own keys, and lets no alias
# name them); one that a live scan read says which it is.
KMS_KEY = Link(
    "kms_key_manager",
    "who manages the KMS key kms_key_id names: CUSTOMER for a key or alias in the same "
    "input (declared, or read live), AWS for an AWS-managed one read live; null when the key "
    "is not in the input (the name then says what it can: alias/aws/... is AWS's)",
    via="kms_key_id", target_type="aws_kms_key", target_attr="key_manager",
    also=("aws_kms_alias",))


def tags(live: str, cfn: str = "Tags") -> Attr:
    """The `tags` attribute every taggable type has: the effective tags (`tags_all` when
    the provider's default_tags apply), AWS's tag list (or map) at `live`, CloudFormation's
    `Tags` (or the type's own name for it, `cfn`)."""
    return Attr("tags", "map", "effective tags", tf=("tags_all", "tags"), default={},
                live=(live,), live_convert=tag_map, cfn=(cfn,), cfn_convert=tag_map)


# --- CloudFormation properties ------------------------------------------------------------


def cfn_bool(value: Any) -> Any:
    """CloudFormation takes "true"/"false" strings wherever it takes booleans (JSON
    templates often write them so); anything else is returned as it is."""
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


CFN_RULE_FIELDS = ("IpProtocol", "FromPort", "ToPort", "CidrIp", "CidrIpv6")


def cfn_rules(blocks: Any) -> list[dict[str, Any]]:
    """SecurityGroupIngress/SecurityGroupEgress entries of an AWS::EC2::SecurityGroup
    (only CFN_RULE_FIELDS are read: a rule from another group has no CIDR)."""
    return sort_rules([rule(b.get("IpProtocol"), b.get("FromPort"), b.get("ToPort"),
                            [b.get("CidrIp"), b.get("CidrIpv6")])
                       for b in blocks or [] if isinstance(b, dict)])


ALLOW_ALL_EGRESS = [{"protocol": "-1", "from_port": 0, "to_port": 65535, "cidrs": ["0.0.0.0/0"]}]


def cfn_egress(blocks: Any) -> list[dict[str, Any]]:
    """A group without SecurityGroupEgress keeps the allow-all rule AWS gives every new
    group (Terraform removes it; CloudFormation only replaces it with the given rules)."""
    if blocks is None:
        return [dict(r) for r in ALLOW_ALL_EGRESS]
    return cfn_rules(blocks)


def cfn_public_access_block(config: Any) -> dict[str, bool] | None:
    if not isinstance(config, dict):
        return None
    return public_access_block(*(cfn_bool(config.get(key)) is True for key in (
        "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")))


def canned_acl(value: Any) -> str | None:
    """CloudFormation's AccessControl (PublicRead) as the canned ACL name (public-read)."""
    if not value:
        return None
    return "".join(f"-{ch.lower()}" if ch.isupper() else ch for ch in str(value)).lstrip("-")


def merged_sorted(*lists: Any) -> list[Any]:
    return sorted(x for values in lists for x in values or [])


def cfn_root_volume_encrypted(mappings: Any) -> bool | None:
    """Encrypted of the BlockDeviceMappings entry on a root device name, if any."""
    for mapping in mappings or []:
        if isinstance(mapping, dict) and mapping.get("DeviceName") in ROOT_DEVICES:
            encrypted = cfn_bool((mapping.get("Ebs") or {}).get("Encrypted"))
            return None if encrypted is None else bool(encrypted)
    return None


# --- policy documents ---------------------------------------------------------------------

# AWS's default when a document names no Version (IAM policy grammar, "Version").
POLICY_DEFAULT_VERSION = "2008-10-17"
# Statement elements whose values are sets: a scalar is a list of one, order and
# duplicates do not matter.
_POLICY_SETS = ("Action", "NotAction", "Resource", "NotResource")
_ACCOUNT_ROOT = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):root$")


def policy_document(value: Any) -> dict[str, Any] | None:
    """A policy document (IAM, trust, bucket, queue, topic, key policy) parsed and
    normalized, so that the same policy reads the same from every source: Terraform's JSON
    string, CloudFormation's object (or JSON string), a live API's plain or URL-encoded
    JSON string (IAM), or boto3's already decoded object. None for no policy ("", null).

    Normalized as AWS treats documents: every Statement a list of statements; Action,
    NotAction, Resource and NotResource sorted lists without duplicates; `Principal: "*"`
    as `{"AWS": ["*"]}`, each principal's values a sorted list, an account's root ARN as
    its account id (IAM writes `123456789012` back as `arn:aws:iam::123456789012:root`);
    condition values sorted lists of strings (JSON `true` and `"true"`, `10` and `"10"` are
    one value); an empty or missing Sid left out; a missing Version as AWS's default,
    2008-10-17. Statement order is kept (AWS keeps it). Raises ValueError for text that is
    no JSON object: AWS and Terraform accept no such policy.
    """
    if value is None or value == "" or value == {}:
        return None
    doc = _parse_policy(value) if isinstance(value, str) else value
    if doc is None:
        return None
    if not isinstance(doc, dict):
        raise ValueError(f"a policy document is a JSON object, not {type(doc).__name__}")
    if not doc:
        return None
    out = {key: val for key, val in doc.items() if key != "Statement"}
    out.setdefault("Version", POLICY_DEFAULT_VERSION)
    statements = doc.get("Statement") or []
    out["Statement"] = [_policy_statement(s) for s in
                        (statements if isinstance(statements, list) else [statements])]
    return dict(sorted(out.items()))


def _parse_policy(text: str) -> Any:
    text = text.strip()
    if not text:
        return None
    if text.startswith("%"):  # URL-encoded (IAM's API, RFC 3986)
        text = urllib.parse.unquote(text)
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        try:
            return json.loads(urllib.parse.unquote(text))
        except json.JSONDecodeError:
            raise ValueError(f"not a JSON policy document: {text[:60]!r}") from None


def _policy_statement(statement: Any) -> Any:
    if not isinstance(statement, dict):
        return statement
    out: dict[str, Any] = {}
    for key, val in statement.items():
        if key == "Sid" and (val is None or val == ""):
            continue
        if key in _POLICY_SETS:
            out[key] = _string_set(val)
        elif key in ("Principal", "NotPrincipal"):
            out[key] = _principal(val)
        elif key == "Condition" and isinstance(val, dict):
            out[key] = {op: {k: _string_set(v) for k, v in keys.items()}
                        if isinstance(keys, dict) else keys for op, keys in val.items()}
        else:
            out[key] = val
    return dict(sorted(out.items()))


def _principal(value: Any) -> Any:
    if value == "*":
        return {"AWS": ["*"]}
    if not isinstance(value, dict):
        return value
    return {kind: _string_set([_account_root(v) for v in _string_set(ids)]) if kind == "AWS"
            else _string_set(ids) for kind, ids in sorted(value.items())}


def _account_root(principal: Any) -> Any:
    found = _ACCOUNT_ROOT.match(principal) if isinstance(principal, str) else None
    return found.group(1) if found else principal


def _string_set(value: Any) -> list[Any]:
    """A scalar or list as a sorted list of unique strings (booleans as JSON writes them)."""
    values = value if isinstance(value, list) else [value]
    unique = {json.dumps(v, sort_keys=True): v
              for v in (_policy_string(v) for v in values if v is not None)}
    return [unique[key] for key in sorted(unique)]


def _policy_string(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value
