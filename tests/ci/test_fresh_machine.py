"""The README's test command on a fresh machine: `make test` installs the Debian packages
the tests need (.ci/system-packages --test: Prometheus and Alertmanager) before it runs
them, or says in one line what to install; `.ci/run` runs `make test` and nothing else that
the README does not."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SYSTEM_PACKAGES = REPO / ".ci/system-packages"
# Debian package -> the commands of it that the tests run (shutil.which in the tests).
PACKAGES = {"prometheus": ("prometheus", "promtool"),
            "prometheus-alertmanager": ("prometheus-alertmanager", "amtool"),
            "chromium": ("chromium",), "chromium-driver": ("chromedriver",)}


def test_make_test_installs_the_system_packages_before_anything_runs(tmp_path: Path) -> None:
    """From a clean clone (no .venv yet): the packages, the venv, then the test packages
    (--test) before ruff, mypy and pytest."""
    # --no-print-directory: under `make test` itself, a nested make prints "Entering".
    proc = subprocess.run(["make", "--no-print-directory", "-n", "test",
                           f"VENV={tmp_path}/venv"],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "sh .ci/system-packages"
    assert lines.index("sh .ci/system-packages") < lines.index(f"python3 -m venv {tmp_path}/venv")
    tests = lines.index("sh .ci/system-packages --test")
    assert all(tests < i for i, line in enumerate(lines)
               if re.search(r"/bin/(ruff|mypy|python -m pytest)", line)), lines


def test_the_packages_it_installs_are_the_ones_the_tests_run() -> None:
    script = SYSTEM_PACKAGES.read_text()
    for package, commands in PACKAGES.items():
        assert f'missing="$missing {package}"' in script
        for command in commands:
            test_files = [p for p in (REPO / "tests").rglob("*.py")
                          if f'"{command}"' in (text := p.read_text()) and "shutil.which" in text
                          and p.parent.name != "ci"]
            assert test_files, f"no test runs {command}: drop {package} from the script"
    if os.geteuid() == 0 or all(shutil.which(c) for cs in PACKAGES.values() for c in cs):
        dpkg = shutil.which("dpkg")
        for package, commands in PACKAGES.items():
            for command in commands:
                path = shutil.which(command)
                if path and dpkg:  # each command is the package's own
                    owner = subprocess.run([dpkg, "-S", path], capture_output=True,
                                           text=True, timeout=30).stdout
                    assert owner.startswith(f"{package}: "), (command, owner)


def _fresh_path(root: Path) -> str:
    """A PATH with the script's own tools (sh, id; a python3 with venv) and no Prometheus,
    and the script beside them, all readable by anyone (the script may run as nobody)."""
    bin_dir = root / "bin"
    bin_dir.mkdir(mode=0o755)
    shutil.copy(SYSTEM_PACKAGES, bin_dir / "system-packages")
    (bin_dir / "python3").write_text("#!/bin/sh\nexit 0\n")  # import ensurepip, venv: fine
    for name in ("system-packages", "python3"):
        (bin_dir / name).chmod(0o755)
    for tool in ("sh", "id"):
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    return str(bin_dir)


def test_without_root_it_says_in_one_line_what_to_install() -> None:
    """Never installs (not root): exit 1 and the apt-get command, one line."""
    with tempfile.TemporaryDirectory() as root:  # outside pytest's own (mode 700)
        Path(root).chmod(0o755)
        _run_unprivileged(_fresh_path(Path(root)))


def _run_unprivileged(path: str) -> None:
    command = ["sh", f"{path}/system-packages", "--test"]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("root, and no setpriv to run the script as another user")
        command = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=60,
                          env={"PATH": path}, cwd=path)
    assert (proc.returncode, proc.stdout) == (1, "")
    names = " ".join(PACKAGES)
    assert proc.stderr == (f"driftguard: missing Debian packages: {names} "
                           f"(run: sudo apt-get install {names})\n")


def test_with_the_packages_there_it_does_nothing() -> None:
    if not all(shutil.which(c) for cs in PACKAGES.values() for c in cs):
        pytest.skip("the test packages are not all installed here")
    proc = subprocess.run(["sh", str(SYSTEM_PACKAGES), "--test"], capture_output=True,
                          text=True, timeout=60)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_ci_runs_the_readmes_command_and_nothing_else() -> None:
    """.ci/run: make itself when missing (to run the command at all), the corpus beside the
    repository (the README says CI runs with it), then `make test`, last; nothing else."""
    lines = [line.strip() for line in (REPO / ".ci/run").read_text().splitlines()
             if line.strip() and not line.strip().startswith("#")]
    assert lines[-1] == "make test"
    allowed = [r"set -euo pipefail", r'cd "\$\(dirname "\$0"\)/\.\."',
               r"if ! command -v make >/dev/null 2>&1; then", r"apt-get update -qq",
               r"DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "
               r"--no-install-recommends make",
               r'if \[ -z "\$\{DRIFTGUARD_CORPUS:-\}" \] && \[ -d \.\./shared/corpus \]; then',
               r'export DRIFTGUARD_CORPUS="\$\(cd \.\./shared/corpus && pwd\)"', r"fi"]
    others = [line for line in lines[:-1] if not any(re.fullmatch(a, line) for a in allowed)]
    assert others == []
    readme = " ".join((REPO / "README.md").read_text().split())
    assert "make test # the test suite" in readme
    assert "`.ci/run` is what CI runs: `make test`, with the corpus beside the repository" in readme
