"""Terraform `import {}` blocks (Terraform 1.5 and later) for a scan's unmanaged resources:

    driftguard scan ... -f terraform-import -o imports.tf
    terraform plan -generate-config-out=generated.tf

One block per unmanaged resource, grouped by type (types and ids in order), its `id` the
one the AWS provider imports the type by (the catalog's `ResourceSpec.import_id`: the live
id for most types), its `to` a resource name made from the id: a valid Terraform
identifier, unique within its type. A comment above each block says where the resource
is (account and region): an import block uses its module's provider configuration, so a
resource of another account or region than the provider's needs a `provider =` line.
"""

from __future__ import annotations

import re
from itertools import groupby

from driftguard.catalog import spec_for
from driftguard.model import CheckResult, Drift
from driftguard.report.common import comment_lines, timestamp, unmanaged_order

_NOT_NAME = re.compile(r"[^a-z0-9_]+")
_ARN = re.compile(r"^arn:[^:]*:[^:]*:[^:]*:[^:]*:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_COMMENT_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def render(result: CheckResult) -> str:
    unmanaged = sorted(_unmanaged(result), key=unmanaged_order)
    lines = _header(result, unmanaged)
    for rtype, group in groupby(unmanaged, key=lambda d: d.type):
        drifts = list(group)
        spec = spec_for(rtype)
        taken: set[str] = set()
        lines += [f"# {rtype}: {len(drifts)} unmanaged", ""]
        for d in drifts:
            assert d.id is not None
            ident = spec.terraform_import_id(d.id, d.address, d.region, d.account) if spec \
                else d.id
            lines += [f"# {_comment(d.id)}{_where(d)}",
                      "import {",
                      f"  to = {rtype}.{resource_name(rtype, d.id, taken)}",
                      f"  id = {hcl_string(ident)}",
                      "}",
                      ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _unmanaged(result: CheckResult) -> list[Drift]:
    """The unmanaged resources, each once (a merged result may repeat one)."""
    seen: dict[tuple[str, str, str, str], Drift] = {}
    for d in result.drifts:
        if d.kind == "unmanaged" and d.id:
            seen.setdefault((d.type, d.account or "", d.region or "", d.id), d)
    return list(seen.values())


def _header(result: CheckResult, unmanaged: list[Drift]) -> list[str]:
    places = sorted({_comment("/".join(p for p in (d.account, d.region) if p))
                     for d in unmanaged} - {""})
    scope = f" in {', '.join(places)}" if places else ""
    at = f" at {timestamp(result.scanned_at)}" if result.scanned_at else ""
    lines = comment_lines(f"Terraform import blocks (Terraform >= 1.5) for the {len(unmanaged)} "
                          f"unmanaged resource{'' if len(unmanaged) == 1 else 's'} that "
                          f"driftguard's scan found{scope}{at}.")
    if not unmanaged:
        return [*lines, "# Nothing to import."]
    lines += ["# Write their code, review it, then apply (and remove these blocks):",
              "#   terraform plan -generate-config-out=generated.tf"]
    if len(places) > 1:
        lines += comment_lines("They are in several accounts or regions: a block whose "
                               "resource is not in the account and region of the provider's "
                               "configuration needs `provider = aws.<alias>`.")
    return [*lines, ""]


def _where(d: Drift) -> str:
    where = "/".join(p for p in (d.account, d.region) if p)
    return f" in {_comment(where)}" if where else ""


def resource_name(rtype: str, ident: str, taken: set[str]) -> str:
    """A Terraform resource name for the live id: lower case letters, digits and
    underscores, starting with a letter; unique among `taken` (which it joins). An ARN
    names it by its resource part, a URL (a queue's) by its last step."""
    text = _ARN.sub("", ident)
    if "://" in text:
        text = text.rstrip("/").rsplit("/", 1)[-1]
    name = _NOT_NAME.sub("_", text.lower()).strip("_")
    if not name or not name[0].isalpha():
        noun = rtype.rsplit("_", 1)[-1] or "resource"
        name = f"{noun}_{name}".rstrip("_")
    unique, n = name, 1
    while unique in taken:
        n += 1
        unique = f"{name}_{n}"
    taken.add(unique)
    return unique


def hcl_string(text: str) -> str:
    """A quoted HCL string that reads back as `text`: escapes, and no template sequences
    (`${` and `%{` are written `$${` and `%%{`)."""
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t")
               .replace("${", "$${").replace("%{", "%%{"))
    return '"' + _CONTROL.sub(lambda m: f"\\u{ord(m[0]):04x}", escaped) + '"'


def _comment(text: str) -> str:
    return _COMMENT_CONTROL.sub("\ufffd", text)
