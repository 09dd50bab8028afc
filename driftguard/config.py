"""The config file (YAML), validated by pydantic, with environment overrides.

Lookup: `--config FILE`, else $DRIFTGUARD_CONFIG, else ./driftguard.yaml if present, else
the defaults below. Any setting can be overridden from the environment as
`DRIFTGUARD_<SECTION>__<KEY>=<YAML value>`, e.g. `DRIFTGUARD_POLICY__ADMIN_PORTS='[22]'`
or `DRIFTGUARD_FAIL_ON=high`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from driftguard.errors import InputError
from driftguard.model import Severity

# Families most ML platform teams run: general purpose, compute and memory optimised,
# and the GPU/accelerator families for training and inference.
DEFAULT_INSTANCE_TYPES = [
    "t3.*", "t3a.*", "m5.*", "m6i.*", "m7i.*", "c5.*", "c6i.*", "c7i.*", "r5.*", "r6i.*",
    "g4dn.*", "g5.*", "g6.*", "p3.*", "p4d.*", "p5.*", "inf2.*", "trn1.*",
]
ENV_PREFIX = "DRIFTGUARD_"


class PolicySettings(BaseModel):
    """Passed to the rules as data.driftguard.config."""

    model_config = ConfigDict(extra="forbid")

    allowed_instance_types: list[str] = Field(default_factory=lambda: DEFAULT_INSTANCE_TYPES)
    admin_ports: list[int] = Field(default_factory=lambda: [22, 3389])
    required_tags: list[str] = Field(default_factory=list)


class AwsSettings(BaseModel):
    """How the live scan reaches AWS."""

    model_config = ConfigDict(extra="forbid")

    regions: list[str] = Field(default_factory=list, description="default: $AWS_REGION")
    endpoint_url: str | None = Field(default=None, description="default: $AWS_ENDPOINT_URL")
    retry_mode: Literal["standard", "adaptive"] = "standard"
    max_attempts: int = Field(default=5, ge=1)
    role_arn: str | None = None
    external_id: str | None = None
    max_workers: int = Field(default=16, ge=1, description="concurrent detail calls")
    rates: dict[str, float] = Field(default_factory=dict, description="calls/s per service")
    timeout: float = Field(default=30.0, gt=0)


class ScanSettings(BaseModel):
    """What `driftguard scan` compares."""

    model_config = ConfigDict(extra="forbid")

    states: list[str] = Field(default_factory=list, description="paths, globs, s3:// URLs")
    plans: list[str] = Field(default_factory=list)
    types: list[str] = Field(default_factory=list, description="collect these too")
    ignore_file: Path | None = None
    strict: bool = False
    stacks: list[str] = Field(default_factory=list,
                              description="CloudFormation stack names or globs (* for all)")
    cfn_native_drift: bool = Field(default=False,
                                   description="also run CloudFormation's drift detection")
    drift_severity: dict[Literal["missing", "changed", "unmanaged"], Severity] = Field(
        default_factory=lambda: {"missing": Severity.high, "changed": Severity.medium,
                                 "unmanaged": Severity.medium})

    @field_validator("drift_severity", mode="before")
    @classmethod
    def _severities(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: Severity.parse(v) if isinstance(v, str) else v for k, v in value.items()}
        return value


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fail_on: Severity = Severity.low
    engine: Literal["embedded"] = "embedded"
    policy_dirs: list[Path] = Field(default_factory=list, description="added to built-ins")
    builtin_policies: bool = True
    waivers: Path | None = Field(default=None, description="waiver file (YAML)")
    policy: PolicySettings = Field(default_factory=PolicySettings)
    aws: AwsSettings = Field(default_factory=AwsSettings)
    scan: ScanSettings = Field(default_factory=ScanSettings)

    @field_validator("fail_on", mode="before")
    @classmethod
    def _severity(cls, value: Any) -> Any:
        return Severity.parse(value) if isinstance(value, str) else value


def load_config(path: Path | None = None, environ: dict[str, str] | None = None) -> Config:
    environ = dict(os.environ if environ is None else environ)
    if path is None and environ.get(f"{ENV_PREFIX}CONFIG"):
        path = Path(environ[f"{ENV_PREFIX}CONFIG"])
    if path is None and Path("driftguard.yaml").is_file():
        path = Path("driftguard.yaml")
    raw: dict[str, Any] = {}
    if path is not None:
        raw = _read_yaml(path)
    where = str(path) if path else "configuration"
    for key, value in environ.items():
        if key.startswith(ENV_PREFIX) and key != f"{ENV_PREFIX}CONFIG":
            _override(raw, key, value)
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        raise InputError(where, f"{loc}: {err['msg']}") from None
    if path is not None:  # paths in the file are relative to the file
        config.policy_dirs = [path.parent / d for d in config.policy_dirs]
        if config.waivers is not None:
            config.waivers = path.parent / config.waivers
        if config.scan.ignore_file is not None:
            config.scan.ignore_file = path.parent / config.scan.ignore_file
    return config


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(path, f"cannot read config: {exc.strerror or exc}") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise InputError(path, f"invalid YAML{where}: {problem}") from None
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
