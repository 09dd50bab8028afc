"""Terraform state in S3: `s3://bucket/key`, or every `.tfstate` object under a prefix
ending in `/` (one summary per object, each object its own origin)."""

from __future__ import annotations

from dataclasses import dataclass

from driftguard.declared import terraform
from driftguard.declared.sources.base import Declared, Source, SourceContext
from driftguard.errors import InputError
from driftguard.locations import DEFAULT_MAX_INPUT_MB, MB, S3Client, read_s3
from driftguard.model import SourceSummary

SCHEME = "s3"


def sources(url: str, context: SourceContext) -> list[Source]:
    return [S3State(url, context.s3_client, context.max_input_bytes)]


@dataclass(frozen=True)
class S3State:
    origin: str
    s3_client: S3Client | None = None
    max_input_bytes: int = DEFAULT_MAX_INPUT_MB * MB

    def load(self) -> Declared:
        if self.s3_client is None:
            raise InputError(self.origin, "S3 state needs AWS access (run `driftguard scan`)")
        out = Declared()
        for origin, body in read_s3(self.origin, self.s3_client, ".tfstate", "state",
                                    self.max_input_bytes):
            kind, found = terraform.load_bytes(origin, body)
            out.resources.extend(found)
            out.summaries.append(SourceSummary(path=origin, kind=kind, resources=len(found)))
        return out
