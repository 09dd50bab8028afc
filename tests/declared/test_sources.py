"""The Source seam: a location's scheme picks its kind; every kind loads into Declared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from driftguard.declared.sources import SourceContext, declare, open_sources
from driftguard.declared.sources.file import LocalFile
from driftguard.declared.sources.s3 import S3State
from driftguard.errors import InputError

STATE = {"version": 4, "terraform_version": "1.7.0", "serial": 1, "lineage": "x",
         "resources": []}


def test_a_scheme_picks_its_kind_and_anything_else_is_a_path(tmp_path: Path) -> None:
    context = SourceContext(s3_client=lambda: None)
    assert open_sources("s3://bucket/state.tfstate", context) == [
        S3State("s3://bucket/state.tfstate", context.s3_client)]
    for name in ("plan.json", "https://example.com/plan.json"):
        assert open_sources(name, context) == [LocalFile(name)]


def test_a_glob_is_one_source_per_file_in_order(tmp_path: Path) -> None:
    for name in ("b.tfstate", "a.tfstate"):
        (tmp_path / name).write_text(json.dumps(STATE))
    sources = open_sources(str(tmp_path / "*.tfstate"), SourceContext())
    assert [s.origin for s in sources] == [str(tmp_path / "a.tfstate"),
                                           str(tmp_path / "b.tfstate")]
    declared = declare([str(tmp_path / "*.tfstate")], SourceContext())
    assert [(s.path, s.kind) for s in declared.summaries] == [
        (str(tmp_path / "a.tfstate"), "state"), (str(tmp_path / "b.tfstate"), "state")]
    assert not declared.not_checked and not declared.owns_unread(None)  # type: ignore[arg-type]


def test_s3_without_aws_access_is_an_input_error() -> None:
    with pytest.raises(InputError, match="S3 state needs AWS access"):
        declare(["s3://bucket/key.tfstate"], SourceContext())
