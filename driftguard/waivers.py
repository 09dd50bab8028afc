"""Waivers: reviewed exceptions with an owner, a reason and an expiry date.

A waived finding is still reported (marked waived, counted), it just stops failing the
gate. An expired waiver waives nothing and the report says it expired. A waiver that
matches no finding is stale and reported as such, so the file does not rot.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from driftguard.documents import decode, load_yaml
from driftguard.errors import InputError
from driftguard.globs import Glob
from driftguard.locations import read_file
from driftguard.model import Finding, WaiverRef


class Waiver(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str = Field(description="rule id; * and ? are wildcards")
    resource: str = Field(description="resource address; * and ? are wildcards, [ ] literal")
    reason: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    expires: dt.date

    @cached_property
    def _patterns(self) -> tuple[Glob, Glob]:
        return Glob(self.rule), Glob(self.resource)

    def matches(self, finding: Finding) -> bool:
        rule, resource = self._patterns
        return rule.matches(finding.rule_id) and resource.matches(finding.resource_address)

    def ref(self, today: dt.date) -> WaiverRef:
        return WaiverRef(rule=self.rule, resource=self.resource, reason=self.reason,
                         owner=self.owner, expires=self.expires, expired=self.expires < today)


class WaiverFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    waivers: list[Waiver] = Field(default_factory=list)


def load_waivers(path: Path) -> list[Waiver]:
    raw = load_yaml(path, decode(path, read_file(path, "cannot read waivers")))
    try:
        return WaiverFile.model_validate(raw or {}).waivers
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise InputError(path, f"{loc}: {err['msg']}") from None


def apply_waivers(findings: list[Finding], waivers: list[Waiver], today: dt.date) -> list[
    WaiverRef
]:
    """Attach the matching waiver to each finding; return the stale waivers.

    An active waiver wins over an expired one for the same finding.
    """
    used: set[int] = set()
    for finding in findings:
        matching = [(i, w) for i, w in enumerate(waivers) if w.matches(finding)]
        if not matching:
            continue
        used.update(i for i, _ in matching)
        active = [w for _, w in matching if w.expires >= today]
        finding.waiver = (active[0] if active else matching[0][1]).ref(today)
    return [w.ref(today) for i, w in enumerate(waivers) if i not in used]
