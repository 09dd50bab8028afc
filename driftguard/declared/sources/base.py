"""The Source seam: what every declared input is, and what loading one gives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from driftguard.locations import DEFAULT_MAX_INPUT_MB, MB, S3Client
from driftguard.model import NotChecked, Resource, SourceSummary, Stack, TerraformDrift


class Clients(Protocol):
    """Makes boto3 clients (a collect.clients.ClientFactory, or a test's stub)."""

    def client(self, service: str, region: str | None = None) -> Any: ...


@dataclass(frozen=True)
class SourceContext:
    """What loading may need, injected: an S3 client (made only when an s3:// source is
    read), the CloudFormation parameters that `driftguard check` was given, and the
    largest input to read (bytes; the config's max_input_mb)."""

    s3_client: S3Client | None = None
    cfn_parameters: dict[str, str] | None = None
    max_input_bytes: int = DEFAULT_MAX_INPUT_MB * MB


@dataclass
class Declared:
    """What sources declare: resources, one summary per file, object or stack read, and
    the sources that could not be read (deployed stacks report them instead of failing)."""

    resources: list[Resource] = field(default_factory=list)
    summaries: list[SourceSummary] = field(default_factory=list)
    not_checked: list[NotChecked] = field(default_factory=list)
    stacks: list[Stack] = field(default_factory=list)  # for CloudFormation's drift detection
    # Each says whether a live resource belongs to a source that could not be read.
    unread_owners: list[Callable[[Resource], bool]] = field(default_factory=list)
    # What plans say changed outside Terraform since the last apply (`check` reports it).
    terraform_drift: list[TerraformDrift] = field(default_factory=list)

    def extend(self, other: Declared) -> None:
        self.resources.extend(other.resources)
        self.summaries.extend(other.summaries)
        self.not_checked.extend(other.not_checked)
        self.stacks.extend(other.stacks)
        self.unread_owners.extend(other.unread_owners)
        self.terraform_drift.extend(other.terraform_drift)

    def owns_unread(self, live: Resource) -> bool:
        """A live resource of a source that could not be read is neither managed nor
        unmanaged: that source's gap is reported instead."""
        return any(owns(live) for owns in self.unread_owners)


class Source(Protocol):
    """One declared input. `origin` is what the user named (a path, a URL, stack
    patterns); `load` reads it, raising InputError when it cannot be used."""

    @property
    def origin(self) -> str: ...

    def load(self) -> Declared: ...
