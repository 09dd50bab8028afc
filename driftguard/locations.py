"""Where inputs are read from: a path, a glob of paths, or an S3 URL (`s3://bucket/key`, a
prefix ending in `/` for every object under it, or a glob of keys: `s3://b/ml/*.tfstate`).

The one place that tells an S3 URL from a path and the one S3 reader: declared sources
(Terraform state in S3) and `driftguard report` (shard reports in S3) both read through
here. boto3 is never imported: the S3 client is made by the caller, only when needed.
"""

from __future__ import annotations

import glob
import os
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from driftguard.errors import InputError
from driftguard.globs import PathGlob, is_magic

S3Client = Callable[[], Any]  # returns a boto3 S3 client, made only when needed

# The largest input read (a plan, state, template, report, S3 object): reading is bounded,
# so a runaway file cannot take all memory (a plan takes about 8 times its size in RAM).
# The config's `max_input_mb` (or $DRIFTGUARD_MAX_INPUT_MB) raises it.
DEFAULT_MAX_INPUT_MB = 100
MB = 1_000_000
_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def is_s3(location: str) -> bool:
    return location.startswith("s3://")


def expand(spec: str) -> list[str]:
    """A path, a glob (`states/**/*.tfstate`) or an s3:// URL, as a list of locations."""
    if is_s3(spec):
        return [spec]
    if is_magic(spec):
        matches = sorted(glob.glob(spec, recursive=True))
        if not matches:
            raise InputError(spec, "no file matches this pattern")
        return matches
    return [spec]


def too_big(size: int | None, limit: int) -> str:
    """The problem of an input over the size limit, with how to raise the limit."""
    what = f"{size / MB:.1f} MB" if size is not None else "larger than that"
    return (f"the input is {what}, over the limit of {limit / MB:g} MB (max_input_mb; "
            "raise it in the config or with DRIFTGUARD_MAX_INPUT_MB)")


def read_file(path: str | Path, problem: str = "cannot read file",
              limit: int = DEFAULT_MAX_INPUT_MB * MB) -> bytes:
    """A local regular file's bytes, at most `limit` of them; anything else (a directory,
    a FIFO that would block forever, /dev/zero that never ends) or a larger file is
    `PATH: <problem>: <why>`, before anything is read. A file that `prefetched` read is
    taken from there, if it is still the file that was read."""
    data = _take(path, limit)
    if data is None:
        data, _ = _read(path, problem, limit)
    return data


def _read(path: str | Path, problem: str, limit: int) -> tuple[bytes, os.stat_result]:
    """read_file's read: (the bytes, the file's status when it was opened)."""
    try:
        # O_NONBLOCK: opening a FIFO without a writer returns at once instead of waiting.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise InputError(path, f"{problem}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a file")
            raise InputError(path, f"{problem}: {kind}, not a regular file")
        if info.st_size > limit:
            raise InputError(path, f"{problem}: {too_big(info.st_size, limit)}")
        with open(fd, "rb", closefd=False) as file:
            data = file.read(limit + 1)  # /proc files say size 0: the read is the bound
    except OSError as exc:
        raise InputError(path, f"{problem}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise InputError(path, f"{problem}: {too_big(None, limit)}")
    return data, info


# prefetched's reads, by path: the thread, and what it read (the bytes and the file's
# status when it was opened), once it has read it.
_prefetched: dict[str, tuple[threading.Thread, list[tuple[bytes, os.stat_result]]]] = {}
_prefetched_lock = threading.Lock()


@contextmanager
def prefetched(path: str | Path) -> Iterator[None]:
    """While the block runs, read_file takes `path` from a read started now in a thread:
    a check reads its first input while it imports its modules (the read, a system call,
    lets the interpreter go on). Only a read that succeeded, within the default size
    limit, is kept (a failure is left for read_file to meet and name); what the block did
    not take is dropped at its end. A location that is not one file (s3://, a glob) is
    not read."""
    key, found = os.fspath(path), []
    if is_s3(key) or is_magic(key):
        yield
        return

    def read() -> None:
        try:
            found.append(_read(key, "", DEFAULT_MAX_INPUT_MB * MB))
        except Exception:  # noqa: BLE001, S110 - read_file meets it again, and names it
            pass

    thread = threading.Thread(target=read, name="driftguard-prefetch", daemon=True)
    with _prefetched_lock:
        _prefetched[key] = (thread, found)
    thread.start()
    try:
        yield
    finally:
        with _prefetched_lock:
            _prefetched.pop(key, None)


def _take(path: str | Path, limit: int) -> bytes | None:
    """The bytes `prefetched` read for `path`, once, if they are within `limit` and the path
    still names the file they were read from (device, inode, size, mtime); else None."""
    if not _prefetched:
        return None
    with _prefetched_lock:
        pending = _prefetched.pop(os.fspath(path), None)
    if pending is None:
        return None
    thread, found = pending
    thread.join()
    if not found:
        return None
    data, info = found.pop()  # the block holds the list: not the bytes, from here on
    try:
        now = os.stat(path)
    except OSError:
        return None
    same = _identity(info) == _identity(now)
    return data if same and len(data) <= limit else None


def _identity(info: os.stat_result) -> tuple[int, ...]:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def read_s3(url: str, s3_client: S3Client, suffix: str, what: str,
            limit: int = DEFAULT_MAX_INPUT_MB * MB) -> list[tuple[str, bytes]]:
    """(`s3://bucket/key`, body) of one object, of every object under a prefix ending in
    `/` whose key ends in `suffix`, or of every object whose key a glob matches (as a local
    glob matches files: globs.PathGlob), in key order; `what` names the content in errors.
    An object over `limit` bytes is an error, as a file is."""
    from botocore.exceptions import BotoCoreError, ClientError

    bucket, _, key = url.removeprefix("s3://").partition("/")
    if not bucket or not key:
        raise InputError(url, "expected s3://BUCKET/KEY or s3://BUCKET/PREFIX/")
    client = s3_client()
    try:
        if is_magic(key):
            # list from the longest prefix without a wildcard, match the rest
            pattern = PathGlob(key)
            keys = [k for k in _list(client, bucket, key[:_first_wildcard(key)])
                    if not k.endswith("/") and pattern.matches(k)]  # not folder markers
            if not keys:
                raise InputError(url, "no object matches this pattern")
        elif key.endswith("/"):
            keys = [k for k in _list(client, bucket, key) if k.endswith(suffix)]
            if not keys:
                raise InputError(url, f"no {suffix} object under this prefix")
        else:
            keys = [key]
        return [(f"s3://{bucket}/{k}", _body(client, bucket, k, what, limit)) for k in keys]
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise InputError(url, f"cannot read {what}: {error.get('Code')}: "
                              f"{error.get('Message', '')}".rstrip(": ")) from None
    except BotoCoreError as exc:
        raise InputError(url, f"cannot read {what}: {exc}") from None


def _list(client: Any, bucket: str, prefix: str) -> list[str]:
    """The keys under a prefix, in S3's order (UTF-8 binary order of the keys)."""
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return [o["Key"] for page in pages for o in page.get("Contents", [])]


def _first_wildcard(key: str) -> int:
    return min(i for i in (key.find(ch) for ch in "*?[") if i >= 0)


def _body(client: Any, bucket: str, key: str, what: str, limit: int) -> bytes:
    url = f"s3://{bucket}/{key}"
    response = client.get_object(Bucket=bucket, Key=key)
    size = response.get("ContentLength")
    if isinstance(size, int) and size > limit:
        raise InputError(url, f"cannot read {what}: {too_big(size, limit)}")
    data = bytes(response["Body"].read(limit + 1))
    if len(data) > limit:
        raise InputError(url, f"cannot read {what}: {too_big(None, limit)}")
    return data


def read_all(spec: str, s3_client: S3Client | None, *, suffix: str, what: str,
             needs_aws: str, file_problem: str = "cannot read file",
             limit: int = DEFAULT_MAX_INPUT_MB * MB) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of every file or object that a path, glob or S3 URL names, in order,
    one location at a time. `suffix`, `what` and `limit` as for read_s3; `needs_aws` is
    the problem of an S3 URL without a client, `file_problem` that of an unreadable file."""
    for location in expand(spec):
        if is_s3(location):
            if s3_client is None:
                raise InputError(location, needs_aws)
            yield from read_s3(location, s3_client, suffix, what, limit)
        else:
            yield location, read_file(location, file_problem, limit)
