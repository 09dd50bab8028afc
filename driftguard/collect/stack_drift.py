"""CloudFormation's own drift detection (`--cfn-native-drift`): AWS's verdicts, as Drift.

DetectStackDrift starts a detection per stack (all stacks first: AWS runs them side by
side), DescribeStackDriftDetectionStatus is polled with exponential backoff, and
DescribeStackResourceDrifts gives AWS's verdict per resource: MODIFIED (with property
differences) becomes "changed", DELETED becomes "missing". A resource AWS could not check
(UNKNOWN, NOT_CHECKED), a failed or timed-out detection, and throttling past retries become
"not checked", like any collector failure. Types AWS does not support (UNSUPPORTED) are
simply not in its verdict. drift/native.py merges the verdicts into driftguard's drift.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from driftguard.aws_errors import reason
from driftguard.catalog import cfn_resource_id, cfn_spec_for
from driftguard.model import STACK_TYPE, AttributeChange, Drift, DriftKind, NotChecked, Stack

VERDICTS = ["MODIFIED", "DELETED", "UNKNOWN", "NOT_CHECKED"]
FIRST_DELAY, MAX_DELAY, MAX_WAIT = 1.0, 30.0, 600.0


def _tf_type(cfn_type: str, expected: Any = None) -> str:
    """The catalog's type for a CloudFormation resource (its type, and the properties its
    template expects, which tell types that share one apart), else the CloudFormation
    type."""
    properties = _value(expected)
    spec = cfn_spec_for(cfn_type, properties if isinstance(properties, dict) else None)
    return spec.tf_type if spec else cfn_type


def native_drift(clients: Any, stacks: list[Stack],
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic, max_wait: float = MAX_WAIT
                 ) -> tuple[list[Drift], list[NotChecked]]:
    """(AWS's verdicts as drift, the stacks or resources not checked).

    `clients` has `.client(service, region)` (a collect.clients.ClientFactory)."""
    gaps: list[NotChecked] = []
    started: list[tuple[Stack, Any, str]] = []
    for stack in stacks:
        client = clients.client("cloudformation", stack.region)
        try:
            detection = client.detect_stack_drift(StackName=stack.stack_id)
            started.append((stack, client, detection["StackDriftDetectionId"]))
        except (ClientError, BotoCoreError) as exc:
            gaps.append(_gap(stack, "DetectStackDrift", reason(exc)))
    found: list[Drift] = []
    for stack, client, detection_id in started:
        try:
            problem = _wait(client, detection_id, sleep, clock, max_wait)
            if problem is not None:
                gaps.append(_gap(stack, "DescribeStackDriftDetectionStatus", problem))
                if problem.startswith("timed out"):
                    continue
            found.extend(_verdicts(client, stack, gaps))
        except (ClientError, BotoCoreError) as exc:
            operation = getattr(exc, "operation_name", None) or "DescribeStackResourceDrifts"
            gaps.append(_gap(stack, operation, reason(exc)))
    return found, gaps


def _gap(stack: Stack, operation: str, reason: str) -> NotChecked:
    return NotChecked(type=STACK_TYPE, account=stack.account, region=stack.region,
                      operation=operation, reason=f"stack {stack.name}: {reason}")


def _wait(client: Any, detection_id: str, sleep: Callable[[float], None],
          clock: Callable[[], float], max_wait: float) -> str | None:
    """None when the detection completed; else why its result is partial or missing."""
    deadline, delay = clock() + max_wait, FIRST_DELAY
    while True:
        status = client.describe_stack_drift_detection_status(
            StackDriftDetectionId=detection_id)
        state = status["DetectionStatus"]
        if state == "DETECTION_COMPLETE":
            return None
        if state == "DETECTION_FAILED":  # some resources failed: the rest is still read
            return f"drift detection failed: {status.get('DetectionStatusReason', '')}".strip()
        if clock() + delay > deadline:
            return f"timed out after {max_wait:.0f}s waiting for drift detection"
        sleep(delay)
        delay = min(delay * 2, MAX_DELAY)


def _verdicts(client: Any, stack: Stack, gaps: list[NotChecked]) -> list[Drift]:
    out: list[Drift] = []
    params: dict[str, Any] = {"StackName": stack.stack_id,
                              "StackResourceDriftStatusFilters": VERDICTS}
    while True:
        page = client.describe_stack_resource_drifts(**params)
        for item in page.get("StackResourceDrifts", []):
            status, logical = item["StackResourceDriftStatus"], item["LogicalResourceId"]
            tf_type = _tf_type(item["ResourceType"], item.get("ExpectedProperties"))
            if status in ("UNKNOWN", "NOT_CHECKED"):
                reason = item.get("DriftStatusReason") or f"AWS reports {status}"
                gaps.append(NotChecked(type=tf_type, account=stack.account,
                                       region=stack.region, operation="DetectStackDrift",
                                       reason=f"{stack.name}/{logical}: {reason}"))
                continue
            kind: DriftKind = "missing" if status == "DELETED" else "changed"
            changes = [AttributeChange(attribute=d["PropertyPath"],
                                       declared=_value(d.get("ExpectedValue")),
                                       live=_value(d.get("ActualValue")))
                       for d in item.get("PropertyDifferences", [])] if kind == "changed" else []
            expected = _value(item.get("ExpectedProperties"))
            ident = cfn_resource_id(item["ResourceType"], item.get("PhysicalResourceId"),
                                    expected if isinstance(expected, dict) else None)
            out.append(Drift(kind=kind, type=tf_type, id=ident,
                             address=f"{stack.name}/{logical}", origin=stack.origin,
                             account=stack.account, region=stack.region, changes=changes))
        if not page.get("NextToken"):
            return out
        params["NextToken"] = page["NextToken"]


def _value(text: Any) -> Any:
    """Expected/ActualValue are JSON texts ("true", "\"t3.large\"", objects)."""
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text

