"""The IAM permissions that collecting a type needs, derived from the calls its spec makes
(so a new type cannot forget one): its list call, its parents' list call and every detail
call, named as IAM names them (catalog/services.py holds the actions named otherwise)."""

from __future__ import annotations

from functools import cache

from driftguard.catalog.services import iam_action
from driftguard.catalog.spec import ResourceSpec


@cache
def _api_names(service: str) -> dict[str, str]:
    """boto3 method name (list_buckets) -> API operation name (ListBuckets), from botocore's
    service model (imported here only: the gate never needs it)."""
    import botocore
    import botocore.session

    model = botocore.session.get_session().get_service_model(service)
    return {botocore.xform_name(op): op for op in model.operation_names}


def api_name(service: str, method: str) -> str:
    """The API operation a boto3 method calls: ListBuckets for s3's list_buckets."""
    try:
        return _api_names(service)[method]
    except KeyError:
        raise ValueError(f"{service} has no operation {method!r}") from None


def permissions(spec: ResourceSpec) -> tuple[str, ...]:
    """IAM actions of the type's calls (its parents' list call too), sorted, each once."""
    collect = spec.collect
    methods = [collect.operation, *(d.operation for d in collect.details)]
    if collect.parent is not None:
        methods.append(collect.parent.operation)
    return tuple(sorted({iam_action(collect.service, api_name(collect.service, m))
                         for m in methods}))
