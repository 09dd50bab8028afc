"""The command line explains itself: `--help` in whole sentences, `version` with the
policy bundle and the engine, and completion scripts that complete (bash runs them)."""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys

import pytest

from driftguard import __version__
from driftguard.cli import build_parser, main
from driftguard.completion import _commands
from driftguard.report import FORMATS


def every_help() -> list[tuple[str, str]]:
    found = []
    for path, parser in _commands(build_parser()).items():
        found.append((" ".join(path) or "driftguard", parser.description or ""))
        for action in parser._actions:
            if action.help and action.help != argparse.SUPPRESS:
                found.append((f"{' '.join(path)} {'/'.join(action.option_strings)}",
                              action.help))
    return found


def test_help_texts_are_whole_sentences() -> None:
    for where, text in every_help():
        assert text, f"{where}: no help"
        # cut mid-sentence: a trailing comma, colon, or a word that wants more after it
        assert not re.search(r"([,;:]|\b(and|or|the|a|of|to|at|with))$", text.strip()), where
    for path, parser in _commands(build_parser()).items():
        if path:
            assert parser.description and parser.description[0].isupper() \
                and parser.description.endswith("."), path


def test_the_top_help_says_what_it_is_and_the_exit_codes(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "finds what drifted in the live account." in out
    assert "3 incomplete (some sources or collectors failed)." in out


def test_version(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DRIFTGUARD_CONFIG", raising=False)
    monkeypatch.delenv("DRIFTGUARD_ENGINE", raising=False)
    assert main(["version"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"driftguard {__version__}"
    assert re.fullmatch(r"policy bundle [0-9a-f]{12} \(built-in: \d+ files, \d+ rules\)",
                        lines[1])
    assert re.fullmatch(r"engine embedded \(regorus, gordon-to-regorus [\d.]+\)", lines[2])
    monkeypatch.setenv("DRIFTGUARD_ENGINE", "opa")
    assert main(["version"]) == 0
    assert capsys.readouterr().out.splitlines()[2] == (
        "engine opa (an OPA server at http://127.0.0.1:8181, mode push)")


def complete(script: str, words: list[str]) -> list[str]:
    """What bash offers after `words` (the last one is being typed)."""
    line = " ".join(words)
    driver = f"""{script}
COMP_WORDS=({line}); [[ "{line}" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1))
_driftguard
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    out = subprocess.run(["bash", "-c", driver], capture_output=True, text=True, check=True,
                         timeout=30)
    return out.stdout.split()


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_bash_completes_commands_options_and_choices(tmp_path, monkeypatch) -> None:
    script = subprocess.run([sys.executable, "-m", "driftguard", "completion", "bash"],
                            capture_output=True, text=True, check=True).stdout
    monkeypatch.chdir(tmp_path)
    assert {"check", "scan", "init", "doctor", "completion"} <= set(
        complete(script, ["driftguard", ""]))
    assert complete(script, ["driftguard", "do"]) == ["doctor"]
    assert "--fail-on" in complete(script, ["driftguard", "check", "--fa"])
    assert complete(script, ["driftguard", "check", "--format", "sa"]) == ["sarif"]
    assert complete(script, ["driftguard", "policy", ""]) == ["test", "-h", "--help"]
    assert complete(script, ["driftguard", "completion", ""])[:3] == ["bash", "zsh", "fish"]


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_scripts_name_every_command(shell: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", shell]) == 0
    script = capsys.readouterr().out
    for path in _commands(build_parser()):
        for word in path:
            assert re.search(rf"\b{re.escape(word)}\b", script), (shell, word)
    if shell == "fish":
        assert "complete -c driftguard -n '__fish_seen_subcommand_from check' -l format " \
               f"-xa '{' '.join(sorted(FORMATS))}'" in script
    else:
        assert script.startswith("#compdef driftguard")
    binary = shutil.which(shell)
    if binary:  # the shell parses it
        flag = ["-n"] if shell == "zsh" else ["--no-execute"]
        subprocess.run([binary, *flag], input=script, text=True, check=True, timeout=30)
