"""Where declared sources come from: files, globs and S3 backends (`s3://bucket/key`).

Every resource remembers the source that declared it (its `origin`).
"""

from __future__ import annotations

import glob
from collections.abc import Callable
from pathlib import Path
from typing import Any

from driftguard.declared import cloudformation, terraform
from driftguard.declared.files import detect, parse_json, read_bytes
from driftguard.errors import InputError
from driftguard.model import Resource, SourceSummary

S3Client = Callable[[], Any]  # returns a boto3 S3 client, made only when needed


def expand(spec: str) -> list[str]:
    """A path, a glob (`states/**/*.tfstate`) or an s3:// URL, as a list of sources."""
    if spec.startswith("s3://"):
        return [spec]
    if any(ch in spec for ch in "*?["):
        matches = sorted(glob.glob(spec, recursive=True))
        if not matches:
            raise InputError(spec, "no file matches this pattern")
        return matches
    return [spec]


def load_file(path: Path, cfn_parameters: dict[str, str] | None = None) -> tuple[
    str, list[Resource]
]:
    """(kind, resources) of a Terraform plan or state, or a CloudFormation template."""
    data, origin = read_bytes(path), str(path)
    if cloudformation.is_yaml_file(path, data):
        return "cloudformation", cloudformation.load_bytes(origin, data, cfn_parameters)
    doc = parse_json(origin, data)
    if detect(origin, doc) == "cloudformation":  # parsed again: duplicate keys are errors
        return "cloudformation", cloudformation.load_bytes(origin, data, cfn_parameters,
                                                           yaml_text=False)
    return terraform.load_document(origin, doc)


def load_all(specs: list[str], s3_client: S3Client | None = None,
             cfn_parameters: dict[str, str] | None = None) -> tuple[
    list[Resource], list[SourceSummary]
]:
    resources: list[Resource] = []
    summaries: list[SourceSummary] = []
    for spec in specs:
        for source in expand(spec):
            if source.startswith("s3://"):
                loaded = _load_s3(source, s3_client)
            else:
                loaded = [(source, load_file(Path(source), cfn_parameters))]
            for origin, (kind, found) in loaded:
                resources.extend(found)
                summaries.append(SourceSummary(path=origin, kind=kind, resources=len(found)))
    return resources, summaries


def _load_s3(url: str, s3_client: S3Client | None) -> list[tuple[str, tuple[str, list[Resource]]]]:
    """One object, or every `.tfstate` under a prefix ending in `/`."""
    if s3_client is None:
        raise InputError(url, "S3 state needs AWS access (run `driftguard scan`)")
    return [(origin, terraform.load_bytes(origin, body))
            for origin, body in read_s3(url, s3_client, ".tfstate", "state")]


def read_s3(url: str, s3_client: S3Client, suffix: str, what: str) -> list[tuple[str, bytes]]:
    """(`s3://bucket/key`, body) of one object, or of every object under a prefix ending in
    `/` whose key ends in `suffix`, in key order; `what` names the content in errors."""
    from botocore.exceptions import BotoCoreError, ClientError

    bucket, _, key = url.removeprefix("s3://").partition("/")
    if not bucket or not key:
        raise InputError(url, "expected s3://BUCKET/KEY or s3://BUCKET/PREFIX/")
    client = s3_client()
    try:
        if key.endswith("/"):
            pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=key)
            keys = [o["Key"] for page in pages for o in page.get("Contents", [])
                    if o["Key"].endswith(suffix)]
            if not keys:
                raise InputError(url, f"no {suffix} object under this prefix")
        else:
            keys = [key]
        return [(f"s3://{bucket}/{k}", client.get_object(Bucket=bucket, Key=k)["Body"].read())
                for k in keys]
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise InputError(url, f"cannot read {what}: {error.get('Code')}: "
                              f"{error.get('Message', '')}".rstrip(": ")) from None
    except BotoCoreError as exc:
        raise InputError(url, f"cannot read {what}: {exc}") from None
