"""Who made a drift: from CloudTrail records (a trail's log files or LookupEvents'
`CloudTrailEvent`), the one most likely behind a changed, missing or unmanaged resource,
in words a reviewer reads. Pure functions; collect/cloudtrail.py reads the records.

- Which records: those that name the resource (its id or ARN among the record's
  resources, request parameters or response elements) and write (not `readOnly`, not a
  Describe/Get/List/Head call).
- Which one: for a missing resource the last delete (Delete*, Terminate*, ...); for an
  unmanaged one the first create (Create*, Run*, ...); for a changed one the last write
  that is neither; else the last write.
- Who: an assumed role's role and session name (an IAM Identity Center role by its
  permission set, the session being the user), an IAM user, the root user, a service.
- From where: the console, the CLI, an SDK (Terraform among them), another AWS service.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from typing import Any

from driftguard.model import Attribution, DriftKind, EventSource

_READS = ("Describe", "Get", "List", "Head", "Lookup", "Search", "BatchGet")
_CREATES = ("Create", "Run", "Allocate", "Register", "Import", "Request")
_DELETES = ("Delete", "Terminate", "Remove", "Deregister", "Release", "ScheduleKeyDeletion")
_CONSOLE_AGENTS = {"console.amazonaws.com", "signin.amazonaws.com", "AWS Internal"}
_SSO_ROLE = re.compile(r"^AWSReservedSSO_(?P<set>.+)_[0-9a-f]{16}$")
_PRINTABLE = re.compile(r"[^\w .:/@+=,-]")
_MAX_DEPTH = 6


def identifiers(record: dict[str, Any]) -> set[str]:
    """The strings that name resources in a record: its resources' ARNs and names, and
    the string values of its request parameters and response elements."""
    out: set[str] = set()
    for res in record.get("resources") or []:
        if isinstance(res, dict):
            out.update(v for k in ("ARN", "arn", "ResourceName")
                       if isinstance(v := res.get(k), str))
    for key in ("requestParameters", "responseElements"):
        out.update(_strings(record.get(key), 0))
    return out


def _strings(value: Any, depth: int) -> Iterator[str]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, depth + 1)


def keys(record: dict[str, Any]) -> set[str]:
    """What the record can be found by: its identifiers, and the last part of each ARN
    among them (`i-0abc` of `arn:aws:ec2:...:instance/i-0abc`)."""
    found = identifiers(record)
    return found | {re.split(r"[/:]", k)[-1] for k in found if k.startswith("arn:")}


def names(resource_id: str, address: str | None = None) -> set[str]:
    """What a record may name the resource by: its id, and its ARN when it has one."""
    return {resource_id} | ({address} if address and address.startswith("arn:") else set())


def is_write(record: dict[str, Any]) -> bool:
    name = str(record.get("eventName") or "")
    read_only = record.get("readOnly")
    return not (read_only is True or str(read_only).lower() == "true"
                or name.startswith(_READS))


def pick(records: Iterable[dict[str, Any]], kind: DriftKind) -> dict[str, Any] | None:
    """The record most likely behind the drift (records that name the resource)."""
    writes = sorted((r for r in records if is_write(r)), key=_when)
    if not writes:
        return None

    def named(prefixes: tuple[str, ...]) -> list[dict[str, Any]]:
        return [r for r in writes if str(r.get("eventName") or "").startswith(prefixes)]

    if kind == "missing":
        return (named(_DELETES) or writes)[-1]
    if kind == "unmanaged":
        return (named(_CREATES) or writes)[0]
    others = [r for r in writes if r not in named(_CREATES) and r not in named(_DELETES)]
    return (others or writes)[-1]


def _when(record: dict[str, Any]) -> dt.datetime:
    return event_time(record) or dt.datetime.min.replace(tzinfo=dt.UTC)


def event_time(record: dict[str, Any]) -> dt.datetime | None:
    text = record.get("eventTime")
    if isinstance(text, dt.datetime):
        return text if text.tzinfo else text.replace(tzinfo=dt.UTC)
    if not isinstance(text, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def attribution(record: dict[str, Any], evidence: str) -> Attribution:
    """The record in words: who, what, when, from where."""
    found = record.get("userIdentity")
    identity: dict[str, Any] = found if isinstance(found, dict) else {}
    who = _principal(identity)
    service = str(record.get("eventSource") or "").removesuffix(".amazonaws.com")
    source, via = _source(record, identity)
    return Attribution.model_validate({
        **who, "api_call": f"{_clean(service)}:{_clean(str(record.get('eventName') or ''))}",
        "time": event_time(record) or dt.datetime.fromtimestamp(0, dt.UTC),
        "source": source, "via": via, "event_id": _clean(record.get("eventID")) or None,
        "evidence": evidence})


def _principal(identity: dict[str, Any]) -> dict[str, Any]:
    kind = str(identity.get("type") or "Unknown")
    arn = identity.get("arn") if isinstance(identity.get("arn"), str) else None
    out: dict[str, Any] = {"principal_type": _clean(kind), "arn": _clean(arn) or None}
    if kind == "AssumedRole" and arn:
        steps = arn.split(":", 5)[-1].split("/")  # assumed-role/Role/session
        role = steps[1] if len(steps) > 1 else ""
        session = steps[2] if len(steps) > 2 else None
        issuer = ((identity.get("sessionContext") or {}).get("sessionIssuer") or {})
        sso = _SSO_ROLE.match(role)
        out.update(role=_clean(role), session=_clean(session) or None, sso=bool(sso),
                   arn=_clean(issuer.get("arn")) or out["arn"])
        label = (f"SSO permission set {_clean(sso['set'])}" if sso
                 else f"role {_clean(role)}")
        out["principal"] = label + (f" (session {_clean(session)})" if session else "")
    elif kind == "IAMUser":
        out["principal"] = f"IAM user {_clean(identity.get('userName') or arn)}"
    elif kind == "Root":
        out["principal"] = "the account's root user"
    elif kind == "AWSService":
        out["principal"] = f"AWS service {_clean(identity.get('invokedBy'))}"
    elif kind == "FederatedUser" and arn:
        out["principal"] = f"federated user {_clean(arn.rsplit('/', 1)[-1])}"
    else:
        out["principal"] = f"{_clean(kind)} {_clean(arn or identity.get('principalId'))}".strip()
    return out


def _source(record: dict[str, Any], identity: dict[str, Any]) -> tuple[EventSource, str | None]:
    agent = str(record.get("userAgent") or "")
    invoked = identity.get("invokedBy")
    if (str(record.get("sessionCredentialFromConsole")).lower() == "true"
            or record.get("eventType") == "AwsConsoleAction" or agent in _CONSOLE_AGENTS
            or agent.startswith("console.")):
        return "console", None
    if identity.get("type") == "AWSService" or (invoked and agent == invoked) or (
            agent.endswith(".amazonaws.com") and " " not in agent):
        return "service", _clean(invoked or agent)[:60] or None
    if agent.startswith("aws-cli/"):
        return "cli", "aws-cli"
    if "Terraform" in agent:
        return "sdk", "Terraform"
    if agent:
        return "sdk", _clean(agent.split("/", 1)[0])[:40] or None
    return "unknown", None


def _clean(value: Any) -> str:
    """A value from the record, as reports may show it: printable, bounded."""
    return _PRINTABLE.sub("", str(value))[:200] if value is not None else ""
