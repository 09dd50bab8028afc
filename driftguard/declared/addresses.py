"""Terraform resource addresses: `module.a["k"].module.b[0].aws_s3_bucket.logs[2]`."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

_INDEX = r'\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]'
_ADDRESS = re.compile(
    rf"^(?P<module>(?:module\.[^.\[]+(?:{_INDEX})?\.)*)(?P<data>data\.)?"
    rf"(?P<type>[^.\[]+)\.(?P<name>[^.\[]+)(?P<index>{_INDEX})?$"
)
_MODULE_NAME = re.compile(rf"module\.([^.\[]+)(?:{_INDEX})?")
# A reference to a resource in the same module: `aws_s3_bucket.b`, `aws_s3_bucket.b[0].id`.
_REFERENCE = re.compile(rf"^(?P<type>[a-z][a-z0-9_]*)\.(?P<name>[A-Za-z_][A-Za-z0-9_-]*)"
                        rf"(?P<index>{_INDEX})?")
_NOT_RESOURCES = {"data", "var", "local", "module", "each", "count", "path", "self", "terraform"}


@dataclass(frozen=True)
class Address:
    module: str  # module instance prefix, '' for the root module
    type: str
    name: str
    index: str  # '' or '[0]' or '["key"]'
    is_data: bool

    @property
    def config_key(self) -> tuple[tuple[str, ...], str]:
        """Where the resource block lives in the configuration (no instance keys)."""
        return _module_path(self.module), f"{self.type}.{self.name}"


@lru_cache(maxsize=1 << 14)  # the modules of a plan: a resource's is asked for once or twice
def _module_path(module: str) -> tuple[str, ...]:
    return tuple(_MODULE_NAME.findall(module))


@lru_cache(maxsize=1 << 16)  # a plan's loader asks for each address three times
def parse(address: str) -> Address | None:
    m = _ADDRESS.match(address)
    if not m:
        return None
    return Address(m["module"].rstrip("."), m["type"], m["name"], m["index"] or "",
                   bool(m["data"]))


def join(module: str, type_: str, name: str, index: str = "") -> str:
    return f"{module + '.' if module else ''}{type_}.{name}{index}"


def index_of(key: object) -> str:
    """`[0]` for count, `["key"]` for for_each, '' for neither."""
    if key is None:
        return ""
    if isinstance(key, int) and not isinstance(key, bool):
        return f"[{key}]"
    return f"[{json.dumps(key)}]"


def reference(text: str) -> tuple[str, str, str] | None:
    """(type, name, index expression) of a same-module resource reference."""
    m = _REFERENCE.match(text)
    if not m or m["type"] in _NOT_RESOURCES:
        return None
    return m["type"], m["name"], m["index"] or ""
