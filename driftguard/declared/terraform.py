"""Terraform plans (`terraform show -json`) and state (format 4, or `show -json`)."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from driftguard.catalog import folds, spec_for, terraform_spec
from driftguard.catalog.values import any_true, kind_of, sensitivity_union
from driftguard.declared import addresses
from driftguard.declared.build import Record, build
from driftguard.declared.files import detect, load_json, read_bytes
from driftguard.declared.plan_parts import resolved
from driftguard.errors import InputError
from driftguard.model import Resource, TerraformDrift

_ACTIONS = {
    ("create",): "create",
    ("update",): "update",
    ("no-op",): "no-op",
    ("read",): "read",
    ("delete", "create"): "replace",
    ("create", "delete"): "replace",
}
_GONE = {("delete",), ("forget",)}  # not there after apply: nothing to check
_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)")


def load(path: Path) -> tuple[str, list[Resource]]:
    """(kind, resources) of a plan or state file."""
    return load_bytes(str(path), read_bytes(path))


def load_bytes(origin: str, data: bytes) -> tuple[str, list[Resource]]:
    """(kind, resources) of a plan or state document; `origin` names it (path, s3:// URL)."""
    return load_json(origin, data, lambda doc: load_document(origin, doc))


def load_document(origin: str, doc: Any) -> tuple[str, list[Resource]]:
    """(kind, resources) of a parsed plan or state document."""
    path = origin
    kind = detect(path, doc)
    if kind == "cloudformation":
        raise InputError(path, "this is a CloudFormation template, not Terraform state")
    if kind == "plan":
        return "plan", build(plan_records(path, doc), origin, "plan")
    if kind == "state":
        return "state", build(state_records(path, doc), origin, "state")
    values = _field(path, doc, "values", dict, "", {})
    return "state", build(module_records(path, _field(path, values, "root_module", dict,
                                                      "values.", {})), origin, "state")


def plan_records(path: str, doc: dict[str, Any]) -> list[Record]:
    fmt = str(doc.get("format_version", "0.1"))
    if fmt.split(".")[0] not in ("0", "1"):
        raise InputError(path, f"plan format_version {fmt} is newer than driftguard reads "
                               "(0.1 to 1.x)")
    planned_values = _field(path, doc, "planned_values", dict, "", {})
    # Records are made only for what resource_changes leaves out (most plans: nothing).
    planned = {res["address"]: res for res in module_resources(
        path, _field(path, planned_values, "root_module", dict, "planned_values.", {}))}
    configuration = _field(path, doc, "configuration", dict, "", {})
    configured = _configuration_index(path, configuration)
    regions = _provider_regions(path, configuration)
    records: dict[str, Record] = {}
    changes = doc.get("resource_changes") or []
    if not isinstance(changes, list):
        raise InputError(path, "resource_changes is not a list")
    for n, rc in enumerate(changes):
        address = rc.get("address") if isinstance(rc, dict) else None
        parsed = addresses.parse(address) if isinstance(address, str) else None
        if parsed is None or not isinstance(address, str):
            raise InputError(path, f"resource_changes has an entry without a valid address: "
                                   f"{str(address)[:80]}")
        where = f"resource_changes[{n}] ({address}): "
        if not _managed(path, rc, where, "data" if parsed.is_data else "managed"):
            continue
        change = _field(path, rc, "change", dict, where, {})
        actions = tuple(_field(path, change, "actions", list, f"{where}change.", []))
        if actions in _GONE:
            continue
        values = change.get("after")
        if not isinstance(values, dict):
            values = _module_record(path, planned[address]).values if address in planned \
                else {}
        set_by_code, refs, provider = configured.get(parsed.config_key, (None, {}, None))
        rtype = _type(path, rc, where, parsed.type) or parsed.type
        spec, _ = terraform_spec(rtype)
        if set_by_code is not None and spec is not None and spec.tf_computed:
            set_by_code = {**set_by_code, **dict.fromkeys(spec.tf_computed, True)}
        records[address] = Record(
            address=address,
            type=rtype,
            values=values,
            sensitive=change.get("after_sensitive"),
            unknown=_unknown_set_by_code(change.get("after_unknown"), set_by_code),
            refs=refs,
            action=_ACTIONS.get(actions, "-".join(actions) or None),
            region=regions.get(provider) if provider else None,
        )
    changed = {rc.get("address") for rc in changes}
    for address, res in planned.items():
        if address not in changed:
            rec = _module_record(path, res)
            parsed = addresses.parse(address)
            provider = configured.get(parsed.config_key, (None, {}, None))[2] if parsed else None
            rec.region = regions.get(provider) if provider else None
            records[address] = rec
    return list(records.values())


def plan_drift(path: str, doc: dict[str, Any]) -> TerraformDrift | None:
    """What the plan's `resource_drift` says changed outside Terraform since the last
    apply, or None when it says nothing (no entries: no drift, or `-refresh=false`).

    Each entry is a managed resource's `before` (the state the last apply left) and
    `after` (what Terraform's refresh read), or a delete (gone since). The resources on
    each side are the plan's `prior_state` (the refreshed state) with the entries' own
    values in place, built as a plan's are (split S3 settings fold into their bucket),
    and cut to what the code sets (the configuration's expressions, ids kept): a provider
    default or a computed attribute that drifted is not the code's business, as in the
    scan. Sensitive values are masked on both sides where either side marks them."""
    entries = _field(path, doc, "resource_drift", list, "", [])
    drifted: dict[str, dict[str, Any]] = {}
    for n, entry in enumerate(entries):
        entry = _object(path, entry, f"resource_drift[{n}]")
        address = entry.get("address")
        parsed = addresses.parse(address) if isinstance(address, str) else None
        if parsed is None or not isinstance(address, str):
            raise InputError(path, f"resource_drift has an entry without a valid address: "
                                   f"{str(address)[:80]}")
        where = f"resource_drift[{n}] ({address}): "
        if _managed(path, entry, where, "data" if parsed.is_data else "managed"):
            drifted[address] = _field(path, entry, "change", dict, where, {})
    if not drifted:
        return None
    prior = _field(path, _field(path, doc, "prior_state", dict, "", {}), "values", dict,
                   "prior_state.", {})
    refreshed = {r.address: r for r in module_records(
        path, _field(path, prior, "root_module", dict, "prior_state.values.", {}))}
    configured = _configuration_index(path, _field(path, doc, "configuration", dict, "", {}))
    before = dict(refreshed)
    after = {a: replace(r, values=copy.deepcopy(r.values)) for a, r in refreshed.items()}
    hidden_changes: dict[str, set[str]] = {}
    for address, change in drifted.items():
        rtype = addresses.parse(address).type  # type: ignore[union-attr]
        sensitive = sensitivity_union(change.get("before_sensitive"),
                                      change.get("after_sensitive"))
        was, now = change.get("before"), change.get("after")
        actions = tuple(change.get("actions") or ())
        if isinstance(was, dict) and isinstance(now, dict) and sensitive:
            hidden_changes[address] = _sensitive_changes(was, now, sensitive)
        if isinstance(was, dict):
            before[address] = Record(address=address, type=rtype, values=was,
                                     sensitive=sensitive)
        if actions in _GONE or not isinstance(now, dict):
            after.pop(address, None)
        else:
            after[address] = Record(address=address, type=rtype, values=now,
                                    sensitive=sensitive)
    leaving = _leaving(doc)  # the plan deletes them: their drift does not matter
    for side in (before, after):
        for address in leaving:
            side.pop(address, None)
        for rec in side.values():
            rec.values = _set_by_code(rec, configured)
    return TerraformDrift(origin=path, before=build(list(before.values()), path, "plan"),
                          after=build(list(after.values()), path, "plan"),
                          sensitive_changes={a: keys & set(before[a].values)
                                             for a, keys in hidden_changes.items()
                                             if a in before and keys & set(before[a].values)})


def _sensitive_changes(was: dict[str, Any], now: dict[str, Any], sensitive: Any) -> set[str]:
    """The attributes (top-level names) with a sensitive part whose value changed: masked,
    both sides read the same, yet Terraform saw them differ."""
    return {key for key in {*was, *now}
            if (sensitive is True or any_true(_child_tree(sensitive, key)))
            and was.get(key) != now.get(key)}


def _child_tree(tree: Any, key: str) -> Any:
    return tree.get(key) if isinstance(tree, dict) else None


def _leaving(doc: dict[str, Any]) -> set[str]:
    """Addresses the plan deletes (or forgets) and does not create again."""
    return {rc["address"] for rc in doc.get("resource_changes") or []
            if isinstance(rc, dict) and isinstance(rc.get("change"), dict)
            and tuple(rc["change"].get("actions") or ()) in _GONE
            and isinstance(rc.get("address"), str)}


def _set_by_code(rec: Record, configured: dict[tuple[tuple[str, ...], str], _Configured]
                 ) -> dict[str, Any]:
    """The record's values that its configuration sets, with what identifies it (and, for
    a folded type, names its parent); all of them where the plan has no configuration."""
    parsed = addresses.parse(rec.address)
    found = configured.get(parsed.config_key) if parsed else None
    if not found:
        return rec.values
    spec = spec_for(rec.type)
    keep = {"id", "arn", "region", *([spec.tf_id] if spec else []),
            *([folds()[rec.type][1].parent_ref] if rec.type in folds() else [])}
    tree = {**found[0], **dict.fromkeys(keep, True)}
    kept: dict[str, Any] = _keep(rec.values, tree)
    return kept


def _keep(values: Any, tree: Any) -> Any:
    """`values` cut to the paths of a set-by-code tree (blocks: what any of them sets)."""
    if tree is True:
        return values
    if isinstance(values, list):
        return [_keep(v, tree) for v in values]
    if isinstance(values, dict) and isinstance(tree, dict):
        return {k: _keep(v, tree[k]) for k, v in values.items() if k in tree}
    return values


# Attributes the code sets: True for an attribute (its whole value), a tree of the same
# for a nested block (what any of its blocks sets).
SetByCode = dict[str, Any]


def _unknown_set_by_code(after_unknown: Any, set_by_code: SetByCode | None) -> Any:
    """Keep unknowns the code asked for (and those the spec says the provider derives from
    other resources); an unset attribute computed by the provider is the provider's
    default, not a value the code leaves open. Inside nested blocks too (an EKS cluster's
    vpc_config.0.public_access_cidrs): an attribute that no block of that type sets is
    the provider's."""
    if not isinstance(after_unknown, dict) or set_by_code is None:
        return after_unknown
    return _prune(after_unknown, set_by_code)


def _prune(unknown: Any, tree: Any) -> Any:
    if tree is True:
        return unknown
    if isinstance(unknown, list):  # the blocks of one type: what any of them sets
        return [_prune(u, tree) for u in unknown]
    if isinstance(unknown, dict):  # a leaf (true, false) is kept as it is, without a call
        return {k: _prune(v, tree[k]) if isinstance(v, dict | list) else v
                for k, v in unknown.items() if k in tree}
    return unknown


def _set_tree(expressions: dict[str, Any]) -> SetByCode:
    """What a resource's (or a block's) configuration expressions set. A block is an
    object of expressions, or a list of them (one per block); an expression is an object
    with `references` or `constant_value` (or empty, for a function of nothing)."""
    tree: SetByCode = {}
    for key, expr in expressions.items():
        blocks = expr if isinstance(expr, list) else [expr]
        if blocks and all(isinstance(b, dict) and b and "references" not in b
                          and "constant_value" not in b for b in blocks):
            for block in blocks:
                tree[key] = _merge(tree.get(key, {}), _set_tree(block))
        else:
            tree[key] = True
    return tree


def _merge(a: Any, b: Any) -> Any:
    if a is True or b is True:
        return True
    return {k: _merge(a[k], b[k]) if k in a and k in b else a.get(k, b.get(k))
            for k in {*a, *b}}


_Configured = tuple[SetByCode, dict[str, list[str]], str | None]


def _configuration_index(origin: str, config: dict[str, Any]) -> dict[
    tuple[tuple[str, ...], str], _Configured
]:
    """(module path, type.name) -> (attributes the code sets, their references, the key of
    its provider configuration)."""
    index: dict[tuple[tuple[str, ...], str], _Configured] = {}

    def walk(module: dict[str, Any], path: tuple[str, ...], where: str) -> None:
        for n, res in enumerate(_field(origin, module, "resources", list, where, [])):
            res = _object(origin, res, f"{where}resources[{n}]")
            if not _managed(origin, res, f"{where}resources[{n}]: ", "managed"):
                continue
            _type(origin, res, f"{where}resources[{n}]: ", "")
            expressions = _field(origin, res, "expressions", dict, f"{where}resources[{n}].",
                                 {})
            refs: dict[str, list[str]] = {}
            _references(origin, expressions, "", refs)
            provider = res.get("provider_config_key")
            index[(path, f"{res.get('type')}.{res.get('name')}")] = (
                _set_tree(expressions), refs, provider if isinstance(provider, str) else None)
        calls = _field(origin, module, "module_calls", dict, where, {})
        for name, call in calls.items():
            call = _object(origin, call, f"{where}module_calls.{name}")
            walk(_field(origin, call, "module", dict, f"{where}module_calls.{name}.", {}),
                 (*path, name), f"{where}module_calls.{name}.module.")

    walk(_field(origin, config, "root_module", dict, "configuration.", {}), (),
         "configuration.root_module.")
    return index


def _provider_regions(origin: str, config: dict[str, Any]) -> dict[str, str]:
    """Provider configuration key (`aws`, `aws.west`, `module.net:aws`) -> the region it
    sets, where the code writes it as a constant (a variable's value is not in the plan's
    configuration)."""
    regions: dict[str, str] = {}
    for key, provider in _field(origin, config, "provider_config", dict, "configuration.",
                                {}).items():
        provider = _object(origin, provider, f"configuration.provider_config.{key}")
        expressions = provider.get("expressions")
        region = expressions.get("region") if isinstance(expressions, dict) else None
        value = region.get("constant_value") if isinstance(region, dict) else None
        if isinstance(value, str) and value:
            regions[key] = value
    return regions


def _references(origin: str, expressions: Any, prefix: str, out: dict[str, list[str]]
                ) -> None:
    """Each expression's references by attribute path; nested blocks are objects or lists
    of objects of expressions (`launch_template.0.id`)."""
    if isinstance(expressions, list):
        for n, block in enumerate(expressions):
            _references(origin, block, f"{prefix}{n}.", out)
        return
    if not isinstance(expressions, dict):
        return
    for attr, expr in expressions.items():
        if not isinstance(expr, dict | list):
            continue
        if isinstance(expr, dict) and "references" in expr:
            refs = expr["references"]
            if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
                raise InputError(origin, f"configuration: the references of {prefix}{attr} "
                                         f"are {kind_of(refs)}, not a list of names")
            if refs:
                out[prefix + attr] = list(refs)
        elif isinstance(expr, dict) and ("constant_value" in expr or not expr):
            continue
        else:
            _references(origin, expr, f"{prefix}{attr}.", out)


def module_records(path: str, module: dict[str, Any]) -> list[Record]:
    """Managed resources of a planned_values / show -json values module tree."""
    return [_module_record(path, res) for res in module_resources(path, module)]


def module_resources(path: str, module: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The managed resources of a module tree, each checked: an object with an address,
    a mode Terraform writes and a type that is a string."""
    stack = [module]
    while stack:
        mod = _object(path, stack.pop(), "a module")
        for res in mod.get("resources") or []:
            res = _object(path, res, "a resource in a module")
            where = f"resource {str(res.get('address'))[:80]}: "
            if not _managed(path, res, where, "managed") or not res.get("address"):
                continue
            _type(path, res, where, "")
            yield res
        stack.extend(reversed(mod.get("child_modules") or []))


def _module_record(path: str, res: dict[str, Any]) -> Record:
    values = resolved(res.get("values"))
    if not isinstance(values, dict):
        values = {}
    return Record(address=res["address"], type=res.get("type", ""), values=values,
                  sensitive=res.get("sensitive_values"))


def _managed(path: str, res: dict[str, Any], where: str, default: str | None) -> bool:
    """Whether a resource is managed (not a data source); a mode Terraform does not
    write is an error, never a resource silently left out."""
    mode = res.get("mode", default)
    if mode is None:
        raise InputError(path, f"{where}no mode (managed or data)")
    if mode not in ("managed", "data"):
        raise InputError(path, f"{where}mode is {kind_of(mode)} {str(mode)[:40]!r}, "
                               "neither managed nor data")
    return bool(mode == "managed")


def _type(path: str, res: dict[str, Any], where: str, default: str) -> str:
    """A resource's type: a string (an integer would be counted and never checked)."""
    rtype = res.get("type", default)
    if not isinstance(rtype, str):
        raise InputError(path, f"{where}type is {kind_of(rtype)}, not a string")
    return rtype


def _object(path: str, value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(path, f"{what} is {kind_of(value)}, not an object")
    return value


_KINDS: dict[type, str] = {dict: "an object", list: "a list", str: "a string"}


def _field(path: str, obj: dict[str, Any], key: str, kind: type, where: str,
           default: Any) -> Any:
    """`obj[key]` when it is of `kind`, `default` when it is absent or null; any other
    value is an error naming the field (`where` is the path to `obj`)."""
    value = resolved(obj.get(key))
    if value is None:
        return default
    if not isinstance(value, kind):
        raise InputError(path, f"{where}{key} is {kind_of(value)}, not {_KINDS[kind]}")
    return value


def state_records(path: str, doc: dict[str, Any]) -> list[Record]:
    version = doc.get("version")
    if version != 4:
        raise InputError(
            path,
            f"Terraform state format version {version} is not supported (expected 4, written "
            "by Terraform 0.12 and later; `terraform state pull` with a current Terraform "
            "upgrades it)",
        )
    tf_version = str(doc.get("terraform_version", ""))
    match = _VERSION.match(tf_version)
    if not match:
        raise InputError(path, f"terraform_version {tf_version!r} is not a version number")
    if (int(match[1]), int(match[2])) < (0, 12):
        raise InputError(path, f"state format 4 cannot come from Terraform {tf_version} "
                               "(format 4 starts with 0.12); the file is inconsistent")
    resources = doc.get("resources")
    if not isinstance(resources, list):
        raise InputError(path, "state has no resources list")
    records: list[Record] = []
    for res in resources:
        _object(path, res, "a state resource")
        if not _managed(path, res, f"resource {res.get('type')}.{res.get('name')}: ", None):
            continue
        _type(path, res, f"resource {res.get('type')}.{res.get('name')}: ", "")
        for inst in res.get("instances") or []:
            if _object(path, inst, "a resource instance").get("deposed"):
                continue  # a replaced object awaiting destroy
            values = inst.get("attributes") if isinstance(inst.get("attributes"), dict) else {}
            where = f"resource {res.get('type')}.{res.get('name')}: "
            sensitive = tree_from_paths(path, _field(path, inst, "sensitive_attributes", list,
                                                     where, []))
            records.append(Record(
                address=addresses.join(_field(path, res, "module", str, where, ""),
                                       res.get("type", ""), res.get("name", ""),
                                       addresses.index_of(inst.get("index_key"))),
                type=res.get("type", ""),
                values=values,
                sensitive=sensitive,
            ))
    return records


def tree_from_paths(origin: str, paths: list[Any]) -> dict[str, Any]:
    """State `sensitive_attributes` (lists of get_attr/index steps) as a sensitivity tree."""
    tree: dict[str, Any] = {}
    for path in paths:
        if not isinstance(path, list):
            raise InputError(origin, f"sensitive_attributes holds {kind_of(path)}, not a "
                                     "path (a list of steps)")
        steps = [step.get("value") for step in path if isinstance(step, dict)]
        steps = [s.get("value") if isinstance(s, dict) else s for s in steps]
        if not steps:
            continue
        node: Any = tree
        for step in steps[:-1]:
            node = node.setdefault(str(step), {})
            if node is True:
                break
        else:
            node[str(steps[-1])] = True
    return tree
