"""The canonical model shared by every stage: Resource in, Finding out.

See docs/canonical-model.md for the contract that policies read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import IntEnum
from typing import Any, Literal

from pydantic import BaseModel, Field

Source = Literal["plan", "state", "cloudformation", "live"]

# What every output shows in place of a sensitive value (masked when a source is read).
MASK = "(sensitive)"
# What drift shows in place of a declared or live value that reports do not show: the
# attribute's spec does not mark it safe to show, and the scan was not asked --show-values.
HIDDEN = "(not shown)"


class Severity(IntEnum):
    info = 0
    low = 1
    medium = 2
    high = 3
    critical = 4

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().lower()]
        except KeyError:
            names = ", ".join(s.name for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of: {names})") from None


class Resource(BaseModel):
    """One resource, from any source, in canonical form."""

    type: str
    id: str | None = None
    address: str
    source: Source
    origin: str = Field(description="the file or URL that declared it, or 'live'")
    account: str | None = None
    region: str | None = None
    action: str | None = Field(default=None, description="plan action: create, update, ...")
    attributes: dict[str, Any] = Field(default_factory=dict)
    raw: dict[str, Any] = Field(default_factory=dict)
    unknown: list[str] = Field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.origin}#{self.address}"

    @classmethod
    def trusted(cls, **fields: Any) -> Resource:
        """A Resource of fields the loaders built (every one given), without validation:
        what model_construct makes, at a third of its cost (it looks up each field's
        aliases and default; 15,000 resources: 0.03 s instead of 0.07 s). A test holds it
        to model_construct's result."""
        if fields.keys() != _RESOURCE_FIELDS:  # a field left to its default
            return cls.model_construct(**fields)
        resource = cls.__new__(cls)
        object.__setattr__(resource, "__dict__", fields)
        object.__setattr__(resource, "__pydantic_fields_set__", set(fields))
        object.__setattr__(resource, "__pydantic_extra__", None)
        object.__setattr__(resource, "__pydantic_private__", None)
        return resource

    def policy_input(self) -> dict[str, Any]:
        """The object policies see (docs/canonical-model.md)."""
        return {
            "key": self.key,
            "type": self.type,
            "id": self.id,
            "address": self.address,
            "source": self.source,
            "action": self.action,
            "account": self.account,
            "region": self.region,
            "attributes": self.attributes,
            "unknown": self.unknown,
        }


_RESOURCE_FIELDS = frozenset(Resource.model_fields)


class Rule(BaseModel):
    """A policy rule's metadata, read from its `# METADATA` block."""

    id: str
    package: str
    title: str
    severity: Severity
    description: str = ""
    remediation: str = ""
    file: str = ""
    references: dict[str, list[str]] = Field(default_factory=dict)  # checkov: [CKV_AWS_19]


class WaiverRef(BaseModel):
    """The waiver that covers a finding (or a stale one, in the result)."""

    rule: str
    resource: str
    reason: str
    owner: str
    expires: date
    expired: bool


class Declaration(BaseModel, frozen=True):  # the findings of one resource share it
    """Where the code declares a resource: a plan, a state, a template or a deployed stack
    (docs/json-report.md `why.declared_by`)."""

    source: Source
    origin: str = Field(description="the file, s3:// URL or cloudformation://region/stack")
    address: str = Field(description="the Terraform address, or the stack/logical id")
    module: str | None = Field(default=None, description="Terraform: the module path of "
                               "the address (`module.net`); None in the root module")
    stack: str | None = Field(default=None, description="a deployed stack's name")
    logical_id: str | None = Field(default=None, description="CloudFormation: the logical id")


EventSource = Literal["console", "cli", "sdk", "service", "unknown"]


class Attribution(BaseModel):
    """Who most likely made a drift: the CloudTrail event that created, changed or deleted
    the resource (attribution.py reads it; docs/json-report.md `why.changed_by`)."""

    principal: str = Field(description="who, in words: `role Admin (session alice)`")
    principal_type: str = Field(description="CloudTrail's userIdentity.type: AssumedRole, "
                                "IAMUser, Root, AWSService, ...")
    arn: str | None = Field(default=None, description="the user's or the role's ARN")
    role: str | None = None
    session: str | None = Field(default=None, description="an assumed role's session name "
                                "(an SSO user's name)")
    sso: bool = Field(default=False, description="a role of IAM Identity Center (SSO)")
    api_call: str = Field(description="`ec2:ModifyInstanceAttribute`")
    time: datetime
    source: EventSource = Field(description="where the call came from")
    via: str | None = Field(default=None, description="the tool or service: aws-cli, Boto3, "
                            "Terraform, autoscaling.amazonaws.com")
    event_id: str | None = None
    evidence: Literal["lookup_events", "trail_logs"]


class Why(BaseModel):
    """Why a finding is there, beyond its rule: the code that declares its resource, since
    when it is open, and who made its drift. The waiver that covers it is the finding's own
    `waiver`."""

    declared_by: list[Declaration] = Field(default_factory=list)
    first_seen: datetime | None = Field(default=None, description="when the finding history "
                                        "first saw it open (the daemon's, or scan --history)")
    changed_by: Attribution | None = Field(default=None, description="drift: the most likely "
                                           "CloudTrail event (scan.attribution)")
    unattributed: str | None = Field(default=None, description="drift: why attribution found "
                                     "no event (none names the resource, or it failed)")


class Finding(BaseModel):
    """A policy violation on one resource."""

    rule_id: str
    title: str
    severity: Severity
    level: Literal["deny", "warn"]
    message: str
    resource_address: str
    resource_type: str
    origin: str
    source: Source | None = None
    unknown: bool = Field(default=False, description="the value is unknown until apply")
    remediation: str = ""
    waiver: WaiverRef | None = None
    account: str | None = Field(default=None, description="live findings: where it is")
    region: str | None = None
    # What people call the resource, for the text report (not in the JSON report): its live
    # id (`i-...`, a bucket's name) and its Name tag, when known; whether AWS made it by
    # itself (the default VPC's subnets and security groups, ...).
    resource_id: str | None = None
    resource_name: str | None = None
    aws_default: bool = False
    why: Why = Field(default_factory=Why)

    @property
    def waived(self) -> bool:
        return self.waiver is not None and not self.waiver.expired

    @property
    def fingerprint(self) -> str:
        """Its identity across scans: rule, file and resource, where the resource is
        (account and region: live addresses such as an account setting's region repeat
        from account to account), and for a finding that names no resource (a
        conftest-style policy's message on a file), its message."""
        parts = ["violation", self.rule_id, self.origin, self.resource_address]
        if self.account or self.region:
            parts += [self.account or "", self.region or ""]
        if not self.resource_address:
            parts.append(self.message)
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def finding_order(finding: Finding) -> tuple[int, str, str, str]:
    """The order findings are listed in, wherever they are listed: most severe first, then
    by rule, resource and message."""
    return (-finding.severity, finding.rule_id, finding.resource_address, finding.message)


DriftKind = Literal["unmanaged", "missing", "changed"]
ResultKind = Literal["check", "scan"]
KIND_ORDER: dict[str, int] = {"missing": 0, "changed": 1, "unmanaged": 2}
# The rule each drift class is reported under (drift/findings.py has their metadata).
DRIFT_RULE_IDS: dict[DriftKind, str] = {"missing": "DG-DRIFT-001", "changed": "DG-DRIFT-002",
                                        "unmanaged": "DG-DRIFT-003"}
KIND_OF_RULE: dict[str, DriftKind] = {rule_id: kind for kind, rule_id in DRIFT_RULE_IDS.items()}


class AttributeChange(BaseModel):
    attribute: str
    declared: Any
    live: Any


class Drift(BaseModel):
    """One resource out of sync with the code."""

    kind: DriftKind
    type: str
    id: str | None
    address: str = Field(description="declared address; the live id for unmanaged resources")
    origin: str | None = Field(default=None, description="the file that declares it")
    account: str | None = None
    region: str | None = None
    changes: list[AttributeChange] = Field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        parts = ("drift", self.kind, self.type, self.account or "", self.region or "",
                 self.id or self.address)
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def drift_order(drift: Drift) -> tuple[int, str, str, str]:
    """The order drift is listed in, wherever it is listed: missing, changed, unmanaged,
    then by type, id and address."""
    return (KIND_ORDER[drift.kind], drift.type, drift.id or "", drift.address)


class NotChecked(BaseModel):
    """A type that could not be collected: its resources are neither missing nor in sync."""

    type: str
    account: str | None = None
    region: str | None = None
    operation: str
    reason: str

    def covers(self, resource: Resource) -> bool:
        return self.covers_where(resource.type, resource.account, resource.region)

    def covers_where(self, rtype: str, account: str | None, region: str | None) -> bool:
        """Type "*" is a whole unit (account and region) that could not be read."""
        return (
            self.type in ("*", rtype)
            and (self.region is None or region in (None, self.region))
            and (self.account is None or account in (None, self.account))
        )


class Coverage(BaseModel):
    type: str
    managed: int
    unmanaged: int

    @property
    def ratio(self) -> float | None:
        total = self.managed + self.unmanaged
        return self.managed / total if total else None


class SourceSummary(BaseModel):
    path: str
    kind: str  # plan, state
    resources: int


STACK_TYPE = "aws_cloudformation_stack"  # Terraform's name, for a stack's not-checked entries


@dataclass
class Stack:
    """A deployed CloudFormation stack that declared resources (declared/sources/stacks.py),
    as CloudFormation's own drift detection needs it (collect/stack_drift.py)."""

    name: str
    stack_id: str
    region: str
    account: str | None
    origin: str
    logical_types: dict[str, str] = field(default_factory=dict)  # logical id -> CFN type


@dataclass
class TerraformDrift:
    """What a plan's `resource_drift` says changed outside Terraform since the last apply
    (declared/terraform.py), as drift/plan.py compares it: the plan's resources as the last
    apply left them (`before`), and as Terraform's refresh read them (`after`; a resource
    deleted outside Terraform is not there)."""

    origin: str
    before: list[Resource]
    after: list[Resource]
    # Address -> Terraform attributes (top-level names) whose sensitive values changed:
    # masked, both sides read the same, so the comparison cannot see it.
    sensitive_changes: dict[str, set[str]] = field(default_factory=dict)


class CheckResult(BaseModel):
    """The outcome of `driftguard check` (policies on declared resources) or of
    `driftguard scan` (drift between declared and live, and policies on live resources;
    drift is also in `findings`, as DG-DRIFT-* rules, so every report format shows it)."""

    kind: ResultKind = "check"
    sources: list[SourceSummary]
    resources: int
    rules: list[Rule]
    findings: list[Finding]
    fail_on: Severity
    # Of `resources`, those of types no rule reads (not in the catalog, or no rule reads
    # their attributes), by type: the gate does not understand them.
    unread_types: dict[str, int] = Field(default_factory=dict)
    stale_waivers: list[WaiverRef] = Field(default_factory=list)
    drifts: list[Drift] = Field(default_factory=list)
    coverage: list[Coverage] = Field(default_factory=list)
    # scan: declared resources of types the catalog cannot collect (no spec), by type:
    # neither managed nor unmanaged, their drift is not judged.
    not_collectable: dict[str, int] = Field(default_factory=dict)
    not_checked: list[NotChecked] = Field(default_factory=list)
    api_calls: dict[str, int] = Field(default_factory=dict)  # "service:Operation" -> count
    api_throttles: dict[str, int] = Field(default_factory=dict)
    account: str | None = Field(default=None, description="scan: the account scanned")
    regions: list[str] = Field(default_factory=list)
    units: list[str] = Field(default_factory=list, description="scan: account/region pairs")
    timings: dict[str, float] = Field(default_factory=dict)
    read_nothing: bool = Field(default=False, description="scan: nothing at all could be read "
                               "from AWS (the account, and every type in every region): a "
                               "failed scan")
    scanned_at: datetime | None = Field(default=None, description="when the run read its "
                                        "inputs (UTC); merged: the latest")

    @property
    def incomplete(self) -> bool:
        return bool(self.not_checked)

    @property
    def unread(self) -> int:
        """Resources of types no rule reads."""
        return sum(self.unread_types.values())

    def failing(self) -> list[Finding]:
        """Deny findings at or above the threshold, not waived: these fail the gate."""
        return [
            f for f in self.findings
            if f.level == "deny" and f.severity >= self.fail_on and not f.waived
        ]
