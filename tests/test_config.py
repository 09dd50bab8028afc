"""A Config is immutable once loaded: per-run settings are derived copies."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pydantic
import pytest

from driftguard.config import Config
from driftguard.model import Severity


def test_overrides_make_a_new_config_and_leave_the_old_one() -> None:
    base = Config.model_validate({"scan": {"states": ["a.tfstate"], "strict": True}})
    derived = base.with_overrides(fail_on=Severity.high, scan={"states": ["b.tfstate"]})
    assert (derived.fail_on, derived.scan.states, derived.scan.strict) == (
        Severity.high, ["b.tfstate"], True)
    assert (base.fail_on, base.scan.states) == (Severity.low, ["a.tfstate"])
    with pytest.raises(pydantic.ValidationError):
        base.scan.strict = False  # type: ignore[misc]
    with pytest.raises(TypeError, match="scan has no setting state"):
        base.with_overrides(scan={"state": []})


def test_loading_a_config_with_crontab_lines_does_not_import_the_scheduler(
        tmp_path: Path) -> None:
    """The daemon checks crontab lines (daemon/jobs.py); check and scan need no scheduler."""
    path = tmp_path / "dg.yaml"
    path.write_text("serve: {jobs: [{name: x, cron: '*/5 * * * *'}]}\n"
                    "slack: {digest_cron: '0 9 * * 1-5'}\n")
    code = ("import sys; from pathlib import Path; from driftguard.config import load_config; "
            f"c = load_config(Path({str(path)!r}), environ={{}}); "
            "assert c.serve.jobs[0].interval is None, c.serve.jobs[0]; "
            "print(sorted(m for m in sys.modules if m.startswith('apscheduler')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out == "[]\n"


@pytest.mark.parametrize("section, key", [("opa", "token_env"), ("serve", "api_token_env"),
                                          ("slack", "token_env")])
def test_a_token_pasted_where_its_variable_is_named_is_refused_unseen(
        tmp_path: Path, section: str, key: str) -> None:
    """D26: every `*_env` setting names a variable; a token written there is refused, and
    the error does not repeat it."""
    from driftguard.config import load_config
    from driftguard.errors import InputError

    config = tmp_path / "driftguard.yaml"
    config.write_text(f'{section}:\n  {key}: "SECRET-CANARY-TOKEN-{section}/xyz"\n')
    with pytest.raises(InputError) as err:
        load_config(config, {})
    assert f"{section}.{key}: Value error, must name an environment variable" in str(err.value)
    assert "SECRET-CANARY" not in str(err.value)
