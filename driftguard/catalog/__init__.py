"""The catalog: one declarative ResourceSpec per resource type, one module per type.

Adding a type means adding one module here that defines `SPEC`; nothing else is edited.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from driftguard.catalog.spec import Fold, ResourceSpec

_NOT_SPECS = {"spec", "convert"}


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


def spec_for(tf_type: str) -> ResourceSpec | None:
    return specs().get(tf_type)
