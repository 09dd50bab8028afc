"""The catalog: one declarative ResourceSpec per resource type, one module per type
(`aws_<type>.py`, defining `SPEC`), and the one interpreter of specs (project.py).

Adding a type means adding its module here (and its collector test case); the loaders,
the collector, the IAM policy and the docs read it from here.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache
from typing import Any

from driftguard.catalog.spec import CfnFold, Fold, ResourceSpec, TfAlias


@cache
def specs() -> dict[str, ResourceSpec]:
    """Every spec, keyed by Terraform type."""
    found: dict[str, ResourceSpec] = {}
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("aws_"):
            continue  # the catalog's own machinery
        spec: ResourceSpec = importlib.import_module(f"{__name__}.{info.name}").SPEC
        found[spec.tf_type] = spec
    return dict(sorted(found.items()))


@cache
def folds() -> dict[str, tuple[ResourceSpec, Fold]]:
    """Child Terraform type -> (parent spec, fold)."""
    return {f.tf_type: (s, f) for s in specs().values() for f in s.folds}


@cache
def cfn_specs() -> dict[str, tuple[ResourceSpec, ...]]:
    """CloudFormation type -> its specs (several where they share it, told apart by
    `cfn_when`), those with a condition first."""
    found: dict[str, list[ResourceSpec]] = {}
    for spec in specs().values():
        if spec.cfn_type:
            found.setdefault(spec.cfn_type, []).append(spec)
    return {t: tuple(sorted(group, key=lambda s: s.cfn_when is None))
            for t, group in found.items()}


def cfn_spec_for(cfn_type: str, properties: dict[str, Any] | None = None
                 ) -> ResourceSpec | None:
    """The spec of a CloudFormation resource: the first whose `cfn_when` its properties
    meet, else the one without a condition; None for a type outside the catalog, or one
    whose properties no spec of its type claims (an FSx file system other than Lustre).
    Without properties (a verdict that names only the type), the spec without a
    condition."""
    for spec in cfn_specs().get(cfn_type, ()):
        if spec.cfn_when is None or (properties is not None and spec.claims(properties)):
            return spec
    return None


@cache
def cfn_folds() -> dict[str, tuple[ResourceSpec, CfnFold]]:
    """Child CloudFormation type -> (parent spec, fold)."""
    return {f.cfn_type: (s, f) for s in specs().values() for f in s.cfn_folds}


def spec_for(tf_type: str) -> ResourceSpec | None:
    return specs().get(tf_type)


def fold_of(resource_type: str) -> tuple[ResourceSpec, Fold | CfnFold] | None:
    """(parent spec, fold) of a type that folds into a catalog type, Terraform's
    (aws_s3_bucket_versioning) or CloudFormation's (AWS::EC2::SecurityGroupIngress)."""
    return folds().get(resource_type) or cfn_folds().get(resource_type)


def unknown_type(types: list[str]) -> str | None:
    """Why a list of types to collect cannot be used: the first the catalog does not
    know (nothing would collect it: a silent PASS), or None."""
    bad = next((t for t in types if t not in specs()), None)
    return None if bad is None else (f"unknown resource type {bad!r} (`driftguard catalog` "
                                     "lists the types)")


@cache
def tf_aliases() -> dict[str, tuple[ResourceSpec, TfAlias]]:
    """Aliased Terraform type (aws_default_subnet) -> (its spec, the alias)."""
    return {a.tf_type: (s, a) for s in specs().values() for a in s.tf_aliases}


def terraform_spec(tf_type: str) -> tuple[ResourceSpec | None, TfAlias | None]:
    """The spec of a Terraform type, its own or the one it is an alias of (with the
    alias); (None, None) outside the catalog."""
    spec = specs().get(tf_type)
    if spec is not None:
        return spec, None
    return tf_aliases().get(tf_type, (None, None))


def canonical_type(tf_type: str) -> str:
    """The model's type of a Terraform type: the aliased spec's (aws_default_subnet ->
    aws_subnet), else the type itself."""
    found = tf_aliases().get(tf_type)
    return found[0].tf_type if found else tf_type


@cache
def cfn_physical_attributes() -> frozenset[tuple[str, str]]:
    """(CloudFormation type, Fn::GetAtt attribute) pairs that return the physical id."""
    return frozenset((s.cfn_type, attribute) for s in specs().values() if s.cfn_type
                     for attribute in s.cfn_physical_id)


def cfn_resource_id(cfn_type: str, physical: str | None,
                    properties: dict[str, Any] | None = None) -> str | None:
    """The canonical id of a deployed stack's resource from its physical id: the spec's
    `cfn_id` where CloudFormation names it otherwise, else the physical id itself."""
    spec = cfn_spec_for(cfn_type, properties)
    if physical is None or spec is None or spec.cfn_id is None:
        return physical
    return spec.cfn_id(physical)


# A zone's name starts with its region's: us-east-1a, us-west-2-lax-1a (a Local Zone),
# us-gov-west-1b, cn-north-1a. Zone ids (use1-az1) name no region.
_ZONE_REGION = re.compile(r"([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)(?:[a-z]|-[a-z0-9-]+)\Z")


def zone_region(spec: ResourceSpec | None, attributes: dict[str, Any]) -> str | None:
    """The region of the availability zone a resource's attributes name (its spec's
    `zone`), or None."""
    zone = attributes.get(spec.zone) if spec is not None and spec.zone else None
    match = _ZONE_REGION.match(zone) if isinstance(zone, str) else None
    return match[1] if match else None
