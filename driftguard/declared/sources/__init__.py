"""Declared sources: every declared input is a Source with an origin, and every resource
remembers the source that declared it (its `origin`).

One module per kind of source. A kind named by a location defines `SCHEME` (`s3` for
`s3://...`; `""` for paths and globs) and `sources(location, context) -> list[Source]`;
adding one (Terraform Cloud, an HTTP backend) means adding its module here, nothing else.
Deployed CloudFormation stacks (`stacks.py`) are named by stack patterns and regions, not by
a location: the scan makes their source itself.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from functools import cache

from driftguard.declared.sources.base import Declared, Source, SourceContext
from driftguard.declared.sources.file import load_file
from driftguard.documents import TOO_DEEP
from driftguard.errors import InputError
from driftguard.locations import S3Client
from driftguard.model import Resource, SourceSummary

__all__ = ["Declared", "S3Client", "Source", "SourceContext", "declare", "load_all",
           "load_file", "open_sources"]

_NOT_KINDS = {"base"}
Opener = Callable[[str, SourceContext], list[Source]]


@cache
def _openers() -> dict[str, Opener]:
    """Scheme -> the kind's `sources`, for every module here that defines SCHEME."""
    found: dict[str, Opener] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name in _NOT_KINDS:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        scheme = getattr(module, "SCHEME", None)
        if scheme is not None:
            found[scheme] = module.sources
    return found


def open_sources(spec: str, context: SourceContext) -> list[Source]:
    """The sources a location names: its scheme's kind (`s3://...`), else files (a path or
    a glob; an unknown scheme is read as a path, and fails as one)."""
    scheme, sep, _ = spec.partition("://")
    openers = _openers()
    opener = openers[scheme] if sep and scheme in openers else openers[""]
    return opener(spec, context)

def declare(specs: Iterable[str], context: SourceContext) -> Declared:
    """Every source that `specs` name, loaded in order (one location at a time, so the
    first unusable one is the error)."""
    out = Declared()
    for spec in specs:
        for source in open_sources(spec, context):
            try:
                out.extend(source.load())
            except RecursionError:  # a walk (masking, folds, intrinsics) went too deep
                raise InputError(source.origin, TOO_DEEP) from None
    return out


def load_all(specs: list[str], s3_client: S3Client | None = None,
             cfn_parameters: dict[str, str] | None = None) -> tuple[
    list[Resource], list[SourceSummary]
]:
    """(resources, summaries) of the paths, globs and S3 URLs `specs` name."""
    declared = declare(specs, SourceContext(s3_client, cfn_parameters))
    return declared.resources, declared.summaries
