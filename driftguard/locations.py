"""Where inputs are read from: a path, a glob of paths, or an S3 URL (`s3://bucket/key`, or
a prefix ending in `/` for every object under it).

The one place that tells an S3 URL from a path and the one S3 reader: declared sources
(Terraform state in S3) and `driftguard report` (shard reports in S3) both read through
here. boto3 is never imported: the S3 client is made by the caller, only when needed.
"""

from __future__ import annotations

import glob
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from driftguard.errors import InputError

S3Client = Callable[[], Any]  # returns a boto3 S3 client, made only when needed


def is_s3(location: str) -> bool:
    return location.startswith("s3://")


def expand(spec: str) -> list[str]:
    """A path, a glob (`states/**/*.tfstate`) or an s3:// URL, as a list of locations."""
    if is_s3(spec):
        return [spec]
    if any(ch in spec for ch in "*?["):
        matches = sorted(glob.glob(spec, recursive=True))
        if not matches:
            raise InputError(spec, "no file matches this pattern")
        return matches
    return [spec]


def read_file(path: str | Path, problem: str = "cannot read file") -> bytes:
    """A local file's bytes; an unreadable one is `PATH: <problem>: <why>`."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(path, f"{problem}: {exc.strerror or exc}") from None


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


def read_all(spec: str, s3_client: S3Client | None, *, suffix: str, what: str,
             needs_aws: str, file_problem: str = "cannot read file"
             ) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of every file or object that a path, glob or S3 URL names, in order,
    one location at a time. `suffix` and `what` as for read_s3; `needs_aws` is the problem
    of an S3 URL without a client, `file_problem` that of an unreadable file."""
    for location in expand(spec):
        if is_s3(location):
            if s3_client is None:
                raise InputError(location, needs_aws)
            yield from read_s3(location, s3_client, suffix, what)
        else:
            yield location, read_file(location, file_problem)
