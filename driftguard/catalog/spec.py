"""The declarative shape of one resource type (one file per type in this package)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# The fields an import id template (ResourceSpec.import_id) may name.
IMPORT_FIELDS = ("id", "arn", "region", "account")
IMPORT_FIELD = re.compile(r"\{(" + "|".join(IMPORT_FIELDS) + r")\}")


@dataclass(frozen=True)
class Attr:
    """One canonical attribute and where each source keeps it.

    `tf` lists dotted paths into the Terraform attributes (`metadata_options.0.http_tokens`).
    Without `convert` they are alternatives: the first one that is set wins. With `convert`,
    the value is `convert(*values_of_all_paths)`. A value unknown until apply in any path
    that is read makes the canonical attribute unknown. A `*` step reads each element of
    a list (`block_device_mappings.*.ebs.0.encrypted`: a list of values, one per block),
    so that only the fields read decide whether the value is known.

    `live` and `live_convert` do the same over the live document: the list item's fields,
    plus each detail call's response under the detail's key. An attribute without `live`
    paths is not read live, so drift never compares it.

    `show`: whether reports may show the attribute's declared and live values when it
    drifts (otherwise they read "(not shown)" unless the scan is asked `--show-values`).
    None: by kind (`values_shown`): booleans and numbers (and lists of them) yes; strings
    (which may be free text), other lists, maps (tags) and objects (policy documents) no.
    Mark settings, identifiers and CIDRs True.
    """

    name: str
    kind: str
    doc: str
    tf: tuple[str, ...] = ()
    convert: Callable[..., Any] | None = None
    live: tuple[str, ...] = ()
    live_convert: Callable[..., Any] | None = None
    default: Any = None
    drift: bool = True
    cfn: tuple[str, ...] = ()
    cfn_convert: Callable[..., Any] | None = None
    # Fold attributes only: applies when the child's value at this path equals the given
    # one, or any of them where a tuple is given (an unset string is null in a plan and ""
    # in Terraform's state).
    when: tuple[str, Any] | None = None
    show: bool | None = None

    @property
    def values_shown(self) -> bool:
        """Whether drift reports show this attribute's values (see `show`)."""
        return self.show if self.show is not None else shown_by_kind(self.kind)


# Kinds whose values say nothing a secret could hide in: shown in drift by default.
SHOWN_KINDS = frozenset({"bool", "int", "float", "null"})


def shown_by_kind(kind: str) -> bool:
    """`bool`, `int|null`, `list[bool]`, ...: every alternative of the kind is a boolean or a
    number, or a list of them."""
    def shown(part: str) -> bool:
        part = part.strip()
        if part.startswith("list[") and part.endswith("]"):
            return shown(part[5:-1])
        return part in SHOWN_KINDS
    return all(shown(part) for part in kind.split("|"))


@dataclass(frozen=True)
class Fold:
    """A Terraform type whose settings belong to a parent's canonical attributes.

    AWS provider v4+ split S3 bucket settings into their own resources; security group
    rules can stand alone. `parent_ref` is the child's attribute naming the parent (its id
    or name); when that is unknown in a plan, the plan's configuration references join them.
    With `extend`, list values are appended to the parent's (rules), else they replace.
    """

    tf_type: str
    parent_ref: str
    attrs: tuple[Attr, ...]
    extend: bool = False


@dataclass(frozen=True)
class CfnFold:
    """A CloudFormation type whose properties belong to a parent's canonical attributes
    (AWS::EC2::SecurityGroupIngress into its group), as Fold does for Terraform.

    `parent_ref` is the property naming the parent: a Ref or Fn::GetAtt to its logical id
    in a template, or its physical id. Its attrs read `cfn` paths.
    """

    cfn_type: str
    parent_ref: str
    attrs: tuple[Attr, ...]
    extend: bool = False


@dataclass(frozen=True)
class TfAlias:
    """Another Terraform type whose resources are of this type: AWS's default resources,
    which Terraform adopts instead of creating (`aws_default_subnet` is a zone's default
    subnet, `aws_default_vpc` the region's default VPC). In the model they have the
    spec's type (rules, links, drift and docs know them as such) and keep their address.

    `defaults` are the canonical values that hold where the code leaves the attribute
    unset (null, or computed by the provider): what AWS's default resource has (a default
    subnet maps public IPs on launch). The alias reads the spec's Terraform paths."""

    tf_type: str
    defaults: tuple[tuple[str, Any], ...] = ()


# Link.target_attr that names the target itself (its key), not one of its attributes.
KEY = "@key"
# ResourceSpec.cfn_when's value for "the property is set, to anything".
SET = "@set"


@dataclass(frozen=True)
class Link:
    """A canonical attribute copied from the resources this one points at.

    `via` names this type's canonical attribute holding the target's id (an instance's
    `subnet_id`), or a list of ids (an auto-scaling group's subnets: the link's value is
    then the list of the targets' values). The targets are the resources of `target_type`
    with those ids in the same input or, where the ids are not known yet, the ones the
    source's references name (a plan's configuration, a template's Ref). A link is
    resolved in every source that reads `via`, live ones included, where the collector
    also reads the types in `Collect.needs`. Its value is the target's `target_attr`
    (KEY: the target's key); unknown where the target's is (or which target, until
    apply); null without a target in the input: none named, or one outside the input (a
    module output, a data source, another stack). Null, not unknown: "unknown" is "until
    apply", which fails the gate, and most plans name some targets that live elsewhere; a
    rule that must tell "not in the input" from "not set" reads `via` (DG-NET-001,
    DG-ENC-003; docs/canonical-model.md, "Links").

    A link may share its name with an attribute that no source reading `via` reads: it
    then completes that attribute there (an instance's root_volume_encrypted, from its
    Terraform root_block_device, and live from its root volume), drift included.

    Targets are found by id, by ARN (state and live documents name KMS keys by ARN), or
    by reference. `also` names other types that stand for a target and have its
    `target_attr` too (a KMS alias names its key: kms_key_id may name either).
    """

    name: str
    doc: str
    via: str
    target_type: str
    target_attr: str
    also: tuple[str, ...] = ()

    @property
    def target_types(self) -> tuple[str, ...]:
        return (self.target_type, *self.also)


@dataclass(frozen=True)
class Detail:
    """A per-resource boto3 call that completes the live attributes."""

    operation: str  # boto3 method name, e.g. get_bucket_encryption
    param: str  # request parameter that takes the resource id, e.g. Bucket
    missing_ok: tuple[str, ...] = ()  # error codes that mean "not configured"
    # Item field passed as `param` (default: the id); or a path into an earlier detail's
    # response (`describe_table.Table.TableArn`), where the list gives no such field: this
    # detail is then called once that one has answered (and not at all if it gave none).
    source_field: str | None = None
    args: tuple[tuple[str, Any], ...] = ()  # fixed extra parameters
    fields: tuple[tuple[str, str], ...] = ()  # (parameter, item field): more parameters
    key: str | None = None  # where the response goes in the live document (default: operation)
    # The call takes a list of ids (CloudTrail's ListTags ResourceIdList, ELB's DescribeTags
    # ResourceArns): the one resource's id goes as a one-element list.
    id_list: bool = False

    @property
    def doc_key(self) -> str:
        return self.key or self.operation


@dataclass(frozen=True)
class Parent:
    """A list call that takes a parent's id (EKS node groups are listed per cluster): the
    parents' ids come from `operation` (paginated), each one is passed to the type's list
    call as `param`, and every item listed under it gets it as its field `field`."""

    operation: str
    items: str  # JMESPath to the parents' ids in each page
    param: str
    field: str


@dataclass(frozen=True)
class Collect:
    """How the live collector lists the type. The IAM permissions a scan needs are derived
    from these calls (catalog/permissions.py), and the rate they are made at is the
    service's (catalog/services.py).

    Most types are lists: `operation` is a paginated list/describe call, `items` selects
    the resources in each page and `id_field` names each one's id. A few types are a single
    setting per account and region instead (EBS encryption by default): `operation` is one
    unpaginated get call, `items` is `[@]` (the whole response is the only item) and
    `id_field` is None, because the resource's identity is the region, as in Terraform.
    """

    service: str  # boto3 service name
    operation: str  # paginated list/describe method, e.g. describe_instances
    items: str  # JMESPath to the items in each page (`names[].{name: @}` for plain ids)
    # Field of an item holding the id, or a JMESPath expression over the item
    # (`join(':', [cluster, name])`); None: the region is the id.
    id_field: str | None
    details: tuple[Detail, ...] = ()
    is_global: bool = False  # listed once per account, not per region
    # Where the ARN (the live address) is: an item field, or a dotted path into the live
    # document (`describe_cluster.cluster.arn`) where only a detail call returns it.
    arn_field: str | None = None
    skip: tuple[str, tuple[Any, ...]] | None = None  # (JMESPath, values): items to leave out
    parent: Parent | None = None
    # Fixed parameters of the list call: only own snapshots (OwnerIds), or less than it
    # returns by default (DescribeAutoScalingGroups' IncludeInstances=False).
    args: tuple[tuple[str, Any], ...] = ()
    # Item field holding the owning account's id: an item another account owns is left
    # out, whatever the list call returned (a public or shared snapshot is not the
    # account's, even from an endpoint that ignores OwnerIds=self).
    owner_field: str | None = None
    # Why the list call cannot page, where botocore has no paginator for it because the
    # API returns everything at once (EC2's DescribeAddresses).
    unpaginated: str | None = None
    # Error codes of the detail calls meaning that the resource was deleted between the
    # list and the call: it is then left out, not "not checked". With a parent, the same
    # codes from the per-parent list call mean that the parent went meanwhile: no items.
    gone: tuple[str, ...] = ()
    # Types whose live resources this type's links read (read along, reported only when
    # the scan asks for them too).
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResourceSpec:
    tf_type: str
    # None when CloudFormation has no resource type for it (account settings such as
    # EBS encryption by default): templates and stacks then never declare it.
    cfn_type: str | None
    doc: str
    attrs: tuple[Attr, ...]
    collect: Collect
    folds: tuple[Fold, ...] = ()
    links: tuple[Link, ...] = ()
    # The Terraform attribute holding the live identity (bucket name, i-..., ...).
    tf_id: str = "id"
    # Other Terraform types of the same resource (aws_default_subnet for aws_subnet).
    tf_aliases: tuple[TfAlias, ...] = ()
    # Terraform attributes never shown anywhere, on top of what state/plan mark sensitive.
    sensitive: tuple[str, ...] = ()
    # Read-only Terraform attributes that the provider computes from other resources (a
    # snapshot's `encrypted`, from its volume): unknown in a plan until apply, where other
    # computed attributes that the code leaves out read as not set.
    tf_computed: tuple[str, ...] = ()
    # CloudFormation properties never shown anywhere (MasterUserPassword, ...).
    cfn_sensitive: tuple[str, ...] = ()
    cfn_folds: tuple[CfnFold, ...] = ()
    # Fn::GetAtt attributes that return the physical id (AWS::EC2::SecurityGroup's
    # GroupId): known once the stack exists, like a Ref.
    cfn_physical_id: tuple[str, ...] = ()
    # The canonical id from a deployed stack's physical id (what Ref returns), where
    # CloudFormation names the resource otherwise than Terraform and the live API (an ARN
    # where they use the name; `cluster/nodegroup` for `cluster:nodegroup`).
    cfn_id: Callable[[str], str] | None = None
    # Live resources AWS creates by itself (default VPC, ...), by canonical attributes:
    # not reported as unmanaged unless the scan is strict.
    aws_default: Callable[[dict[str, Any]], bool] | None = None
    # Where several types share one CloudFormation type (AWS::RDS::DBInstance is an Aurora
    # cluster's member, aws_rds_cluster_instance, or else an aws_db_instance), the
    # (property path, value) that makes a template's resource this type: the property as
    # written (intrinsics unresolved) equals the value, or with SET is there at all.
    # None: every resource of the CloudFormation type that no other spec claims.
    cfn_when: tuple[str, Any] | None = None
    # The canonical attribute naming the availability zone the resource is in: where its
    # declaration says no region (no ARN, no region attribute, no provider region), the
    # zone's region is its region (catalog.zone_region).
    zone: str | None = None
    # The id `terraform import` and an `import {}` block take, where the provider's import
    # id is not the live id: a template over the live resource's `{id}`, `{arn}` (its live
    # address where that is an ARN, else the id), `{region}` and `{account}`, or a literal
    # ("default" for a per-region account setting). None: the live id.
    import_id: str | None = None

    def terraform_import_id(self, ident: str, arn: str | None = None,
                            region: str | None = None, account: str | None = None) -> str:
        """The Terraform import id of the live resource `ident` (see `import_id`)."""
        if self.import_id is None:
            return ident
        values = {"id": ident, "arn": arn if arn and arn.startswith("arn:") else ident,
                  "region": region or "", "account": account or ""}
        return IMPORT_FIELD.sub(lambda m: values[m[1]], self.import_id)

    def claims(self, properties: dict[str, Any]) -> bool:
        """Whether a CloudFormation resource with these properties is of this type."""
        if self.cfn_when is None:
            return True
        path, wanted = self.cfn_when
        value: Any = properties
        for step in path.split("."):
            value = value.get(step) if isinstance(value, dict) else None
        return value is not None if wanted is SET else bool(value == wanted)

    @property
    def attr_names(self) -> tuple[str, ...]:
        """Every canonical attribute name, once: a link may complete an attribute of its
        name in the sources that do not read it (live root volume encryption)."""
        names = [a.name for a in self.attrs] + [link.name for link in self.links]
        return tuple(dict.fromkeys(names))
