"""Writing Terraform state v4 documents, shaped as the AWS provider writes them (the demo,
the tests and the benchmarks declare what they build in moto this way)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PROVIDER = 'provider["registry.terraform.io/hashicorp/aws"]'


class TerraformState:
    """A Terraform state v4 document, resource by resource."""

    def __init__(self, lineage: str = "5c1e2d7a-0b9e-4c51-9d3a-6f0e1d2c3b4a") -> None:
        self.lineage = lineage
        self.resources: list[dict[str, Any]] = []

    def add(self, rtype: str, name: str, attributes: dict[str, Any], *, index_key: Any = None,
            sensitive: tuple[str, ...] = (), schema_version: int = 0) -> None:
        instance: dict[str, Any] = {
            "schema_version": schema_version, "attributes": attributes,
            "sensitive_attributes": [[{"type": "get_attr", "value": s}] for s in sensitive],
            "private": "bnVsbA==",
        }
        if index_key is not None:
            instance["index_key"] = index_key
        for res in self.resources:
            if (res["type"], res["name"]) == (rtype, name):
                res["instances"].append(instance)
                return
        self.resources.append({"mode": "managed", "type": rtype, "name": name,
                               "provider": PROVIDER, "instances": [instance]})

    def doc(self) -> dict[str, Any]:
        return {"version": 4, "terraform_version": "1.9.5", "serial": 3,
                "lineage": self.lineage, "outputs": {},
                "resources": self.resources, "check_results": None}

    def write(self, path: Path) -> Path:
        path.write_text(json.dumps(self.doc(), indent=2), encoding="utf-8")
        return path
