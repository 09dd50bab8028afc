"""A dry run of every read a scan makes: each IAM action the catalog derives
(catalog/permissions.py) tried once with the credentials at hand, so that `driftguard
doctor` names the actions a policy lacks before a scan finds out type by type.

A list call is made as the collector makes it (its first page); a detail call takes the
first resource that list gave, or, with none, a made-up id (as a list call under a parent
does): IAM decides before the service looks for the resource, so "not found" (or any
answer but access denied) means allowed.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from driftguard.aws_errors import ACCESS_DENIED
from driftguard.catalog.permissions import api_name
from driftguard.catalog.services import iam_action
from driftguard.catalog.spec import ResourceSpec

PROBE_ID = "driftguard-doctor-probe"


@dataclass(frozen=True)
class Call:
    service: str
    method: str  # boto3 method
    params: tuple[tuple[str, Any], ...]
    is_global: bool

    @property
    def action(self) -> str:
        return iam_action(self.service, api_name(self.service, self.method))


@dataclass(frozen=True)
class Outcome:
    action: str
    denied: bool
    problem: str = ""  # neither allowed nor denied: the call could not be made


def calls(spec: ResourceSpec, item: dict[str, Any] | None = None) -> list[Call]:
    """The type's calls: its parent's list call, its list call, then each detail call on
    `item` (one listed resource: its id, its fields), or on PROBE_ID without one."""
    c = spec.collect
    listed: dict[str, Any] = dict(c.args)
    out = []
    if c.parent is not None:
        out.append(Call(c.service, c.parent.operation, (), c.is_global))
        listed[c.parent.param] = PROBE_ID
    out.append(Call(c.service, c.operation, tuple(listed.items()), c.is_global))
    ident = _ident(spec, item) if item is not None else None
    for d in c.details:
        key = ident if ident is not None and d.source_field is None else PROBE_ID
        params: dict[str, Any] = {**dict(d.args), d.param: [key] if d.id_list else key}
        params.update({p: (item or {}).get(f) or PROBE_ID for p, f in d.fields})
        out.append(Call(c.service, d.operation, tuple(params.items()), c.is_global))
    return out


def _ident(spec: ResourceSpec, item: dict[str, Any]) -> Any:
    id_field = spec.collect.id_field
    if not id_field:
        return None
    if id_field in item:
        return item[id_field]
    import jmespath

    return jmespath.search(id_field, item)


def dry_run(clients: Any, specs: list[ResourceSpec], region: str,
            workers: int = 4) -> list[Outcome]:
    """Every action's outcome, sorted by action; one denied call makes it denied."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        per_spec = list(pool.map(lambda spec: _probe(clients, spec, region), specs))
    by_action: dict[str, Outcome] = {}
    for outcomes in per_spec:
        for o in outcomes:
            seen = by_action.get(o.action)
            if seen is None or (o.denied and not seen.denied) or (seen.problem and not o.problem):
                by_action[o.action] = o
    return [by_action[a] for a in sorted(by_action)]


def _probe(clients: Any, spec: ResourceSpec, region: str) -> list[Outcome]:
    """The list call first: a resource it lists makes the detail calls real ones (IAM
    answers for a resource that exists; a made-up S3 bucket name may be someone else's,
    which is access denied whatever the policy, or nobody's: NoSuchBucket, whatever it)."""
    details = len(spec.collect.details)
    probe = calls(spec)
    outcomes = []
    response = None
    for call in probe[:len(probe) - details]:  # the parent's list call, then the type's
        outcome, response = _try(clients, call, region)
        outcomes.append(outcome)
    item = None
    if isinstance(response, dict):
        import jmespath

        items = jmespath.search(spec.collect.items, response)
        if isinstance(items, list) and items and isinstance(items[0], dict):
            item = items[0]
    for call in calls(spec, item)[len(probe) - details:]:
        outcomes.append(_try(clients, call, region)[0])
    return outcomes


def _try(clients: Any, call: Call, region: str) -> tuple[Outcome, Any]:
    from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

    client = clients.client(call.service, "us-east-1" if call.is_global else region)
    params = _fit(client, call)
    try:
        response = getattr(client, call.method)(**params)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        return Outcome(call.action, denied=code in ACCESS_DENIED), None
    except ParamValidationError as exc:
        return Outcome(call.action, denied=False, problem=f"cannot try: {exc}"), None
    except BotoCoreError as exc:
        return Outcome(call.action, denied=False, problem=f"{type(exc).__name__}: {exc}"), None
    return Outcome(call.action, denied=False), response


def _fit(client: Any, call: Call) -> dict[str, Any]:
    """The probe's parameters in the shapes the operation takes (a list where it takes a
    list), and its other required parameters made up too."""
    shape = client.meta.service_model.operation_model(api_name(call.service, call.method)
                                                      ).input_shape
    params = dict(call.params)
    if shape is None:
        return params
    for name in shape.required_members:
        params.setdefault(name, PROBE_ID)
    for name, value in list(params.items()):
        member = shape.members.get(name)
        if member is None or value != PROBE_ID:
            continue
        if member.type_name == "list":
            params[name] = [PROBE_ID]
        elif member.type_name in ("integer", "long"):
            params[name] = 1
    return params
