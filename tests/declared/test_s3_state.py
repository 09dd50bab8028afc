"""Terraform state in S3, against moto's server: one key, a prefix, and globs of keys
(`s3://tf-states/ml/*.tfstate`, the README's example), read as local globs read files."""

from __future__ import annotations

import json
import re
from typing import Any

import boto3
import pytest

from driftguard.cli import main
from driftguard.declared.sources import SourceContext, declare
from driftguard.errors import InputError

BUCKET = "tf-states"
KEYS = ["ml/b.tfstate", "ml/a.tfstate", "ml/a.tfstate.backup", "ml/notes.txt",
        "ml/sub/c.tfstate", "ml/.old.tfstate", "mlx/d.tfstate", "data/e.tfstate"]


def _state(name: str) -> bytes:
    return json.dumps({"version": 4, "terraform_version": "1.7.0", "serial": 1,
                       "lineage": name, "resources": [{
                           "mode": "managed", "type": "aws_s3_bucket", "name": "b",
                           "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
                           "instances": [{"attributes": {"bucket": name, "id": name}}]}],
                       }).encode()


@pytest.fixture
def s3(aws: str) -> Any:
    client = boto3.client("s3")
    client.create_bucket(Bucket=BUCKET,
                         CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    client.put_object(Bucket=BUCKET, Key="ml/", Body=b"")  # a console "folder"
    for key in KEYS:
        client.put_object(Bucket=BUCKET, Key=key, Body=_state(key))
    return client


def _read(s3: Any, *specs: str) -> tuple[list[str], list[str]]:
    """(the origins read, the prefixes listed)."""
    prefixes: list[str] = []
    s3.meta.events.register("provide-client-params.s3.ListObjectsV2",
                            lambda params, **_: prefixes.append(params.get("Prefix", "")))
    declared = declare(list(specs), SourceContext(s3_client=lambda: s3))
    return [s.path for s in declared.summaries], prefixes


@pytest.mark.parametrize(("pattern", "keys"), [
    ("ml/*.tfstate", ["ml/a.tfstate", "ml/b.tfstate"]),  # in key order, not sub/, not .old
    ("ml/**/*.tfstate", ["ml/a.tfstate", "ml/b.tfstate", "ml/sub/c.tfstate"]),
    ("m*/*.tfstate", ["ml/a.tfstate", "ml/b.tfstate", "mlx/d.tfstate"]),
    ("ml/?.tfstate", ["ml/a.tfstate", "ml/b.tfstate"]),
    ("ml/[ab].tfstate", ["ml/a.tfstate", "ml/b.tfstate"]),
    ("*/*.tfstate", ["data/e.tfstate", "ml/a.tfstate", "ml/b.tfstate", "mlx/d.tfstate"]),
    ("ml/a.tfstate*", ["ml/a.tfstate", "ml/a.tfstate.backup"]),  # as a local glob would
])
def test_a_glob_of_keys_reads_what_it_matches_in_key_order(s3: Any, pattern: str,
                                                           keys: list[str]) -> None:
    origins, prefixes = _read(s3, f"s3://{BUCKET}/{pattern}")
    assert origins == [f"s3://{BUCKET}/{k}" for k in keys]
    # one listing, from the longest prefix before the first wildcard
    assert prefixes == [re.split(r"[*?[]", pattern)[0]]


def test_the_readmes_example_reads_each_state(s3: Any) -> None:
    declared = declare([f"s3://{BUCKET}/ml/*.tfstate"], SourceContext(s3_client=lambda: s3))
    assert sorted(r.id for r in declared.resources if r.id) == ["ml/a.tfstate", "ml/b.tfstate"]
    assert [s.kind for s in declared.summaries] == ["state", "state"]


def test_a_prefix_and_a_key_still_read_as_before(s3: Any) -> None:
    origins, prefixes = _read(s3, f"s3://{BUCKET}/ml/", f"s3://{BUCKET}/data/e.tfstate")
    assert origins == [f"s3://{BUCKET}/{k}" for k in
                       ["ml/.old.tfstate", "ml/a.tfstate", "ml/b.tfstate", "ml/sub/c.tfstate",
                        "data/e.tfstate"]]
    assert prefixes == ["ml/"]


@pytest.mark.parametrize("pattern", ["ml/*.tfplan", "nowhere/*.tfstate", "ml/*/*/*"])
def test_a_glob_that_matches_nothing_is_an_error_naming_it(s3: Any, pattern: str) -> None:
    with pytest.raises(InputError) as exc:
        _read(s3, f"s3://{BUCKET}/{pattern}")
    assert str(exc.value) == f"s3://{BUCKET}/{pattern}: no object matches this pattern"


def test_a_missing_key_is_still_no_such_key(s3: Any) -> None:
    with pytest.raises(InputError, match=r"^s3://tf-states/ml/c.tfstate: cannot read state: "
                                         r"NoSuchKey"):
        _read(s3, f"s3://{BUCKET}/ml/c.tfstate")


def test_a_glob_reads_every_page_of_the_listing(s3: Any) -> None:
    """Two keys a page: the keys that match sit on several pages of the listing."""
    pages: list[str] = []

    def small_pages(params: dict[str, Any], **_: Any) -> None:
        params["MaxKeys"] = 2
        pages.append(params.get("ContinuationToken", ""))

    s3.meta.events.register("provide-client-params.s3.ListObjectsV2", small_pages)
    origins, _ = _read(s3, f"s3://{BUCKET}/ml/**/*.tfstate")
    assert origins == [f"s3://{BUCKET}/{k}" for k in
                       ["ml/a.tfstate", "ml/b.tfstate", "ml/sub/c.tfstate"]]
    assert len(pages) == 4  # 7 keys under ml/ (and the folder marker), 2 a page


def test_the_readmes_scan_command_reads_the_glob(s3: Any, tmp_path: Any,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "scan.json"
    code = main(["scan", "--state", f"s3://{BUCKET}/ml/*.tfstate", "--region", "eu-west-1",
                 "--no-progress", "--format", "json", "--output", str(out)])
    assert code in (0, 1), capsys.readouterr().err
    report = json.loads(out.read_text())
    assert sorted(s["path"] for s in report["sources"]) == [
        f"s3://{BUCKET}/ml/a.tfstate", f"s3://{BUCKET}/ml/b.tfstate"]


def test_the_scan_command_on_a_glob_matching_nothing_exits_2_with_one_line(
        s3: Any, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["scan", "--state", f"s3://{BUCKET}/ml/*.tfplan", "--region", "eu-west-1",
                 "--no-progress"])
    assert (code, capsys.readouterr().err) == (
        2, f"driftguard: error: s3://{BUCKET}/ml/*.tfplan: no object matches this pattern\n")
