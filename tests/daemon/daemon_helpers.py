"""Helpers for the daemon tests: a config over moto's server, and a small live estate to drift."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest

from driftguard.config import Config

REGION = "eu-west-1"
TYPES = ["aws_s3_bucket", "aws_security_group"]


def daemon_config(tmp_path: Path, jobs: list[dict[str, Any]] | None = None,
                  **serve: Any) -> Config:
    """Live resources of TYPES, no state: every bucket is unmanaged drift."""
    return Config.model_validate({
        "aws": {"regions": [REGION]},
        "scan": {"types": TYPES},
        "serve": {"history": str(tmp_path / "history.sqlite"), "listen": "127.0.0.1:0",
                  "jobs": jobs or [{"name": "default", "interval": "1h"}], **serve},
    })


def open_ssh_group(name: str = "bastion") -> str:
    """A security group with SSH open to the world: DG-NET-003 (critical) on the live scan."""
    ec2 = boto3.client("ec2", region_name=REGION)
    group = ec2.create_security_group(GroupName=name, Description="ssh")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
        "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    return group


def create_bucket(name: str) -> None:
    boto3.client("s3", region_name=REGION).create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http(url: str, method: str = "GET", headers: dict[str, str] | None = None
         ) -> tuple[int, bytes]:
    request = urllib.request.Request(url, method=method, headers=headers or {},
                                     data=b"" if method == "POST" else None)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def http_json(url: str, **kwargs: Any) -> tuple[int, Any]:
    code, body = http(url, **kwargs)
    return code, json.loads(body)


def wait_until(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition()
        except OSError:
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.2)
