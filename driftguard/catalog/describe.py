"""What the catalog says about each type, as plain data, Markdown and text.

The one source of the per-type section of docs/canonical-model.md and of `driftguard
catalog`: pure functions of the specs (this module reads nothing but the catalog). The
doc's generated block is rewritten with

    python -m driftguard.catalog.describe docs/canonical-model.md
"""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from driftguard.catalog import specs as catalog_specs
from driftguard.catalog.spec import KEY, Attr, Link, ResourceSpec

SCHEMA = "driftguard.catalog/v1"
# Where an attribute's value comes from: Terraform plans and state, CloudFormation
# templates and stacks, the live AWS API.
SOURCES = ("tf", "cfn", "live")
REGENERATE = "python -m driftguard.catalog.describe docs/canonical-model.md"
BEGIN = f"<!-- BEGIN GENERATED from the catalog by `{REGENERATE}`: do not edit -->"
END = "<!-- END GENERATED -->"


# --- the data ------------------------------------------------------------------------------


def _sources(attr: Attr, tf: Iterable[Attr], cfn: Iterable[Attr]) -> list[str]:
    """Sources of a spec attribute, its folds' attributes of the same name included."""
    found = {
        "tf": bool(attr.tf) or any(f.tf for f in tf if f.name == attr.name),
        "cfn": bool(attr.cfn) or any(f.cfn for f in cfn if f.name == attr.name),
        "live": bool(attr.live),
    }
    return [s for s in SOURCES if found[s]]


def _link_kind(link: Link, via: Attr, kinds: Mapping[str, Mapping[str, str]]) -> str:
    """The target attribute's kind, nullable (no target), a list where `via` is one."""
    kind = "str" if link.target_attr == KEY else kinds.get(link.target_type, {}).get(
        link.target_attr, "null")
    return f"list[{_nullable(kind)}]" if via.kind.startswith("list") else _nullable(kind)


def compared_by_drift(attr: Attr, spec: ResourceSpec | None = None) -> bool:
    """Drift compares an attribute the spec marks `drift` and reads live (or a link of its
    name completes live)."""
    return attr.drift and (bool(attr.live) or attr.name in _live_links(spec))


def _live_links(spec: ResourceSpec | None) -> set[str]:
    """Names of the spec's links that resolve live (their `via` is read live)."""
    if spec is None:
        return set()
    vias = {a.name: a for a in spec.attrs}
    return {link.name for link in spec.links if vias[link.via].live}


def describe(spec: ResourceSpec) -> dict[str, Any]:
    """One type as JSON-able data (the shape `driftguard catalog --format json` prints,
    without the rules, which come from the policies)."""
    tf_folded = [a for fold in spec.folds for a in fold.attrs]
    cfn_folded = [a for fold in spec.cfn_folds for a in fold.attrs]
    kinds = {t: {a.name: a.kind for a in s.attrs} for t, s in catalog_specs().items()}
    vias = {a.name: a for a in spec.attrs}
    completed = {link.name: _sources(vias[link.via], (), ()) for link in spec.links
                 if link.name in vias}
    return {
        "type": spec.tf_type,
        "cloudformation_type": spec.cfn_type,
        "doc": spec.doc,
        # What `terraform import` takes: a template over the live resource's fields.
        "import_id": spec.import_id or "{id}",
        "attributes": [
            {"name": a.name, "kind": a.kind, "doc": a.doc,
             "sources": [s for s in SOURCES if s in {*_sources(a, tf_folded, cfn_folded),
                                                      *completed.get(a.name, [])}],
             "drift": compared_by_drift(a, spec), "values_shown": a.values_shown,
             "default": a.default}
            for a in spec.attrs
        ],
        "links": [
            {"name": link.name, "kind": _link_kind(link, vias[link.via], kinds), "doc": link.doc,
             "sources": _sources(vias[link.via], (), ()),
             # A link completing an attribute of its name is compared as the attribute is.
             "drift": link.name in vias and compared_by_drift(vias[link.name], spec),
             "target_type": link.target_type, "target_attribute": link.target_attr,
             "via": link.via}
            for link in spec.links
        ],
        "terraform_aliases": [{"type": a.tf_type, "defaults": dict(a.defaults)}
                              for a in spec.tf_aliases],
        "folds": [
            *({"type": f.tf_type, "source": "tf", "parent_ref": f.parent_ref,
               "attributes": _unique(a.name for a in f.attrs)} for f in spec.folds),
            *({"type": f.cfn_type, "source": "cfn", "parent_ref": f.parent_ref,
               "attributes": _unique(a.name for a in f.attrs)} for f in spec.cfn_folds),
        ],
    }


def describe_catalog(specs: Iterable[ResourceSpec] | None = None) -> list[dict[str, Any]]:
    chosen = catalog_specs().values() if specs is None else specs
    return [describe(s) for s in sorted(chosen, key=lambda s: s.tf_type)]


def _nullable(kind: str) -> str:
    """A link is null when its target is not in the same input."""
    return kind if "null" in kind.split("|") else f"{kind}|null"


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


# --- Markdown: the generated block of docs/canonical-model.md -----------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(value: Any) -> str:
    return f"`{value if isinstance(value, str) else json.dumps(value)}`"


def _meaning(doc: str, default: Any) -> str:
    if default is None:
        return doc
    return f"{doc}; {_code(default)} when not set"


def _paragraph(text: str) -> list[str]:
    return [*textwrap.wrap(text, width=90, break_long_words=False, break_on_hyphens=False), ""]


def markdown(types: Sequence[Mapping[str, Any]]) -> str:
    """The per-type section, from describe_catalog()'s data (between BEGIN and END)."""
    lines = _paragraph(
        "In the tables, *from* says which sources set the attribute (`tf`: Terraform plans "
        "and state, `cfn`: CloudFormation templates and stacks, `live`: the live collector), "
        "and *drift* whether drift compares it (where the code sets it); \"values not "
        "shown\": reports then say that it changed, not its declared and live values, unless "
        "the scan is asked `--show-values` (catalog/spec.py `Attr.show`).")
    for t in types:
        cfn = (f"CloudFormation: `{t['cloudformation_type']}`." if t["cloudformation_type"]
               else "CloudFormation has no resource type for it.")
        lines += [f"### `{t['type']}`", "", *_paragraph(f"{t['doc']} {cfn}"
                                                          f"{_import_sentence(t)}"),
                  "| attribute | kind | meaning | from | drift |",
                  "| --- | --- | --- | --- | --- |"]
        for a in t["attributes"]:
            lines.append(f"| `{a['name']}` | {_cell(a['kind'])} | "
                         f"{_cell(_meaning(a['doc'], a['default']))} | "
                         f"{', '.join(a['sources'])} | {_drift_cell(a)} |")
        for link in t["links"]:
            copied = (f"{link['doc']} (`{link['target_type']}.{link['target_attribute']}` "
                      f"of the resource that `{link['via']}` names)")
            lines.append(f"| `{link['name']}` | {_cell(link['kind'])} | {_cell(copied)} | "
                         f"{', '.join(link['sources'])} | {'yes' if link['drift'] else 'no'} |")
        lines.append("")
        for alias in t.get("terraform_aliases", []):
            defaults = ", ".join(f"`{k}` {_code(v)}" for k, v in alias["defaults"].items())
            unset = f"; where its code leaves them unset: {defaults}" if defaults else ""
            lines += _paragraph(f"Terraform's `{alias['type']}` (AWS's default resource, which "
                                f"Terraform adopts) is one too: its resources have this "
                                f"type{unset}.")
        if t["folds"]:
            folded = [f"{'Terraform' if f['source'] == 'tf' else 'CloudFormation'} "
                      f"`{f['type']}` ({', '.join(f'`{n}`' for n in f['attributes'])})"
                      for f in t["folds"]]
            lines += _paragraph(f"Folded in from the resources that name it: {'; '.join(folded)}.")
    return "\n".join(lines).rstrip("\n") + "\n"


def _import_sentence(t: Mapping[str, Any]) -> str:
    """Where Terraform's import id is not the live id (`-f terraform-import`)."""
    template = t.get("import_id", "{id}")
    if template == "{id}":
        return ""
    if template == "{arn}":
        return " Terraform imports it by its ARN."
    return f" Terraform imports it as `{template}`."


def _drift_cell(attr: Mapping[str, Any]) -> str:
    if not attr["drift"]:
        return "no"
    return "yes" if attr.get("values_shown", True) else "yes, values not shown"


def splice(document: str, generated: str) -> str:
    """`document` with its generated block (from the BEGIN GENERATED line to END) replaced."""
    start, end = document.find(BEGIN.split(" from ")[0]), document.find(END)
    if start < 0 or end < start:
        raise ValueError(f"no generated block: the document needs a {BEGIN!r} line and an "
                         f"{END!r} line")
    return f"{document[:start]}{BEGIN}\n\n{generated}\n{document[end:]}"


# --- text: `driftguard catalog` --------------------------------------------------------


def text(types: Sequence[Mapping[str, Any]]) -> str:
    """For people: per type its attributes, one a line, with the rules that read them
    (each type's optional "rules": [{"id", "attributes"}])."""
    out: list[str] = []
    for t in types:
        readers: dict[str, list[str]] = {}
        for rule in t.get("rules", []):
            for name in rule["attributes"]:
                readers.setdefault(name, []).append(rule["id"])
        rows = [(a["name"], a["kind"], " ".join(a["sources"]), "yes" if a["drift"] else "no",
                 ",".join(readers.get(a["name"], [])) or "-",
                 _meaning(a["doc"], a["default"]).replace("`", ""))
                for a in t["attributes"]]
        rows += [(link["name"], link["kind"], " ".join(link["sources"]),
                  "yes" if link["drift"] else "no",
                  ",".join(readers.get(link["name"], [])) or "-",
                  f"{link['doc']} (link: {link['target_type']}.{link['target_attribute']} "
                  f"via {link['via']})")
                 for link in t["links"]]
        header = ("ATTRIBUTE", "KIND", "FROM", "DRIFT", "RULES", "DOC")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(5)]
        out.append(f"{t['type']}  {t['cloudformation_type'] or '(no CloudFormation type)'}")
        out.append(f"  {t['doc']}")
        for row in [header, *rows]:
            cells = [c.ljust(w) for c, w in zip(row[:5], widths, strict=True)]
            out.append(f"  {'  '.join(cells)}  {row[5]}")
        for alias in t.get("terraform_aliases", []):
            defaults = ", ".join(f"{k} {json.dumps(v)}" for k, v in alias["defaults"].items())
            out.append(f"  also Terraform {alias['type']}"
                       f"{f' (unset: {defaults})' if defaults else ''}")
        for f in t["folds"]:
            source = "Terraform" if f["source"] == "tf" else "CloudFormation"
            out.append(f"  folds in {source} {f['type']}: {', '.join(f['attributes'])}")
        rules = [f"{r['id']} ({', '.join(r['attributes']) or 'the type'})"
                 for r in t.get("rules", [])]
        out.append(f"  rules: {'; '.join(rules) or '-'}")
        out.append("")
    return "\n".join(out)


def main(argv: Sequence[str]) -> int:
    """With a file: rewrite its generated block; without: print the block."""
    generated = markdown(describe_catalog())
    if not argv:
        sys.stdout.write(generated)
        return 0
    path = Path(argv[0])
    try:
        path.write_text(splice(path.read_text(encoding="utf-8"), generated), encoding="utf-8")
    except (OSError, ValueError) as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
