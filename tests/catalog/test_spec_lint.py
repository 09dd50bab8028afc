"""Lint every catalog spec against botocore's service models and the catalog itself.

A spec is declarative data that the collector, the loaders and the docs trust blindly: a
typo in an operation name or an attribute only shows up against a live account, or never.
These checks catch it offline. Every test is parametrized by Terraform type so that a
failure names the spec.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import botocore
import botocore.session
import jmespath
import pytest

from driftguard.catalog import specs
from driftguard.catalog.permissions import permissions
from driftguard.catalog.services import SERVICES, iam_action
from driftguard.catalog.spec import IMPORT_FIELD, IMPORT_FIELDS, KEY, Attr, ResourceSpec
from driftguard.collect.engine import detail_waves

# No table of types here: a type is whatever the catalog holds, and its CloudFormation
# type and its paging are checked against cfn-lint's schemas and botocore's models.

# Attribute kinds as docs/canonical-model.md writes them: alternatives joined by `|`.
KINDS = {"str", "bool", "int", "map", "object", "null", "list[str]", "list[bool]",
         "list[rule]"}

IAM_PERMISSION = re.compile(r"^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$")
CFN_TYPE = re.compile(r"^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$")

TYPES = sorted(specs())


@pytest.fixture(params=TYPES)
def spec(request: pytest.FixtureRequest) -> ResourceSpec:
    return specs()[request.param]


@cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@cache
def service_model(service: str) -> Any:
    return _session().get_service_model(service)


@cache
def operations(service: str) -> dict[str, str]:
    """boto3 method name (snake_case) -> botocore operation name."""
    return {botocore.xform_name(op): op for op in service_model(service).operation_names}


def operation_model(service: str, method: str) -> Any:
    name = operations(service).get(method)
    assert name is not None, f"{service} has no operation {method!r}"
    return service_model(service).operation_model(name)


def can_paginate(service: str, operation_name: str) -> bool:
    try:
        _session().get_paginator_model(service).get_paginator(operation_name)
    except ValueError:
        return False
    return True


class _ListOf:
    """The shape of a JMESPath projection's result: a list of `member`."""

    type_name = "list"

    def __init__(self, member: Any) -> None:
        self.member = member


class _Structure:
    """A structure a JMESPath expression builds (`{name: @}`), or an item with a field the
    collector adds (a parent's id)."""

    type_name = "structure"

    def __init__(self, name: str, members: dict[str, Any]) -> None:
        self.name, self.members = name, members


class _String:
    type_name = "string"
    name = "string"


def result_shape(node: dict[str, Any], shape: Any) -> Any:
    """The botocore shape that a parsed JMESPath expression yields on `shape`."""
    kind, children = node["type"], node["children"]
    if kind in ("identity", "current"):
        return shape
    if kind == "multi_select_dict":  # `{name: @}`: plain ids as items with a field
        return _Structure("{...}", {pair["value"]: result_shape(pair["children"][0], shape)
                                    for pair in children})
    if kind == "function_expression" and node["value"] == "join":  # an id made of fields
        parts = [result_shape(child, shape) for child in children[1]["children"]]
        assert all(p.type_name == "string" for p in parts), "join() of non-strings"
        return _String()
    if kind == "field":
        assert shape.type_name == "structure", f"{node['value']!r} read from a {shape.type_name}"
        assert node["value"] in shape.members, (
            f"{shape.name} has no member {node['value']!r} (members: {sorted(shape.members)})")
        return shape.members[node["value"]]
    if kind == "subexpression":
        return result_shape(children[1], result_shape(children[0], shape))
    if kind == "flatten":
        inner = result_shape(children[0], shape)
        assert inner.type_name == "list", f"[] applied to a {inner.type_name}"
        return _ListOf(inner.member.member) if inner.member.type_name == "list" else inner
    if kind == "projection":
        left = result_shape(children[0], shape)
        assert left.type_name == "list", f"projection over a {left.type_name}"
        return _ListOf(result_shape(children[1], left.member))
    if kind == "multi_select_list":  # `[@]`: the whole response as the only item
        shapes = [result_shape(child, shape) for child in children]
        assert all(s is shapes[0] for s in shapes), "[a, b] of different shapes"
        return _ListOf(shapes[0])
    raise AssertionError(f"the lint does not know JMESPath node {kind!r}: extend result_shape")


def all_attrs(spec: ResourceSpec) -> Iterator[tuple[str, Attr]]:
    """(where, attr) for the spec's own attributes and every fold's."""
    for attr in spec.attrs:
        yield spec.tf_type, attr
    for fold in spec.folds:
        for attr in fold.attrs:
            yield fold.tf_type, attr


# --- the catalog as a whole ------------------------------------------------------------


def test_every_spec_module_is_named_after_its_type() -> None:
    """One file per type, named after it: `aws_s3_bucket.py` defines aws_s3_bucket's SPEC."""
    catalog = importlib.import_module("driftguard.catalog")
    modules = [m.name for m in pkgutil.iter_modules(catalog.__path__)]
    named = {name: getattr(importlib.import_module(f"{catalog.__name__}.{name}"), "SPEC", None)
             for name in modules if name.startswith("aws_")}
    wrong = {name: getattr(s, "tf_type", None) for name, s in named.items()
             if getattr(s, "tf_type", None) != name}
    assert wrong == {}, "a catalog module must define the SPEC of the type it is named after"
    assert set(named) == set(specs()), "a spec in a module not named after its type"


def test_every_spec_is_keyed_by_its_own_type() -> None:
    assert all(key == spec.tf_type for key, spec in specs().items())


def test_fold_types_are_unique_and_not_catalog_types() -> None:
    fold_types = [f.tf_type for s in specs().values() for f in s.folds]
    duplicates = sorted({t for t in fold_types if fold_types.count(t) > 1})
    assert duplicates == [], "a Terraform type folds into two parents"
    assert set(fold_types).isdisjoint(specs()), "a type is both a spec and a fold"


def test_a_shared_cfn_type_tells_its_specs_apart() -> None:
    """One spec per CloudFormation type, or several of which all but one say by
    `cfn_when` which resources are theirs."""
    by_type: dict[str, list[ResourceSpec]] = {}
    for spec in specs().values():
        if spec.cfn_type is not None:
            by_type.setdefault(spec.cfn_type, []).append(spec)
        else:
            assert spec.cfn_when is None, f"{spec.tf_type}: cfn_when without cfn_type"
    for cfn_type, group in by_type.items():
        unconditional = [s.tf_type for s in group if s.cfn_when is None]
        assert len(unconditional) <= 1, f"{cfn_type}: {unconditional} claim every resource"
        conditions = [s.cfn_when for s in group if s.cfn_when is not None]
        assert len(conditions) == len(set(conditions)), f"{cfn_type}: one condition twice"


def test_cfn_when_names_a_property(spec: ResourceSpec) -> None:
    if spec.cfn_when is not None and spec.cfn_type is not None:
        assert cfn_path_exists(spec.cfn_type, spec.cfn_when[0]), (
            f"{spec.cfn_type} has no property {spec.cfn_when[0]}")


# --- botocore: the collector's calls exist ------------------------------------------------


def test_service_exists_in_botocore(spec: ResourceSpec) -> None:
    available = _session().get_available_services()
    assert spec.collect.service in available


def test_list_operation_exists(spec: ResourceSpec) -> None:
    assert spec.collect.operation in operations(spec.collect.service), (
        f"{spec.collect.service}.{spec.collect.operation} is not a boto3 method")


def test_list_operation_paginates_unless_it_is_one_setting(spec: ResourceSpec) -> None:
    """A list is paginated (else the collector would read its first page only); a type
    without an id field is one setting per account and region, read with one unpaginated
    get call (its whole response is the only item)."""
    service = spec.collect.service
    name = operation_model(service, spec.collect.operation).name
    if spec.collect.id_field is None:
        assert name.startswith("Get") and not can_paginate(service, name), (
            f"{service}.{name}: a type without id_field is one setting, read with one "
            "unpaginated Get call")
    elif spec.collect.unpaginated:
        assert not can_paginate(service, name), f"{service}.{name} paginates: drop unpaginated"
    else:
        assert can_paginate(service, name), (
            f"{service}.{name} cannot paginate: a list type needs a paginated list call")


def test_list_args_are_inputs_of_the_list_call(spec: ResourceSpec) -> None:
    """Fixed list-call parameters exist, and leave the paging to the paginator."""
    listing = operation_model(spec.collect.service, spec.collect.operation)
    members = listing.input_shape.members if listing.input_shape else {}
    given = [name for name, _ in spec.collect.args]
    assert [g for g in given if g not in members] == [], f"{listing.name} has no such input"
    # A page size may be given (SQS's ListQueues pages only when asked to, with
    # MaxResults); the position in the list is the paginator's.
    tokens = {"NextToken", "Marker", "nextToken", "StartingToken"}
    assert tokens.isdisjoint(given), "the paginator pages: no paging tokens"
    if spec.collect.parent is not None:
        assert spec.collect.parent.param not in given, "the parent's id is the parent's"


def test_detail_operations_exist_and_take_only_the_param(spec: ResourceSpec) -> None:
    for detail in spec.collect.details:
        model = operation_model(spec.collect.service, detail.operation)
        members = model.input_shape.members if model.input_shape else {}
        assert detail.param in members, (
            f"{model.name} has no input member {detail.param!r} (has: {sorted(members)})")
        takes_list = members[detail.param].type_name == "list"
        assert takes_list == detail.id_list, (
            f"{model.name}'s {detail.param} takes {'a list' if takes_list else 'one'} id: "
            f"Detail.id_list={takes_list}")
        # The collector passes only these: any other required parameter makes the call fail.
        required = set(model.input_shape.required_members) if model.input_shape else set()
        given = {detail.param, *(name for name, _ in detail.args),
                 *(name for name, _ in detail.fields)}
        assert given <= set(members), f"{model.name} has no input {given - set(members)}"
        assert required <= given, f"{model.name} also requires {required - given}"
        fields = [f for _, f in detail.fields] + ([detail.source_field]
                                                   if detail.source_field else [])
        stray = [f for f in fields if live_shape(spec, f, of=detail) is None]
        assert stray == [], f"{model.name}: fields neither items nor other details have"


def live_shape(spec: ResourceSpec, path: str, of: Any = None) -> Any:
    """The shape at a live document path: an item field, or a path into another detail's
    response (`describe_table.Table.TableArn`) than `of`; None where there is none."""
    head, *rest = path.split(".")
    details = {d.doc_key: d for d in spec.collect.details if d is not of}
    if head in details:
        output = operation_model(spec.collect.service, details[head].operation).output_shape
        return _shape_at(output, rest)
    return _shape_at(list_item_shape(spec), [head, *rest])


def test_details_can_be_called_in_order(spec: ResourceSpec) -> None:
    """A detail reading another's response does not read one that reads it (a circle)."""
    detail_waves(spec.collect.details)  # raises on a circle


def test_arn_field_is_a_string_of_the_document(spec: ResourceSpec) -> None:
    field = spec.collect.arn_field
    if field is not None:
        shape = live_shape(spec, field)
        assert shape is not None and shape.type_name == "string", f"arn_field {field!r}"


def test_parent_lists_the_ids_the_list_call_takes(spec: ResourceSpec) -> None:
    parent = spec.collect.parent
    if parent is None:
        return
    service = spec.collect.service
    model = operation_model(service, parent.operation)
    assert can_paginate(service, model.name), f"{model.name} cannot paginate"
    ids = result_shape(jmespath.compile(parent.items).parsed, model.output_shape)
    assert ids.type_name == "list" and ids.member.type_name == "string", "ids are strings"
    listing = operation_model(service, spec.collect.operation).input_shape
    assert parent.param in listing.members, f"the list call takes no {parent.param!r}"
    assert parent.param in listing.required_members, "a parent param the call does not need"


def test_items_jmespath_compiles(spec: ResourceSpec) -> None:
    jmespath.compile(spec.collect.items)


def list_item_shape(spec: ResourceSpec) -> Any:
    """The shape of one listed item, with the field a parent's id is added as."""
    collect = spec.collect
    output = operation_model(collect.service, collect.operation).output_shape
    items = result_shape(jmespath.compile(collect.items).parsed, output)
    assert items.type_name == "list", f"{collect.items!r} yields a {items.type_name}, not a list"
    item = items.member
    assert item.type_name == "structure"
    if collect.parent is not None:
        item = _Structure(item.name, {**item.members, collect.parent.field: _String()})
    return item


def _skip_fields(node: dict[str, Any], item: Any) -> None:
    """Every field path a skip expression reads exists in the item's shape (through
    comparisons, and/or/not and function arguments)."""
    if node["type"] in ("field", "subexpression"):
        result_shape(node, item)
    elif node["type"] in ("comparator", "or_expression", "and_expression", "not_expression",
                          "function_expression", "multi_select_list"):
        for child in node["children"]:
            _skip_fields(child, item)
    else:
        assert node["type"] == "literal", f"the lint does not know skip node {node['type']!r}"


def test_skip_reads_item_fields(spec: ResourceSpec) -> None:
    if spec.collect.skip is not None:
        path, values = spec.collect.skip
        _skip_fields(jmespath.compile(path).parsed, list_item_shape(spec))
        assert values, "skip leaves nothing out"


def test_owner_field_is_an_item_field(spec: ResourceSpec) -> None:
    field = spec.collect.owner_field
    if field is not None:
        item = list_item_shape(spec)
        assert field in item.members, f"{item.name} has no owner field {field!r}"
        assert item.members[field].type_name == "string"


def test_items_yield_a_list_of_shapes_with_the_id_field(spec: ResourceSpec) -> None:
    collect = spec.collect
    item = list_item_shape(spec)
    if collect.id_field is None:  # one setting per account and region: the region is the id
        assert not collect.is_global, "a global type needs an id field"
        return
    if collect.id_field in item.members:
        return
    ident = result_shape(jmespath.compile(collect.id_field).parsed, item)  # an expression
    assert ident.type_name == "string", f"{collect.id_field!r} is not an id of {item.name}"


# --- CloudFormation and IAM ---------------------------------------------------------------


def test_cfn_type_is_known(spec: ResourceSpec) -> None:
    """A type in the CloudFormation resource schemas that cfn-lint ships, or None for a
    type CloudFormation cannot declare: then nothing in the spec reads CloudFormation."""
    if spec.cfn_type is None:
        assert not any(a.cfn for a in spec.attrs), "cfn paths on a type without cfn_type"
        assert not spec.cfn_folds, "cfn folds on a type without cfn_type"
        assert not spec.cfn_sensitive, "cfn_sensitive without cfn_type"
    else:
        assert spec.cfn_type in cfn_provider_index(), (
            f"{spec.cfn_type} is not a CloudFormation resource type")
        assert CFN_TYPE.match(spec.cfn_type), f"{spec.cfn_type!r} is not AWS::Service::Type"


def test_service_is_in_the_catalogs_services(spec: ResourceSpec) -> None:
    """Its rate and IAM naming are a decision, not forgotten (catalog/services.py)."""
    assert spec.collect.service in SERVICES, (
        f"add {spec.collect.service!r} to driftguard/catalog/services.py")


def test_permissions_are_derived_from_every_call(spec: ResourceSpec) -> None:
    service = spec.collect.service
    derived = permissions(spec)
    assert derived, "collecting needs at least one permission"
    assert [p for p in derived if not IAM_PERMISSION.match(p)] == [], "not service:Action"
    parent = [spec.collect.parent.operation] if spec.collect.parent else []
    for method in (spec.collect.operation, *(d.operation for d in spec.collect.details),
                   *parent):
        name = operation_model(service, method).name
        assert iam_action(service, name) in derived, f"{name} would be denied"


def test_renamed_iam_actions_name_real_operations() -> None:
    for service, known in SERVICES.items():
        for operation in known.iam_actions:
            assert operation in service_model(service).operation_names, (
                f"catalog/services.py: {service} has no operation {operation}")


# --- attributes, folds and links ----------------------------------------------------------


def test_tf_computed_attributes_are_read(spec: ResourceSpec) -> None:
    read = {path.split(".")[0] for attr in spec.attrs for path in attr.tf}
    assert [a for a in spec.tf_computed if a not in read] == [], "tf_computed reads nothing"


def test_tf_id_is_a_string(spec: ResourceSpec) -> None:
    assert isinstance(spec.tf_id, str) and spec.tf_id


def test_attr_names_are_unique(spec: ResourceSpec) -> None:
    """Attributes and links are named once each; a link may share its name with an
    attribute only where it completes it: in no source does the attribute read a path
    while the link reads `via` (the same value from two places)."""
    for names in ([a.name for a in spec.attrs], [link.name for link in spec.links]):
        assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})
    own = {a.name: a for a in spec.attrs}
    for link in spec.links:
        attr, via = own.get(link.name), own.get(link.via)
        if attr is None or via is None:
            continue
        both = [source for source in ("tf", "cfn", "live")
                if getattr(attr, source) and getattr(via, source)]
        assert both == [], f"link {link.name} and the attribute both read {both}"
        assert attr.kind == via_kind(link), f"link {link.name}: not the attribute's kind"


def via_kind(link: Any) -> str:
    """The kind a link's value has: its target attribute's, nullable (no target)."""
    target = specs()[link.target_type]
    kind = "str" if link.target_attr == KEY else next(
        a.kind for a in target.attrs if a.name == link.target_attr)
    return kind if "null" in kind.split("|") else f"{kind}|null"


def test_attrs_have_doc_and_kind(spec: ResourceSpec) -> None:
    for attr in spec.attrs:
        assert attr.doc.strip(), f"{attr.name} has no doc"
        assert attr.kind.strip(), f"{attr.name} has no kind"
        assert attr.when is None, f"{attr.name}: `when` is for fold attributes only"
    for link in spec.links:
        assert link.doc.strip(), f"link {link.name} has no doc"


def test_attr_kinds_are_known(spec: ResourceSpec) -> None:
    for where, attr in all_attrs(spec):
        unknown = set(attr.kind.split("|")) - KINDS
        assert not unknown, f"{where}.{attr.name}: kind {attr.kind!r} uses {sorted(unknown)}"


def test_converters_take_one_argument_per_path(spec: ResourceSpec) -> None:
    for where, attr in all_attrs(spec):
        assert all(isinstance(p, str) and p for p in attr.tf), f"{where}.{attr.name}: bad path"
        if attr.convert is not None:
            try:
                inspect.signature(attr.convert).bind(*[None] * len(attr.tf))
            except TypeError as exc:
                pytest.fail(f"{where}.{attr.name}: {len(attr.tf)} paths but {exc}")


def test_fold_attrs_are_parent_attrs(spec: ResourceSpec) -> None:
    parent = {a.name for a in spec.attrs}
    for fold in spec.folds:
        assert fold.parent_ref, f"{fold.tf_type} has no parent_ref"
        assert fold.attrs, f"{fold.tf_type} folds nothing"
        stray = [a.name for a in fold.attrs if a.name not in parent]
        assert stray == [], f"{fold.tf_type} sets attributes {spec.tf_type} does not have"


def test_links_point_at_canonical_attrs(spec: ResourceSpec) -> None:
    own = {a.name: a for a in spec.attrs}
    for link in spec.links:
        assert link.via in own, f"link {link.name}: via {link.via!r} is not an attribute here"
        assert own[link.via].kind in ("str", "str|null", "list[str]"), (
            f"link {link.name}: via {link.via!r} does not hold ids")
        target = specs().get(link.target_type)
        assert target is not None, f"link {link.name}: {link.target_type} is not in the catalog"
        assert link.target_attr == KEY or link.target_attr in {a.name for a in target.attrs}, (
            f"link {link.name}: {link.target_type} has no attribute {link.target_attr!r}")


def test_every_kms_key_id_links_its_key(spec: ResourceSpec) -> None:
    """Rules read kms_key_manager to tell a key the input declares (customer-managed by
    definition) from one unknown until apply: every type with a kms_key_id has the link."""
    from driftguard.catalog.convert import KMS_KEY

    has_key = any(a.name == "kms_key_id" for a in spec.attrs)
    assert (KMS_KEY in spec.links) == has_key, (
        f"{spec.tf_type}: kms_key_id and the link catalog.convert.KMS_KEY go together")


def test_needs_are_the_types_links_read_live(spec: ResourceSpec) -> None:
    linked = {link.target_type for link in spec.links}
    stray = [t for t in spec.collect.needs if t not in linked]
    assert stray == [], f"Collect.needs names types no link of {spec.tf_type} reads"


def _shape_at(shape: Any, path: list[str]) -> Any:
    """Walk a botocore shape along a live path (digits and `*` index lists, a map's keys must
    be among its key shape's enum where it has one: SQS's attribute names); None if it
    leaves."""
    for step in path:
        if shape.type_name == "list" and (step.isdigit() or step == "*"):
            shape = shape.member
        elif shape.type_name == "structure" and step in shape.members:
            shape = shape.members[step]
        elif shape.type_name == "map" and step in (shape.key.enum or [step]):
            shape = shape.value
        else:
            return None
    return shape


def test_live_paths_exist_in_the_api_shapes(spec: ResourceSpec) -> None:
    """Every live path names a field the list item or a detail response really has."""
    collect = spec.collect
    item = list_item_shape(spec)
    details = {d.doc_key: operation_model(collect.service, d.operation).output_shape
               for d in collect.details}
    for attr in spec.attrs:
        for path in attr.live:
            head, *rest = path.split(".")
            found = (_shape_at(details[head], rest) if head in details
                     else _shape_at(item, [head, *rest]))
            assert found is not None, f"{spec.tf_type}.{attr.name}: live path {path!r} not in API"


def test_arn_field_is_a_string_the_api_returns(spec: ResourceSpec) -> None:
    """The live address: an item field, or a path into a detail call's response."""
    collect = spec.collect
    if collect.arn_field is None:
        return
    details = {d.doc_key: operation_model(collect.service, d.operation).output_shape
               for d in collect.details}
    head, *rest = collect.arn_field.split(".")
    found = (_shape_at(details[head], rest) if head in details
             else _shape_at(list_item_shape(spec), [head, *rest]))
    assert found is not None and found.type_name == "string", (
        f"{spec.tf_type}: arn_field {collect.arn_field!r} is no string in the API")


def test_live_converters_take_one_argument_per_path(spec: ResourceSpec) -> None:
    for attr in spec.attrs:
        if attr.live_convert is not None:
            try:  # as for tf and cfn paths: a converter may take them as *values
                inspect.signature(attr.live_convert).bind(*[None] * len(attr.live))
            except TypeError as exc:
                pytest.fail(f"{spec.tf_type}.{attr.name}: {len(attr.live)} live paths but {exc}")


# --- CloudFormation property paths, against the resource schemas cfn-lint ships ----------


def _cfn_schemas() -> Path:
    cfnlint = pytest.importorskip("cfnlint", reason="cfn-lint (the `test` extra) ships the "
                                                    "CloudFormation resource schemas")
    return Path(cfnlint.__file__).parent / "data" / "schemas"


@cache
def cfn_provider_index() -> dict[str, str]:
    """Every CloudFormation resource type -> its schema file, from cfn-lint's offline copy
    of the registry (us-east-1, where every type is available)."""
    return dict(json.loads((_cfn_schemas() / "providers" / "us-east-1.json").read_text()))


@cache
def cfn_schema(cfn_type: str) -> dict[str, Any]:
    """The CloudFormation registry schema of a type, from cfn-lint's offline copy."""
    index = cfn_provider_index()
    assert cfn_type in index, f"{cfn_type} is not a CloudFormation resource type"
    path = _cfn_schemas() / "resources" / f"{index[cfn_type]}.json"
    return dict(json.loads(path.read_text()))


def _cfn_nodes(schema: dict[str, Any], node: dict[str, Any]) -> list[dict[str, Any]]:
    """A schema node with its $ref followed and its oneOf/anyOf/allOf branches spread."""
    if "$ref" in node:
        name = node["$ref"].removeprefix("#/definitions/")
        node = schema["definitions"][name]
    out = [node]
    for key in ("oneOf", "anyOf", "allOf"):
        for branch in node.get(key, []):
            out.extend(_cfn_nodes(schema, branch))
    return out


def cfn_path_exists(cfn_type: str, path: str) -> bool:
    schema = cfn_schema(cfn_type)
    nodes = _cfn_nodes(schema, {"properties": schema["properties"]})
    for step in path.split("."):
        found: list[dict[str, Any]] = []
        for node in nodes:
            if (step.isdigit() or step == "*") and "items" in node:
                found.extend(_cfn_nodes(schema, node["items"]))
            elif step in node.get("properties", {}):
                found.extend(_cfn_nodes(schema, node["properties"][step]))
        if not found:
            return False
        nodes = found
    return True


def test_cfn_paths_exist_in_the_resource_schema(spec: ResourceSpec) -> None:
    if spec.cfn_type is None:
        assert not any(a.cfn for a in spec.attrs) and not spec.cfn_folds
        return
    paths = [(spec.cfn_type, p) for a in spec.attrs for p in a.cfn]
    paths += [(spec.cfn_type, p) for p in spec.cfn_sensitive]
    for fold in spec.cfn_folds:
        paths += [(fold.cfn_type, fold.parent_ref)]
        paths += [(fold.cfn_type, p) for a in fold.attrs for p in a.cfn]
    assert paths, f"{spec.tf_type} maps no CloudFormation property"
    missing = [f"{t} {p}" for t, p in paths if not cfn_path_exists(t, p)]
    assert missing == [], "CloudFormation properties not in the resource schema"


def test_every_attribute_read_from_terraform_is_read_from_cloudformation(
        spec: ResourceSpec) -> None:
    """Same policies, same verdicts: what Terraform sets, a template can set too, on the
    type itself or through a type folded into it (AWS::S3::BucketPolicy,
    AWS::EC2::EIPAssociation); the exceptions are Terraform-only bookkeeping, listed here on
    purpose."""
    if spec.cfn_type is None:
        return
    terraform_only = {("aws_vpc", "is_default"), ("aws_subnet", "default_for_az"),
                      # AWS::IAM::ManagedPolicy takes no Tags.
                      ("aws_iam_policy", "tags")}
    folded = {a.name for fold in spec.cfn_folds for a in fold.attrs if a.cfn}
    missing = [a.name for a in spec.attrs if a.tf and not a.cfn and a.name not in folded
               and (spec.tf_type, a.name) not in terraform_only]
    assert missing == []


def test_cfn_converters_take_one_argument_per_path(spec: ResourceSpec) -> None:
    attrs = list(spec.attrs) + [a for f in spec.cfn_folds for a in f.attrs]
    for attr in attrs:
        convert = attr.cfn_convert or attr.convert
        if attr.cfn and convert is not None:
            try:
                inspect.signature(convert).bind(*[None] * len(attr.cfn))
            except TypeError as exc:
                pytest.fail(f"{spec.tf_type}.{attr.name}: {len(attr.cfn)} cfn paths but {exc}")


def test_an_arn_physical_id_is_converted_to_the_canonical_id(spec: ResourceSpec) -> None:
    """Where CloudFormation's physical id (its primary identifier, what Ref returns) is an
    ARN and the live id is not, `cfn_id` must make the canonical id of it: else a deployed
    stack's resources never match their live twins."""
    if spec.cfn_type is None:
        assert spec.cfn_id is None, "cfn_id on a type without cfn_type"
        return
    primary = cfn_schema(spec.cfn_type).get("primaryIdentifier", [])
    arn_named = [p for p in primary if p.endswith("Arn")]
    id_is_arn = bool(spec.collect.id_field and spec.collect.id_field.lower().endswith("arn"))
    if arn_named and not id_is_arn:
        assert spec.cfn_id is not None, (
            f"{spec.cfn_type}'s physical id is {arn_named[0]}: set cfn_id (c.arn_name)")


def test_cfn_physical_id_attributes_are_read_only_properties(spec: ResourceSpec) -> None:
    """Fn::GetAtt names that the spec says return the physical id exist on the type."""
    if not spec.cfn_physical_id:
        return
    assert spec.cfn_type is not None
    read_only = set(cfn_schema(spec.cfn_type).get("readOnlyProperties", []))
    missing = [a for a in spec.cfn_physical_id if f"/properties/{a}" not in read_only]
    assert missing == [], f"{spec.cfn_type} has no read-only property {missing}"


# Types whose Terraform import id is not the live id, from the AWS provider's docs (each
# resource page's "Import" section): every other catalog type imports by its live id
# (instance, volume, group, ... ids; bucket, role, table, ... names; the ARN of policies,
# load balancers, secrets and topics; the URL of queues; `cluster:nodegroup`).
IMPORT_IDS = {
    "aws_cloudtrail": "{arn}",  # "import Cloudtrails using the `arn`"; the live id is the name
    "aws_ebs_encryption_by_default": "default",  # the live id is the region
}


def test_import_ids_are_the_providers() -> None:
    assert {t: s.import_id for t, s in specs().items() if s.import_id is not None} == IMPORT_IDS


def test_import_id_templates_name_known_fields(spec: ResourceSpec) -> None:
    if spec.import_id is None:
        return
    rest = IMPORT_FIELD.sub("", spec.import_id)
    assert "{" not in rest and "}" not in rest, f"{spec.import_id}: fields are {IMPORT_FIELDS}"


def test_import_id_of_a_live_resource() -> None:
    trail = specs()["aws_cloudtrail"]
    arn = "arn:aws:cloudtrail:eu-west-1:123456789012:trail/audit"
    assert trail.terraform_import_id("audit", arn) == arn
    assert trail.terraform_import_id("audit", None) == "audit"  # the name imports too
    assert specs()["aws_ebs_encryption_by_default"].terraform_import_id("eu-west-1") == "default"
    assert specs()["aws_instance"].terraform_import_id("i-0abc", "arn:aws:ec2:...") == "i-0abc"
