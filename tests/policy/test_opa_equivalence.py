"""Same answers: the embedded and the opa engines give identical findings.

Both engines run over the whole Rego test suite (policies/**/*_test.rego), the example plan
and state, and the corpus's plans, states and CloudFormation templates. The opa engine
talks to a real OPA server when DRIFTGUARD_OPA_URL is set (e.g. `docker run -p 8181:8181
openpolicyagent/opa run --server`), else to tests/policy/opa_double.py: OPA's REST API
over HTTP, answered by OPA's own Go engine (tests/policy/real_opa.py). So "the same
findings" compares regorus with OPA, in the normal run: nothing here is skipped when the
corpus is beside the repository or named by DRIFTGUARD_CORPUS (which must then exist).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from driftguard import pipeline
from driftguard.config import Config
from driftguard.errors import DriftguardError
from driftguard.policy.evaluate import builtin_dir
from driftguard.policy.opa import OpaEngine
from driftguard.policy.testing import run_policy_tests

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted([*REPO.glob("configs/examples/*.json"), *REPO.glob("configs/examples/*.tfstate")])
# Not the defaults, so that a data document the opa engine failed to push would show.
SETTINGS = {"allowed_instance_types": ["t3.*", "g5.*", "p4d.*"], "admin_ports": [22, 3389, 5432],
            "required_tags": ["owner"]}


def _config(engine: str, url: str, mode: str = "push") -> Config:
    return Config.model_validate({"engine": engine, "policy": SETTINGS,
                                  "opa": {"url": url, "mode": mode, "ready_timeout": 5}})


def _findings(path: Path, config: Config) -> list[dict[str, object]]:
    return [f.model_dump() for f in pipeline.check([path], config).findings]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_same_findings_on_the_examples(opa_url: str, example: Path) -> None:
    embedded = _findings(example, _config("embedded", opa_url))
    assert _findings(example, _config("opa", opa_url)) == embedded
    if example.name == "ml-plan.json":
        assert len(embedded) >= 7  # the example was built to show violations


def _same_findings(path: Path, opa_url: str) -> None:
    """The same findings; or, for a file that is bad input, the same error before either
    engine runs."""
    try:
        embedded = _findings(path, _config("embedded", opa_url))
    except DriftguardError as exc:
        with pytest.raises(type(exc)) as through_opa:
            _findings(path, _config("opa", opa_url))
        assert str(through_opa.value) == str(exc)
        return
    assert _findings(path, _config("opa", opa_url)) == embedded


def test_same_findings_on_the_corpus_plans(opa_url: str, corpus_plan: str | None,
                                           corpus_dir: Path) -> None:
    _same_findings(corpus_dir / "plan" / str(corpus_plan), opa_url)


def test_same_findings_on_the_corpus_states(opa_url: str, corpus_state: str | None,
                                            corpus_dir: Path) -> None:
    _same_findings(corpus_dir / "state" / str(corpus_state), opa_url)


def test_same_findings_on_the_corpus_templates(opa_url: str, corpus_cfn: str | None,
                                               corpus_dir: Path) -> None:
    _same_findings(corpus_dir / "cfn" / str(corpus_cfn), opa_url)


def test_same_findings_in_bundle_mode(opa_url: str) -> None:
    """Mode bundle queries what the server holds: here what a push left there."""
    example = REPO / "configs/examples/ml-plan.json"
    embedded = _findings(example, _config("embedded", opa_url))
    assert _findings(example, _config("opa", opa_url, "push")) == embedded
    assert _findings(example, _config("opa", opa_url, "bundle")) == embedded
    assert embedded


def test_same_outcomes_on_the_rego_test_suite(opa_url: str) -> None:
    """Every test_* rule of policies/**/*_test.rego, evaluated by both engines."""
    policies = builtin_dir()
    data = {"driftguard": {"config": SETTINGS}}
    embedded = run_policy_tests([policies], data)
    assert len(embedded) > 50 and all(o.passed for o in embedded), \
        [o for o in embedded if not o.passed]

    files = [(p, p.read_text(encoding="utf-8")) for p in sorted(policies.rglob("*.rego"))]
    with OpaEngine(_config("opa", opa_url).opa, files, data) as engine:
        # one query per top-level package (each new query costs OPA a compile)
        documents = {root: engine.query(root).get("result", {})
                     for root in {o.package.split(".")[0] for o in embedded}}
    through_opa = {(o.file, o.package, o.name): _value(documents, o.package, o.name) is True
                   for o in embedded}
    assert through_opa == {(o.file, o.package, o.name): o.passed for o in embedded}


def _value(documents: dict[str, Any], package: str, name: str) -> Any:
    node: Any = documents
    for part in [*package.split("."), name]:
        node = node.get(part) if isinstance(node, dict) else None
    return node
