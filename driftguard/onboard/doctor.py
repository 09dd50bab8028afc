"""`driftguard doctor`: is this configuration ready to scan? One line per check:
the config, the AWS credentials, the endpoints of its regions, the permissions (a dry run
of every read the catalog needs: permissions.py), the Terraform state in S3, the OPA
server, Slack and the Prometheus endpoint. Each line starts with `ok`, `FAIL` or `-`
(not used); a FAIL says what to fix.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from driftguard.config import Config, listen_port

OK, FAIL, UNUSED = "ok", "FAIL", "-"


@dataclass(frozen=True)
class Line:
    status: str  # OK, FAIL, UNUSED
    name: str
    text: str

    def __str__(self) -> str:
        return f"{self.status:<4}  {self.name}: {self.text}"


def run(config: Config, where: str, clients: Any | None = None,
        environ: dict[str, str] | None = None) -> list[Line]:
    """Every check, in order; AWS checks after the credentials only when those work."""
    from driftguard.collect.clients import ClientFactory, environment_region

    environ = dict(os.environ if environ is None else environ)
    lines = [Line(OK, "config", f"{where} loads")]
    aws = config.aws
    clients = clients or ClientFactory(endpoint_url=aws.endpoint_url, timeout=aws.timeout,
                                       retry_mode=aws.retry_mode,
                                       max_attempts=aws.max_attempts)
    regions = aws.regions or [environment_region()]
    identity = _credentials(clients, regions[0])
    lines.append(identity)
    if identity.status == OK:
        lines.append(_endpoints(clients, regions))
        lines.append(_permissions(clients, regions[0]))
        lines.append(_states(clients, config.scan.states))
    lines += [_opa(config), _slack(config, environ), _prometheus(config)]
    return lines


def _aws_problem(exc: Exception) -> str:
    from driftguard.aws_errors import reason

    return " ".join(reason(exc).split())


def _credentials(clients: Any, region: str) -> Line:
    from botocore.exceptions import NoCredentialsError

    try:
        who = clients.client("sts", region).get_caller_identity()
    except NoCredentialsError:
        return Line(FAIL, "credentials", "none found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID "
                    "and AWS_SECRET_ACCESS_KEY, or run where a role is attached")
    except Exception as exc:  # noqa: BLE001 - every failure is this check's answer
        return Line(FAIL, "credentials", f"sts:GetCallerIdentity: {_aws_problem(exc)}")
    return Line(OK, "credentials", f"account {who['Account']} as {who['Arn']}")


def _endpoints(clients: Any, regions: list[str]) -> Line:
    where = clients.endpoint_url or "AWS's public endpoints"
    bad = []
    for region in regions:
        try:
            clients.client("sts", region).get_caller_identity()
        except Exception as exc:  # noqa: BLE001
            bad.append(f"{region}: {_aws_problem(exc)}")
    if bad:
        return Line(FAIL, "endpoints", f"{where}: " + "; ".join(bad) + " (aws.regions, "
                    "aws.endpoint_url)")
    return Line(OK, "endpoints", f"{where} answer in {', '.join(regions)}")


def _permissions(clients: Any, region: str) -> Line:
    from driftguard.catalog import specs
    from driftguard.onboard.permissions import dry_run

    outcomes = dry_run(clients, list(specs().values()), region)
    denied = [o.action for o in outcomes if o.denied]
    untried = [o for o in outcomes if o.problem]
    if denied:
        return Line(FAIL, "permissions", f"{len(denied)} of {len(outcomes)} read actions "
                    f"denied: {', '.join(denied)} (`driftguard iam-policy` prints the policy "
                    "a scan needs)")
    note = f"; {len(untried)} could not be tried ({untried[0].action}: {untried[0].problem})" \
        if untried else ""
    return Line(OK, "permissions", f"all {len(outcomes) - len(untried)} read actions the "
                f"catalog needs are allowed{note}")


def _states(clients: Any, states: list[str]) -> Line:
    """Each S3 location lists at least one object (a key, a prefix, a glob's prefix)."""
    from driftguard.locations import is_s3

    s3 = [s for s in states if is_s3(s)]
    if not s3:
        return Line(UNUSED, "state", "no Terraform state in S3 (scan.states)")
    bad = []
    for url in s3:
        bucket, _, key = url.removeprefix("s3://").partition("/")
        try:
            listed = clients.client("s3").list_objects_v2(
                Bucket=bucket, Prefix=key.split("*")[0], MaxKeys=1)
            if not listed.get("KeyCount"):
                bad.append(f"{url}: no such object")
        except Exception as exc:  # noqa: BLE001
            bad.append(f"{url}: {_aws_problem(exc)}")
    if bad:
        return Line(FAIL, "state", "; ".join(bad) + " (scan.states)")
    return Line(OK, "state", f"{_count(len(s3), 'S3 location')} found: {', '.join(s3)}")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _opa(config: Config) -> Line:
    if config.engine != "opa":
        return Line(UNUSED, "OPA", "not used (engine: embedded, the built-in regorus)")
    import requests

    url = config.opa.url.rstrip("/")
    try:
        response = requests.get(f"{url}/health", timeout=config.opa.connect_timeout)
    except requests.exceptions.RequestException as exc:
        return Line(FAIL, "OPA", f"{url}/health: cannot connect ({type(exc).__name__}); start "
                    "OPA or fix opa.url")
    if response.status_code != 200:
        return Line(FAIL, "OPA", f"{url}/health answers {response.status_code}")
    return Line(OK, "OPA", f"{url} is healthy")


def _slack(config: Config, environ: dict[str, str]) -> Line:
    from driftguard.errors import DriftguardError, InputError
    from driftguard.notify.secrets import Secrets

    slack = config.slack
    names = [slack.webhook_url_env] if slack.mode == "webhook" else [slack.token_env]
    names += [r.webhook_url_env for r in slack.routes if r.webhook_url_env]
    secrets = Secrets(environ, slack.secrets_file, "slack")
    try:
        for name in names:
            secrets.get(name)
    except DriftguardError as exc:
        problem = exc.problem if isinstance(exc, InputError) else str(exc)
        if slack.enabled:
            return Line(FAIL, "Slack", problem)
        return Line(UNUSED, "Slack", f"{problem} (slack.enabled is false)")
    state = "enabled" if slack.enabled else "not enabled for the daemon; --slack posts"
    return Line(OK, "Slack", f"{slack.mode} secret found ({', '.join('$' + n for n in names)});"
                f" {state}")


def _prometheus(config: Config, bind: Callable[[str, int], None] | None = None) -> Line:
    listen = config.serve.listen
    host = listen.rpartition(":")[0].strip("[]") or "0.0.0.0"  # noqa: S104 - as serve reads it
    port = listen_port(listen)
    try:
        (bind or _bind)(host, port)
    except OSError as exc:
        return Line(FAIL, "Prometheus", f"serve.listen {listen}: {exc.strerror or exc} "
                    "(another process on the port? change serve.listen)")
    return Line(OK, "Prometheus", f"`driftguard serve` can serve /metrics on {listen}")


def _bind(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
