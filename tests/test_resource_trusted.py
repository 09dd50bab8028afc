"""Resource.trusted makes what Resource.model_construct makes (it sets the same fields
itself, for speed): the same state, equality, dumps and copies."""

from __future__ import annotations

from typing import Any

from driftguard.model import Resource


def fields() -> dict[str, Any]:
    """Every field of a Resource, fresh lists and dicts each time."""
    return {"type": "aws_instance", "id": "i-1", "address": "aws_instance.web",
            "source": "plan", "origin": "plan.json", "account": "123456789012",
            "region": "eu-west-1", "action": "create",
            "attributes": {"instance_type": "m5.large"},
            "raw": {"instance_type": "m5.large", "ami": "ami-1"}, "unknown": ["ami"]}


def test_a_trusted_resource_is_what_model_construct_makes() -> None:
    assert set(fields()) == set(Resource.model_fields)  # every one, as the loaders give them
    trusted, constructed = Resource.trusted(**fields()), Resource.model_construct(**fields())
    for name in ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__",
                 "__pydantic_private__"):
        assert getattr(trusted, name) == getattr(constructed, name), name
    assert trusted == constructed
    assert trusted.model_dump() == constructed.model_dump()
    assert trusted.model_dump_json() == constructed.model_dump_json()
    assert trusted.model_copy(update={"id": "i-2"}).id == "i-2"
    assert Resource.model_validate(trusted.model_dump()) == trusted
    trusted.unknown.append("tags")  # lists the loaders fill in later (folds, links)
    assert trusted.unknown == ["ami", "tags"]


def test_a_resource_given_fewer_fields_gets_its_defaults() -> None:
    given = {k: v for k, v in fields().items() if k not in ("account", "attributes")}
    resource = Resource.trusted(**given)
    assert resource == Resource.model_construct(**given)
    assert resource.account is None and resource.attributes == {}
