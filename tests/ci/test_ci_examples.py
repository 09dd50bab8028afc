"""The CI examples in configs/ci/ and the pre-commit hooks run the commands they claim to.

Each test reads the YAML, finds every `driftguard ...` command the way the CI service
would run it (environment variables expanded, working directory and earlier steps'
exports applied), runs it as `python -m driftguard ...` in a scratch workspace where the
Terraform plan path holds configs/examples/ml-plan.json (the example plan has violations,
so the gate must exit 1), and checks the report files that the workflow then publishes:
SARIF for code scanning, JUnit for GitLab, Markdown for the job summary.

What cannot run here (terraform, pip install from the git remote, the CI services) is
checked for shape only: the plan that terraform writes is the file driftguard reads, the
upload steps name the files driftguard writes and still run when the gate fails.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from plans import change, plan, write

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_PLAN = REPO / "configs/examples/ml-plan.json"
GITHUB = REPO / "configs/ci/github-actions.yml"
GITLAB = REPO / "configs/ci/gitlab-ci.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"
VIOLATIONS = 1  # driftguard's exit code when the plan breaks a rule

# Report formats that can be written to a file, and how to tell that one is valid.
FORMAT_OPTS = ("-f", "--format")
OUTPUT_OPTS = ("-o", "--output")


# --------------------------------------------------------------------------- helpers

def expand(text: str, env: dict[str, str]) -> str:
    """Expand ${{ env.X }}, ${X} and $X the way the runner's shell and templating do."""
    text = re.sub(r"\$\{\{\s*env\.(\w+)\s*\}\}", lambda m: env.get(m.group(1), ""), text)
    return re.sub(r"\$(?:\{(\w+)\}|(\w+))",
                  lambda m: env.get(m.group(1) or m.group(2), ""), text)


def shell_lines(script: str | list[str]) -> list[str]:
    """Logical shell lines of a `run:` block or a `script:` list (backslash continuations)."""
    text = "\n".join(script) if isinstance(script, list) else script
    return [ln.strip() for ln in text.replace("\\\n", " ").splitlines()
            if ln.strip() and not ln.strip().startswith("#")]


def clean_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRIFTGUARD_")}
    env.update(extra)
    return env


@dataclass
class Run:
    argv: list[str]
    proc: subprocess.CompletedProcess[str]
    outputs: dict[str, Path] = field(default_factory=dict)  # format -> file
    stdout_format: str = "text"


def run_driftguard(line: str, env: dict[str, str], cwd: Path) -> Run:
    """Run one `driftguard ...` line (already expanded) as `python -m driftguard ...`."""
    argv = shlex.split(line)
    assert argv[0] == "driftguard", line
    outputs, to_stdout, current = {}, [], None
    i = 1
    while i < len(argv):
        if argv[i] in FORMAT_OPTS:
            if current:
                to_stdout.append(current)
            current, i = argv[i + 1], i + 2
            continue
        if argv[i] in OUTPUT_OPTS:
            assert current, f"--output before any --format in: {line}"
            outputs[current] = cwd / argv[i + 1]
            current, i = None, i + 2
            continue
        i += 1
    if current:
        to_stdout.append(current)
    if any(a in FORMAT_OPTS for a in argv):
        assert len(to_stdout) <= 1, f"more than one report on stdout: {line}"
    for path in outputs.values():
        path.unlink(missing_ok=True)
    proc = subprocess.run([sys.executable, "-m", "driftguard", *argv[1:]], cwd=cwd,
                          env=clean_env(env), capture_output=True, text=True, timeout=120)
    return Run(argv, proc, outputs, to_stdout[0] if to_stdout else "text")


def check_report(fmt: str, path: Path) -> None:
    """The file exists and is a valid report of its format, with the example's findings."""
    assert path.is_file(), f"{fmt} report {path} was not written"
    text = path.read_text(encoding="utf-8")
    if fmt == "sarif":
        doc = json.loads(text)
        assert doc["version"] == "2.1.0"
        run = doc["runs"][0]
        assert run["tool"]["driver"]["name"] == "driftguard"
        assert run["results"], "no results in SARIF"
        for res in run["results"]:
            uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            assert not uri.startswith(("/", "file:")), f"SARIF uri not repo-relative: {uri}"
    elif fmt == "junit":
        root = ET.fromstring(text)
        assert root.tag in ("testsuites", "testsuite")
        assert int(root.get("failures", "0")) > 0
        assert root.iter("testcase"), "no test cases"
    elif fmt == "json":
        doc = json.loads(text)
        assert doc["schema"].startswith("driftguard.check/") and doc["findings"]
    elif fmt == "markdown":
        assert text.strip() and "driftguard" in text and "|" in text
    else:
        assert text.strip()


def check_stdout(fmt: str, out: str) -> None:
    if fmt == "github":
        lines = out.strip().splitlines()
        assert lines and all(ln.startswith("::") for ln in lines), out[:500]
        assert any(ln.startswith("::error ") for ln in lines)
    elif fmt == "text":
        assert out.strip().splitlines()[-1].startswith("FAIL:"), out[-500:]


# --------------------------------------------------------------------------- schemas

@pytest.mark.parametrize(("path", "schema"), [
    (GITHUB, "vendor.github-workflows"), (GITLAB, "vendor.gitlab-ci")], ids=["github", "gitlab"])
def test_ci_examples_match_the_services_schemas(path: Path, schema: str) -> None:
    """SchemaStore's schemas of the two services, as check-jsonschema ships them (offline)."""
    pytest.importorskip("check_jsonschema")
    proc = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                           schema, str(path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# --------------------------------------------------------------------------- GitHub Actions

def _github() -> dict[str, Any]:
    doc = yaml.safe_load(GITHUB.read_text())
    doc["on"] = doc.pop(True, doc.get("on"))  # YAML 1.1 reads the key `on` as true
    return doc


def test_github_workflow_parses_and_has_a_gate_job() -> None:
    doc = _github()
    assert doc["name"] and doc["on"] and doc["jobs"]
    assert doc["permissions"]["security-events"] == "write"  # needed by upload-sarif
    for job in doc["jobs"].values():
        assert job["runs-on"] and job["steps"]
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), step


def test_github_workflow_commands_run(tmp_path: Path) -> None:
    doc = _github()
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    summary = tmp_path / "step-summary.md"
    github_env = tmp_path / "github-env"
    runs: list[tuple[dict[str, Any], Run]] = []
    plan_path: Path | None = None
    for job in doc["jobs"].values():
        exported: dict[str, str] = {}  # what earlier steps appended to $GITHUB_ENV
        for step in job["steps"]:
            env = {**{k: str(v) for k, v in doc.get("env", {}).items()},
                   **{k: str(v) for k, v in job.get("env", {}).items()},
                   **exported,
                   **{k: str(v) for k, v in step.get("env", {}).items()},
                   "GITHUB_WORKSPACE": str(workspace), "GITHUB_ENV": str(github_env),
                   "GITHUB_STEP_SUMMARY": str(summary)}
            cwd = workspace / expand(step.get("working-directory", "."), env)
            for line in shell_lines(step.get("run", "")):
                line = expand(line, env)
                m = re.match(r'echo\s+"(\w+)=(.*)"\s+>>\s+"?' + re.escape(str(github_env)),
                             line)
                if m:
                    exported[m.group(1)] = m.group(2)
                m = re.search(r"terraform .*show -json \S+ > (\S+)$", line)
                if m:  # terraform writes the plan here: put the example plan there
                    plan_path = cwd / shlex.split(m.group(1))[0]
                    plan_path.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(EXAMPLE_PLAN, plan_path)
                if line.startswith("driftguard "):
                    assert plan_path is not None, "driftguard runs before the plan exists"
                    assert str(plan_path.relative_to(cwd)) in shlex.split(line), \
                        f"driftguard does not read the plan terraform wrote: {line}"
                    runs.append((step, run_driftguard(line, env, cwd)))
            if "uses" in step and "upload-sarif" in step["uses"]:
                sarif = cwd / step["with"]["sarif_file"]
                assert any(r.outputs.get("sarif") == sarif for _, r in runs), \
                    f"upload-sarif reads {sarif}, which no driftguard step writes"
                cond = str(step.get("if", ""))
                assert "always()" in cond or "!cancelled()" in cond, \
                    "the SARIF upload must run after the gate step fails"
    assert runs, "no driftguard command found in the workflow"
    for step, run in runs:
        assert run.proc.returncode == VIOLATIONS, (run.argv, run.proc.stderr)
        assert not step.get("continue-on-error"), "the gate must fail the job"
        check_stdout(run.stdout_format, run.proc.stdout)
        for fmt, path in run.outputs.items():
            check_report(fmt, path)
    assert summary.read_text().startswith("<!-- driftguard"), "job summary not written"


# pip's form for a package from a git remote at a ref: needs the remote, so shape only.
PIP_FROM_GIT = re.compile(r'^python -m pip install "git\+https://[^\s"@]+@[^\s"@]+"$')


def test_github_workflow_installs_driftguard_from_its_repository() -> None:
    doc = _github()
    env = {k: str(v) for k, v in doc["env"].items()}
    lines = [expand(ln, env) for job in doc["jobs"].values() for step in job["steps"]
             for ln in shell_lines(step.get("run", "")) if "pip install" in ln]
    assert lines == ['python -m pip install "git+https://github.com/your-org/driftguard@main"']
    assert PIP_FROM_GIT.match(lines[0])


# --------------------------------------------------------------------------- GitLab CI

GITLAB_RESERVED = {"stages", "variables", "workflow", "default", "include", "image",
                   "services", "before_script", "after_script", "cache"}


def _gitlab_jobs() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    doc = yaml.safe_load(GITLAB.read_text())
    jobs = {k: v for k, v in doc.items()
            if k not in GITLAB_RESERVED and not k.startswith(".") and isinstance(v, dict)}
    return doc, jobs


def test_gitlab_ci_parses_and_jobs_are_well_formed() -> None:
    doc, jobs = _gitlab_jobs()
    assert jobs
    for name, job in jobs.items():
        assert job["stage"] in doc["stages"], name
        assert job["script"], name
        for need in job.get("needs", []):
            assert need in jobs, f"{name} needs unknown job {need}"


def test_gitlab_ci_commands_run(tmp_path: Path) -> None:
    doc, jobs = _gitlab_jobs()
    project = tmp_path / "project"
    project.mkdir()
    plan_artifacts: dict[str, Path] = {}  # job -> plan it writes
    ran = 0
    for name, job in jobs.items():
        env = {**{k: str(v) for k, v in doc.get("variables", {}).items()},
               **{k: str(v) for k, v in job.get("variables", {}).items()},
               "CI_PROJECT_DIR": str(project)}
        cwd = project
        runs: list[Run] = []
        for line in shell_lines(job.get("before_script", []) + job["script"]):
            line = expand(line, env)
            m = re.match(r"export (\w+)=(.*)$", line)
            if m:
                env[m.group(1)] = shlex.split(m.group(2))[0]
            if "pip install" in line:
                assert PIP_FROM_GIT.match(line), line
                continue
            m = re.match(r"cd (.+)$", line)
            if m:
                cwd = cwd / shlex.split(m.group(1))[0]
            m = re.search(r"terraform .*show -json \S+ > (\S+)$", line)
            if m:
                target = cwd / shlex.split(m.group(1))[0]
                plan_artifacts[name] = target
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(EXAMPLE_PLAN, target)
                assert str(target.relative_to(project)) in job["artifacts"]["paths"], \
                    f"{name} does not keep the plan it writes as an artifact"
            if line.startswith("driftguard "):
                needs = set(job.get("needs", []))
                assert needs & set(plan_artifacts), f"{name} runs before any plan job"
                runs.append(run_driftguard(line, env, cwd))
        for run in runs:
            ran += 1
            assert run.proc.returncode == VIOLATIONS, (run.argv, run.proc.stderr)
            check_stdout(run.stdout_format, run.proc.stdout)
            for fmt, path in run.outputs.items():
                check_report(fmt, path)
        if runs:
            artifacts = job["artifacts"]
            assert artifacts.get("when") == "always", "reports must be kept when the gate fails"
            junit = project / artifacts["reports"]["junit"]
            assert any(r.outputs.get("junit") == junit for r in runs), \
                f"reports:junit names {junit}, which no driftguard command writes"
            check_report("junit", junit)
            for path in artifacts.get("paths", []):
                assert (project / path).is_file(), f"artifact {path} not written"
    assert ran, "no driftguard command found in the GitLab CI example"


# --------------------------------------------------------------------------- pre-commit

PRE_COMMIT_LANGUAGES = {"conda", "coursier", "dart", "docker", "docker_image", "dotnet",
                        "fail", "golang", "haskell", "julia", "lua", "node", "perl",
                        "pygrep", "python", "r", "ruby", "rust", "script", "swift",
                        "system", "unsupported", "unsupported_script"}
HOOK_KEYS = {"id", "name", "entry", "language", "files", "exclude", "types", "types_or",
             "exclude_types", "additional_dependencies", "args", "always_run",
             "fail_fast", "pass_filenames", "description", "language_version",
             "log_file", "minimum_pre_commit_version", "require_serial", "stages",
             "verbose", "alias"}


def _hooks() -> dict[str, dict[str, Any]]:
    hooks = yaml.safe_load(HOOKS.read_text())
    assert isinstance(hooks, list)
    return {h["id"]: h for h in hooks}


def test_pre_commit_hooks_schema() -> None:
    hooks = _hooks()
    assert set(hooks) == {"driftguard-check", "driftguard-policy-test"}
    for hook in hooks.values():
        assert {"id", "name", "entry", "language"} <= set(hook), hook
        assert set(hook) <= HOOK_KEYS, set(hook) - HOOK_KEYS
        assert hook["language"] in PRE_COMMIT_LANGUAGES
        assert shlex.split(hook["entry"])[0] == "driftguard"
        re.compile(hook.get("files", ""))
        assert "files" in hook or "types" in hook
        for key in ("types", "types_or", "exclude_types"):
            assert isinstance(hook.get(key, []), list)


def test_pre_commit_hooks_validate_with_pre_commit_itself() -> None:
    clientlib = pytest.importorskip("pre_commit.clientlib")
    manifest = clientlib.load_manifest(str(HOOKS))  # raises on a schema error
    assert {h["id"] for h in manifest} == set(_hooks())


@pytest.mark.parametrize(("path", "matches"), [
    ("plan.json", True), ("infra/plan.json", True), ("prod.tfplan.json", True),
    ("envs/prod/eu.tfplan.json", True), ("package.json", False), ("myplan.json", False),
    ("plan.json.bak", False), ("prod.tfplan", False),
])
def test_driftguard_check_hook_selects_plan_files(path: str, matches: bool) -> None:
    hook = _hooks()["driftguard-check"]
    assert bool(re.search(hook["files"], path)) is matches


def test_driftguard_policy_test_hook_selects_rego() -> None:
    hook = _hooks()["driftguard-policy-test"]
    assert re.search(hook["files"], "policies/network/sg_admin_ports.rego")
    assert not re.search(hook["files"], "policies/README.md")
    assert hook.get("pass_filenames") is False  # `policy test` takes folders, not files


def _hook_argv(hook: dict[str, Any], files: list[Path]) -> list[str]:
    entry = shlex.split(hook["entry"])
    argv = [sys.executable, "-m", "driftguard", *entry[1:], *hook.get("args", [])]
    return argv + ([str(f) for f in files] if hook.get("pass_filenames", True) else [])


def test_driftguard_check_hook_fails_on_violations(tmp_path: Path) -> None:
    hook = _hooks()["driftguard-check"]
    staged = [tmp_path / "prod.tfplan.json", tmp_path / "infra" / "plan.json"]
    for f in staged:
        f.parent.mkdir(exist_ok=True)
        shutil.copy(EXAMPLE_PLAN, f)
        assert re.search(hook["files"], str(f.relative_to(tmp_path)))
    proc = subprocess.run(_hook_argv(hook, staged), cwd=tmp_path, env=clean_env({}),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == VIOLATIONS, proc.stderr
    assert "DG-NET-003" in proc.stdout and "2 files" in proc.stdout.splitlines()[-1]


def test_driftguard_check_hook_passes_a_clean_plan(tmp_path: Path) -> None:
    hook = _hooks()["driftguard-check"]
    clean = write(tmp_path, plan(change("aws_ebs_volume.v", {"encrypted": True})),
                  name="clean.tfplan.json")
    proc = subprocess.run(_hook_argv(hook, [clean]), cwd=tmp_path, env=clean_env({}),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("args", [[], ["policies/network"]], ids=["builtin", "args"])
def test_driftguard_policy_test_hook_runs(tmp_path: Path, args: list[str]) -> None:
    hook = {**_hooks()["driftguard-policy-test"]}
    hook["args"] = [str(REPO / a) for a in args]  # as a user's `args:` would name folders
    proc = subprocess.run(_hook_argv(hook, [REPO / "policies/lib/driftguard.rego"]),
                          cwd=tmp_path, env=clean_env({}), capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    assert re.search(r"^\d+ passed, 0 failed$", proc.stdout, re.M)


def test_builtin_policies_variable_points_at_a_folder(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "driftguard", "check", str(EXAMPLE_PLAN)], cwd=tmp_path,
        env=clean_env({"DRIFTGUARD_BUILTIN_POLICY_DIR": str(REPO / "policies")}),
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == VIOLATIONS, proc.stderr
