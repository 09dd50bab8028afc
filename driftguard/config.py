"""The config file (YAML), validated by pydantic, with environment overrides.

Lookup: `--config FILE`, else $DRIFTGUARD_CONFIG, else ./driftguard.yaml if present, else
the defaults below. Any setting can be overridden from the environment as
`DRIFTGUARD_<SECTION>__<KEY>=<YAML value>`, e.g. `DRIFTGUARD_POLICY__ADMIN_PORTS='[22]'`
or `DRIFTGUARD_FAIL_ON=high`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from driftguard.documents import check_strings, decode, load_yaml
from driftguard.errors import InputError
from driftguard.locations import DEFAULT_MAX_INPUT_MB, MB, read_file
from driftguard.model import DriftKind, Severity

# Families most ML platform teams run: general purpose, compute and memory optimised,
# and the GPU/accelerator families for training and inference.
DEFAULT_INSTANCE_TYPES = [
    "t3.*", "t3a.*", "m5.*", "m6i.*", "m7i.*", "c5.*", "c6i.*", "c7i.*", "r5.*", "r6i.*",
    "g4dn.*", "g5.*", "g6.*", "p3.*", "p4d.*", "p5.*", "inf2.*", "trn1.*",
]
ENV_PREFIX = "DRIFTGUARD_"
DEFAULT_DRIFT_SEVERITY: dict[DriftKind, Severity] = {
    "missing": Severity.high, "changed": Severity.medium, "unmanaged": Severity.medium}

# Every setting is bounded where it is read: no number may be infinite or NaN (.inf, .nan
# in YAML), durations are at most a year and a day (timers, sockets and APScheduler fail
# beyond their own limits, with an OverflowError, not a config error), schedules at least
# MIN_INTERVAL apart.
_STRICT = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
MAX_SECONDS = 366 * 86400
MIN_INTERVAL = 1.0
MAX_RATE = 1_000_000.0  # calls per second
Rate = Annotated[float, Field(gt=0, le=MAX_RATE)]


class PolicySettings(BaseModel):
    """Passed to the rules as data.driftguard.config."""

    model_config = _STRICT

    allowed_instance_types: list[str] = Field(default_factory=lambda: DEFAULT_INSTANCE_TYPES)
    admin_ports: list[int] = Field(default_factory=lambda: [22, 3389])
    required_tags: list[str] = Field(default_factory=list)


class AwsSettings(BaseModel):
    """How the live scan reaches AWS."""

    model_config = _STRICT

    regions: list[str] = Field(default_factory=list, description="default: $AWS_REGION")
    endpoint_url: str | None = Field(default=None, description="default: $AWS_ENDPOINT_URL")
    retry_mode: Literal["standard", "adaptive"] = "standard"
    max_attempts: int = Field(default=5, ge=1, description="requests per call, the first "
                              "one included (1: no retry)")
    role_arn: str | None = None
    external_id: str | None = None
    max_workers: int = Field(default=16, ge=1, description="concurrent detail calls")
    rates: dict[str, Rate] = Field(default_factory=dict, description="calls/s per service")
    timeout: float = Field(default=30.0, gt=0, le=MAX_SECONDS)
    max_units: int = Field(default=4, ge=1,
                           description="(account, region) units scanned at once")


def _severity_name(value: Any) -> Any:
    return Severity.parse(value) if isinstance(value, str) else value


def _env_name(value: str | None) -> str | None:
    """Secrets are named, never written here: refuse what looks like a URL or a token
    (without echoing it)."""
    if value is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
        raise ValueError("must name an environment variable (the secret itself belongs in "
                         "the environment or the secrets file)")
    return value


class SlackRoute(BaseModel):
    """Findings that match go to this channel (bot mode) or webhook (webhook mode) instead
    of the default one. Routes are tried in order; the first that matches wins."""

    model_config = _STRICT

    channel: str | None = Field(default=None, description="bot mode: channel name or id")
    webhook_url_env: str | None = Field(default=None, description="webhook mode: env var "
                                        "(or secrets-file key) holding this route's URL")
    accounts: list[str] = Field(default_factory=list, description="empty: any account")
    min_severity: Severity = Severity.low

    _severity = field_validator("min_severity", mode="before")(_severity_name)
    _env = field_validator("webhook_url_env")(_env_name)


class SlackSettings(BaseModel):
    """Slack reports (docs/slack.md). The webhook URL and the token are secrets: they come
    from the environment or the secrets file, never from this file."""

    model_config = _STRICT

    enabled: bool = Field(default=False, description="the daemon posts; --slack always does")
    mode: Literal["webhook", "bot"] = "webhook"
    webhook_url_env: str = "DRIFTGUARD_SLACK_WEBHOOK_URL"
    token_env: str = "DRIFTGUARD_SLACK_TOKEN"
    secrets_file: Path | None = Field(default=None, description="YAML: env var name -> value")
    api_base_url: str = "https://slack.com/api/"
    channel: str | None = Field(default=None, description="bot mode: the default channel")
    min_severity: Severity = Severity.low
    routes: list[SlackRoute] = Field(default_factory=list)
    digest_cron: str | None = Field(default=None, description="crontab line, e.g. '0 9 * * 1-5' "
                                    "(checked by `serve`: daemon/jobs.py)")
    report_url: str | None = Field(default=None, description="link to the full report")
    include_values: bool = Field(default=False, description="attribute values in messages")
    timeout: float = Field(default=10.0, gt=0, le=MAX_SECONDS,
                           description="seconds per HTTP request")
    max_wait: float = Field(default=30.0, gt=0, le=MAX_SECONDS,
                            description="seconds of retries per call")

    _severity = field_validator("min_severity", mode="before")(_severity_name)
    _env = field_validator("webhook_url_env", "token_env")(_env_name)

    @model_validator(mode="after")
    def _routes_name_their_target(self) -> SlackSettings:
        need = "channel" if self.mode == "bot" else "webhook_url_env"
        for n, route in enumerate(self.routes):
            if getattr(route, need) is None:
                raise ValueError(f"routes[{n}] needs {need} in {self.mode} mode")
        return self


class AttributionSettings(BaseModel):
    """Who changed it (scan.attribution): the CloudTrail event behind each changed, missing
    and unmanaged resource, from a trail's log files in S3 and from LookupEvents."""

    model_config = _STRICT

    trail_bucket: str | None = Field(default=None, description="the S3 bucket a trail "
                                     "delivers its log files to (read first: no rate limit, "
                                     "older than 90 days)")
    trail_prefix: str = Field(default="", description="the trail's S3 key prefix")
    days: int = Field(default=7, ge=1, le=3650, description="days of log files to read")
    max_log_files: int = Field(default=2000, ge=1, le=1_000_000)
    lookup_events: bool = Field(default=True, description="ask LookupEvents (the last 90 "
                                "days) for what the log files do not name")
    max_lookups: int = Field(default=20, ge=0, le=1000, description="LookupEvents calls "
                             "per scan")
    rate: float = Field(default=1.0, gt=0, le=2.0, description="LookupEvents calls per "
                        "second (AWS allows 2 per account and region)")
    max_seconds: float = Field(default=30.0, gt=0, le=MAX_SECONDS, description="time "
                               "attribution may take per scan")
    cache_seconds: float = Field(default=900.0, ge=0, le=86400.0, description="how long an "
                                 "answer of LookupEvents is reused")


class ScanSettings(BaseModel):
    """What `driftguard scan` compares."""

    model_config = _STRICT

    states: list[str] = Field(default_factory=list, description="paths, globs, s3:// URLs")
    plans: list[str] = Field(default_factory=list)
    types: list[str] = Field(default_factory=list, description="collect these too")
    ignore_file: Path | None = None
    strict: bool = False
    stacks: list[str] = Field(default_factory=list,
                              description="CloudFormation stack names or globs (* for all)")
    cfn_native_drift: bool = Field(default=False,
                                   description="also run CloudFormation's drift detection")
    drift_severity: dict[DriftKind, Severity] = Field(default_factory=lambda: dict(
        DEFAULT_DRIFT_SEVERITY))
    show_values: bool = Field(default=False, description="drift shows every declared and "
                              "live value, not only those the catalog marks safe to show")
    attribution: AttributionSettings | None = Field(default=None, description="who changed "
                                                    "it: CloudTrail (off when absent)")
    collect_unread: bool = Field(default=False, description="also make the per-resource calls "
                                 "for attributes that no loaded rule reads (for rules that "
                                 "read attributes in ways `driftguard catalog` does not show)")

    def compares_nothing(self) -> bool:
        return not (self.states or self.plans or self.types or self.stacks)

    @field_validator("types")
    @classmethod
    def _known_types(cls, value: list[str]) -> list[str]:
        """A type the catalog does not know would be collected by nothing: a silent PASS."""
        from driftguard.catalog import unknown_type

        problem = unknown_type(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("drift_severity", mode="before")
    @classmethod
    def _severities(cls, value: Any) -> Any:
        if isinstance(value, dict):  # the kinds not given keep their default
            return {**DEFAULT_DRIFT_SEVERITY, **{
                k: Severity.parse(v) if isinstance(v, str) else v for k, v in value.items()}}
        return value


_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _seconds(value: Any) -> Any:
    """'90s', '15m', '1h', '1d' or a number of seconds."""
    if isinstance(value, str) and value[-1:] in _DURATION_UNITS:
        try:
            return float(value[:-1]) * _DURATION_UNITS[value[-1]]
        except ValueError:
            pass
    return value


def listen_port(listen: str) -> int:
    """The port of HOST:PORT; ValueError unless it is 0 to 65535."""
    port = int(listen.rpartition(":")[2])
    if not 0 <= port <= 65535:
        raise ValueError(f"port {port} is not 0 to 65535")
    return port


class JobSettings(BaseModel):
    """One scheduled scan: its own schedule and overrides of the aws and scan sections
    (e.g. other regions, another role, another set of states)."""

    model_config = _STRICT

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    interval: float | None = Field(default=None, ge=MIN_INTERVAL, le=MAX_SECONDS,
                                   description="'15m', '1h', seconds")
    cron: str | None = Field(default=None, description="crontab line, e.g. '*/30 * * * *' "
                             "(checked by `serve`: daemon/jobs.py)")
    jitter: float = Field(default=0, ge=0, le=MAX_SECONDS,
                          description="seconds of random delay per run")
    aws: dict[str, Any] = Field(default_factory=dict)
    scan: dict[str, Any] = Field(default_factory=dict)

    _interval = field_validator("interval", mode="before")(_seconds)

    @model_validator(mode="before")
    @classmethod
    def _default_schedule(cls, data: Any) -> Any:
        """Neither interval nor cron: every DEFAULT_INTERVAL seconds."""
        if isinstance(data, dict) and data.get("interval") is None and data.get("cron") is None:
            return {**data, "interval": DEFAULT_INTERVAL}
        return data

    @model_validator(mode="after")
    def _one_schedule(self) -> JobSettings:
        if self.interval is not None and self.cron is not None:
            raise ValueError("give interval or cron, not both")
        return self


DEFAULT_INTERVAL = 900.0


class ServeSettings(BaseModel):
    """`driftguard serve`: the daemon."""

    model_config = _STRICT

    listen: str = Field(default="127.0.0.1:9717", pattern=r"^\[?[^\s]*\]?:\d{1,5}$",
                        description="HOST:PORT of /metrics, /healthz, /readyz, /api/v1")
    history: Path = Field(default=Path("driftguard-history.sqlite"),
                          description="SQLite finding history, created on first run")
    api_token_env: str = Field(default="DRIFTGUARD_API_TOKEN",
                               description="env var holding the token for POST /api/v1/scan")
    shutdown_timeout: float = Field(default=30.0, ge=0, le=MAX_SECONDS, description="seconds")
    jobs: list[JobSettings] = Field(default_factory=list,
                                    description="empty: one job 'default' every 15m")

    _env = field_validator("api_token_env")(_env_name)

    _timeout = field_validator("shutdown_timeout", mode="before")(_seconds)

    @field_validator("listen")
    @classmethod
    def _port(cls, value: str) -> str:
        listen_port(value)
        return value


class OpaSettings(BaseModel):
    """How the `opa` engine reaches an OPA server (engine: opa)."""

    model_config = _STRICT

    url: str = Field(default="http://127.0.0.1:8181", description="http(s)://HOST:PORT")
    mode: Literal["push", "bundle"] = Field(
        default="push", description="push: PUT driftguard's policies and data; "
        "bundle: use the policies and data the server loaded from bundles")
    ca_file: Path | None = Field(default=None, description="CA bundle for an https url")
    token_env: str | None = Field(default=None, description="env var holding a bearer token")
    token_file: Path | None = Field(default=None, description="file holding a bearer token")
    timeout: float = Field(default=10.0, gt=0, le=MAX_SECONDS,
                           description="seconds to wait for an answer")
    timeout_per_mb: float = Field(default=1.0, ge=0, le=MAX_SECONDS,
                                  description="added per MB of input")
    connect_timeout: float = Field(default=5.0, gt=0, le=MAX_SECONDS)
    ready_timeout: float = Field(default=10.0, ge=0, le=MAX_SECONDS,
                                 description="wait for GET /health")

    _env = field_validator("token_env")(_env_name)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be http(s)://HOST[:PORT]")
        if parts.username or parts.password or parts.path.strip("/") or parts.query:
            raise ValueError("give only http(s)://HOST[:PORT] (a token goes in token_env "
                             "or token_file)")
        parts.port  # noqa: B018 - raises ValueError on a bad port
        return value.rstrip("/")

    @model_validator(mode="after")
    def _one_token(self) -> OpaSettings:
        if self.token_env and self.token_file:
            raise ValueError("give token_env or token_file, not both")
        return self


Regions = list[str] | Literal["all"] | None  # None: aws.regions; "all": the enabled ones


class AccountSettings(BaseModel):
    """One AWS account to scan, and the code that declares it. In states and plans,
    {account} and {region} are replaced per unit, e.g. s3://tf-state/{account}/{region}/."""

    model_config = _STRICT

    id: str = Field(pattern=r"^\d{12}$")
    name: str | None = None
    role_arn: str | None = Field(default=None, description="none: the current credentials")
    external_id: str | None = None
    regions: Regions = None
    states: list[str] = Field(default_factory=list)
    plans: list[str] = Field(default_factory=list)
    stacks: list[str] = Field(default_factory=list, description="CloudFormation stack names")


class OrganizationSettings(BaseModel):
    """Accounts found through AWS Organizations (ListAccounts, active ones), each reached
    through arn:aws:iam::<id>:role/<role_name>. Listed `accounts` take precedence."""

    model_config = _STRICT

    discover: bool = False
    role_name: str = "driftguard"
    external_id: str | None = None
    include: list[str] = Field(default_factory=list, description="globs on id or name")
    exclude: list[str] = Field(default_factory=list)
    regions: Regions = None
    states: list[str] = Field(default_factory=list, description="with {account}, {region}")
    plans: list[str] = Field(default_factory=list)
    stacks: list[str] = Field(default_factory=list)


class Config(BaseModel):
    model_config = _STRICT

    fail_on: Severity = Severity.low
    max_input_mb: float = Field(default=DEFAULT_MAX_INPUT_MB, gt=0, le=1_000_000,
                                description="largest plan, state, template or report read")
    engine: Literal["embedded", "opa"] = "embedded"
    policy_timeout: float = Field(default=60.0, gt=0, le=MAX_SECONDS, description="seconds "
                                  "an embedded evaluation may take (opa: opa.timeout)")
    opa: OpaSettings = Field(default_factory=OpaSettings)
    policy_dirs: list[Path] = Field(default_factory=list, description="added to built-ins")
    builtin_policies: bool = True
    rules: list[str] = Field(default_factory=list, description="the rules evaluated, by id "
                             "or glob (DG-ENC-*); empty: every loaded rule")
    waivers: Path | None = Field(default=None, description="waiver file (YAML)")
    policy: PolicySettings = Field(default_factory=PolicySettings)
    slack: SlackSettings = Field(default_factory=SlackSettings)
    aws: AwsSettings = Field(default_factory=AwsSettings)
    scan: ScanSettings = Field(default_factory=ScanSettings)
    serve: ServeSettings = Field(default_factory=ServeSettings)
    accounts: list[AccountSettings] = Field(default_factory=list)
    organization: OrganizationSettings = Field(default_factory=OrganizationSettings)

    @property
    def max_input_bytes(self) -> int:
        return int(self.max_input_mb * MB)

    def multi_account(self) -> bool:
        return bool(self.accounts) or self.organization.discover

    def with_overrides(self, **changes: Any) -> Config:
        """A new Config with `changes`; this one is left as it is (configs are immutable).

        A top-level setting is replaced by name (`fail_on=Severity.high`); a section takes
        a dict of its own settings, each replaced (`scan={"states": [...]}`), or a whole
        new section. Values are used as given (already typed), not validated again."""
        update: dict[str, Any] = {}
        for name, value in changes.items():
            if name not in Config.model_fields:
                raise TypeError(f"Config has no setting {name!r}")
            current = getattr(self, name)
            if isinstance(value, dict) and isinstance(current, BaseModel):
                unknown = set(value) - set(type(current).model_fields)
                if unknown:
                    raise TypeError(f"{name} has no setting {', '.join(sorted(unknown))}")
                value = current.model_copy(update=value)
            update[name] = value
        return self.model_copy(update=update)

    @field_validator("fail_on", mode="before")
    @classmethod
    def _severity(cls, value: Any) -> Any:
        return Severity.parse(value) if isinstance(value, str) else value


def config_path(path: Path | None = None, environ: Mapping[str, str] | None = None
                ) -> Path | None:
    """The file load_config reads: `path`, else $DRIFTGUARD_CONFIG, else ./driftguard.yaml
    if present, else none (the defaults)."""
    environ = os.environ if environ is None else environ
    if path is None and environ.get(f"{ENV_PREFIX}CONFIG"):
        path = Path(environ[f"{ENV_PREFIX}CONFIG"])
    if path is None and Path("driftguard.yaml").is_file():
        path = Path("driftguard.yaml")
    return path


def where_of(path: Path | None) -> str:
    """How errors name the configuration: its file, or `configuration`."""
    return str(path) if path else "configuration"


def load_config(path: Path | None = None, environ: dict[str, str] | None = None) -> Config:
    environ = dict(os.environ if environ is None else environ)
    path = config_path(path, environ)
    raw: dict[str, Any] = {}
    if path is not None:
        raw = _read_yaml(path)
    where = where_of(path)
    for key, value in environ.items():
        if key.startswith(ENV_PREFIX) and key != f"{ENV_PREFIX}CONFIG":
            _override(raw, key, value)
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        raise InputError(where, f"{loc}: {err['msg']}") from None
    if path is not None:
        config = _relative_to(config, path.parent)
    return config


def _relative_to(config: Config, here: Path) -> Config:
    """Paths in a config file are relative to the file."""
    def moved(value: Path | None) -> Path | None:
        return here / value if value is not None else None

    return config.with_overrides(
        policy_dirs=[here / d for d in config.policy_dirs],
        slack={"secrets_file": moved(config.slack.secrets_file)},
        waivers=moved(config.waivers),
        scan={"ignore_file": moved(config.scan.ignore_file)},
        serve={"history": here / config.serve.history},
        opa={"ca_file": moved(config.opa.ca_file), "token_file": moved(config.opa.token_file)},
    )


def _read_yaml(path: Path) -> dict[str, Any]:
    raw = load_yaml(path, decode(path, read_file(path, "cannot read config")))
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InputError(path, "the config must be a YAML mapping")
    return raw


def _override(raw: dict[str, Any], key: str, value: str) -> None:
    path = key.removeprefix(ENV_PREFIX).lower().split("__")
    if path[0] not in Config.model_fields:
        return  # other DRIFTGUARD_* variables (DRIFTGUARD_DEBUG, ...) are not settings
    node = raw
    for part in path[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise InputError(key, f"cannot set {part}: it is not a section")
    try:
        node[path[-1]] = yaml.safe_load(value)
    except yaml.YAMLError:
        node[path[-1]] = value
    # Bytes that are not UTF-8 arrive as lone surrogates, and so do YAML's "\ud800".
    check_strings(key, node[path[-1]])
