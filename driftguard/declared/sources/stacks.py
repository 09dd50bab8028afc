"""Deployed CloudFormation stacks as declared sources of the scan.

For each stack whose name matches `scan.stacks` (names or globs, `*` for all) in each
region: its processed template (GetTemplate), its parameters (DescribeStacks) and its
resources (ListStackResources: logical id -> physical id). The template is mapped as for
`driftguard check`, with the parameters' real values and the physical ids, so each declared
resource carries its live id and the address `stack/LogicalId`. A stack that cannot be read
is reported as not checked, never as an empty stack.

The boto3 clients are injected (anything with `.client(service, region)`).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from driftguard.aws_errors import reason
from driftguard.declared import cloudformation
from driftguard.declared.cloudformation import template
from driftguard.declared.sources.base import Clients, Declared
from driftguard.errors import InputError
from driftguard.model import STACK_TYPE, NotChecked, Resource, SourceSummary, Stack

__all__ = ["STACK_TYPE", "DeployedStacks", "Stack", "load_stacks", "matches", "origin_of"]

# Stacks with nothing deployed (a change set under review, a rolled-back create, deleted).
NOTHING_DEPLOYED = {"REVIEW_IN_PROGRESS", "ROLLBACK_COMPLETE", "DELETE_COMPLETE",
                    "DELETE_IN_PROGRESS", "CREATE_FAILED"}
GONE = {"DELETE_COMPLETE"}
STACK_NAME_TAG = "aws:cloudformation:stack-name"  # CloudFormation tags what it creates


@dataclass
class StackSources:
    """What the stacks declared, and which of them (or which regions' listings) failed."""

    resources: list[Resource] = field(default_factory=list)
    summaries: list[SourceSummary] = field(default_factory=list)
    not_checked: list[NotChecked] = field(default_factory=list)
    stacks: list[Stack] = field(default_factory=list)
    unread: set[str] = field(default_factory=set)  # stacks whose template could not be read
    unlisted: set[str] = field(default_factory=set)  # regions whose stacks could not be listed
    patterns: list[str] = field(default_factory=list)

    def owns_unread(self, live: Resource) -> bool:
        """A live resource of a stack that could not be read is neither managed nor
        unmanaged: its stack's gap is reported instead."""
        name = (live.attributes.get("tags") or {}).get(STACK_NAME_TAG)
        if not isinstance(name, str):
            return False
        listing_failed = live.region in self.unlisted or (live.region is None and
                                                          bool(self.unlisted))
        return name in self.unread or (listing_failed and matches(name, self.patterns))


def origin_of(region: str, name: str) -> str:
    return f"cloudformation://{region}/{name}"


def matches(name: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


@dataclass(frozen=True)
class DeployedStacks:
    """The stacks whose names match `patterns` in `regions`, as one declared source."""

    clients: Clients
    patterns: list[str]
    regions: list[str]

    @property
    def origin(self) -> str:
        return ", ".join(self.patterns)

    def load(self) -> Declared:
        found = load_stacks(self.clients, self.patterns, self.regions)
        return Declared(resources=found.resources, summaries=found.summaries,
                        not_checked=found.not_checked, stacks=found.stacks,
                        unread_owners=[found.owns_unread])


def load_stacks(clients: Clients, patterns: list[str], regions: list[str]) -> StackSources:
    from botocore.exceptions import BotoCoreError, ClientError

    out = StackSources(patterns=patterns)
    for region in regions:
        client = clients.client("cloudformation", region)
        try:
            found = [s for page in client.get_paginator("describe_stacks").paginate()
                     for s in page.get("Stacks", [])]
        except (ClientError, BotoCoreError) as exc:
            out.not_checked.append(NotChecked(type=STACK_TYPE, region=region,
                                              operation="DescribeStacks", reason=reason(exc)))
            out.unlisted.add(region)
            continue
        for summary in found:
            if summary.get("StackStatus") in NOTHING_DEPLOYED:
                continue
            if not matches(summary["StackName"], patterns):
                continue
            _load_one(client, region, summary, out)
    return out


def _load_one(client: Any, region: str, summary: dict[str, Any], out: StackSources) -> None:
    from botocore.exceptions import BotoCoreError, ClientError

    name, stack_id = summary["StackName"], summary["StackId"]
    account = stack_id.split(":")[4] if stack_id.startswith("arn:") else None
    origin = origin_of(region, name)
    operation = "GetTemplate"
    try:
        body = client.get_template(StackName=stack_id, TemplateStage="Processed")[
            "TemplateBody"]
        operation = "ListStackResources"
        listed = [r for page in client.get_paginator("list_stack_resources").paginate(
            StackName=stack_id) for r in page.get("StackResourceSummaries", [])]
    except (ClientError, BotoCoreError) as exc:
        out.not_checked.append(NotChecked(type=STACK_TYPE, account=account, region=region,
                                          operation=operation,
                                          reason=f"stack {name}: {reason(exc)}"))
        out.unread.add(name)
        return
    physical = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in listed
                if r.get("PhysicalResourceId") and r.get("ResourceStatus") not in GONE}
    given = {p["ParameterKey"]: p.get("ResolvedValue", p.get("ParameterValue", ""))
             for p in summary.get("Parameters", [])}
    given["AWS::StackId"] = stack_id
    context = cloudformation.StackContext(name=name, region=region, account=account,
                                          physical=physical)
    try:
        doc = body if isinstance(body, dict) else _parse(origin, body)
        resources = cloudformation.load_document(origin, doc, given, context)
    except InputError as exc:
        out.not_checked.append(NotChecked(type=STACK_TYPE, account=account, region=region,
                                          operation="GetTemplate",
                                          reason=f"stack {name}: template not understood: "
                                                 f"{exc.problem}"))
        out.unread.add(name)
        return
    out.resources.extend(resources)
    out.summaries.append(SourceSummary(path=origin, kind="cloudformation stack",
                                       resources=len(resources)))
    out.stacks.append(Stack(name=name, stack_id=stack_id, region=region, account=account,
                            origin=origin,
                            logical_types={r["LogicalResourceId"]: r["ResourceType"]
                                           for r in listed}))


def _parse(origin: str, body: str) -> Any:
    data = body.encode()
    if body.lstrip().startswith("{"):
        return template.parse_json(origin, data)
    return template.parse_yaml(origin, data)
