"""A dry run of every read a scan makes: each IAM action the catalog derives
(catalog/permissions.py) tried once with the credentials at hand, so that `driftguard
doctor` names the actions a policy lacks before a scan finds out type by type.

A list call is made as the collector makes it (its first page); a detail call, or a list
call under a parent, takes a made-up resource id: IAM decides before the service looks
for the resource, so "not found" (or any answer but access denied) means allowed.
"""

from __future__ import annotations

from collections.abc import Iterator
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


def calls(specs: list[ResourceSpec]) -> list[Call]:
    """One call per IAM action the types need (the first type's way of making it)."""
    by_action: dict[str, Call] = {}
    for spec in specs:
        for call in _spec_calls(spec):
            by_action.setdefault(call.action, call)
    return [by_action[a] for a in sorted(by_action)]


def _spec_calls(spec: ResourceSpec) -> Iterator[Call]:
    c = spec.collect
    listed: dict[str, Any] = dict(c.args)
    if c.parent is not None:
        yield Call(c.service, c.parent.operation, (), c.is_global)
        listed[c.parent.param] = PROBE_ID
    yield Call(c.service, c.operation, tuple(listed.items()), c.is_global)
    for d in c.details:
        params: dict[str, Any] = {**dict(d.args), d.param: [PROBE_ID] if d.id_list else PROBE_ID}
        params.update({p: PROBE_ID for p, _ in d.fields})
        yield Call(c.service, d.operation, tuple(params.items()), c.is_global)


def dry_run(clients: Any, specs: list[ResourceSpec], region: str,
            workers: int = 4) -> list[Outcome]:
    """Every action's call, `workers` at a time, in `region`."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda call: _try(clients, call, region), calls(specs)))


def _try(clients: Any, call: Call, region: str) -> Outcome:
    from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

    client = clients.client(call.service, "us-east-1" if call.is_global else region)
    params = _fit(client, call)
    try:
        getattr(client, call.method)(**params)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        return Outcome(call.action, denied=code in ACCESS_DENIED)
    except ParamValidationError as exc:
        return Outcome(call.action, denied=False, problem=f"cannot try: {exc}")
    except BotoCoreError as exc:
        return Outcome(call.action, denied=False, problem=f"{type(exc).__name__}: {exc}")
    return Outcome(call.action, denied=False)


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
