"""Shell completion scripts (`driftguard completion bash|zsh|fish`), generated from the
command line parser itself, so a new command or option completes without an edit here:
commands, their options, the choices of an option (`--format`), and file names elsewhere.
"""

from __future__ import annotations

import argparse
import shlex

SHELLS = ("bash", "zsh", "fish")


def _commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
              ) -> dict[tuple[str, ...], argparse.ArgumentParser]:
    """Every (sub)command path, e.g. ("policy", "test"), with its parser; () is the top."""
    found = {prefix: parser}
    for action in parser._actions:  # noqa: SLF001 - argparse's only way to its tree
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for name, sub in action.choices.items():
                found.update(_commands(sub, (*prefix, name)))
    return found


def _words(parser: argparse.ArgumentParser) -> tuple[list[str], list[str],
                                                       dict[str, list[str]]]:
    """(subcommands, options, option -> its choices) of one parser."""
    subs: list[str] = []
    options: list[str] = []
    choices: dict[str, list[str]] = {}
    for action in parser._actions:  # noqa: SLF001
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            subs += list(action.choices)
        elif not action.option_strings and action.choices:  # `completion SHELL`
            subs += [str(c) for c in action.choices]
        for flag in action.option_strings:
            options.append(flag)
            if action.choices and not isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
                choices[flag] = [str(c) for c in action.choices]
    return subs, options, choices


def script(parser: argparse.ArgumentParser, shell: str) -> str:
    commands = _commands(parser)
    prog = parser.prog
    if shell == "fish":
        return _fish(prog, commands)
    body = _bash(prog, commands)
    if shell == "zsh":
        return ("#compdef " + prog + "\n# driftguard completion for zsh: "
                f"eval \"$({prog} completion zsh)\" in ~/.zshrc\n"
                "autoload -U +X bashcompinit && bashcompinit\n" + body)
    return (f"# driftguard completion for bash: eval \"$({prog} completion bash)\" in "
            "~/.bashrc\n" + body)


def _bash(prog: str, commands: dict[tuple[str, ...], argparse.ArgumentParser]) -> str:
    func = "_" + prog.replace("-", "_")
    cases = []
    for path, parser in commands.items():
        subs, options, choices = _words(parser)
        key = " ".join(path)
        for flag, values in choices.items():
            cases.append(f"    {shlex.quote(key + '|' + flag)}) COMPREPLY=($(compgen -W "
                         f"{shlex.quote(' '.join(values))} -- \"$cur\")); return;;")
        words = " ".join([*subs, *options])
        files = "" if subs else ' -f'
        cases.append(f"    {shlex.quote(key + '|')}*) COMPREPLY=($(compgen -W "
                     f"{shlex.quote(words)}{files} -- \"$cur\")); return;;")
    known = " ".join(sorted({w for p in commands for w in p}))
    return f"""{func}() {{
  [[ -n "${{ZSH_VERSION-}}" ]] && setopt localoptions ksharrays  # bash's 0-based arrays
  local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="${{COMP_WORDS[COMP_CWORD-1]}}" path="" w
  local known=" {known} "
  for w in "${{COMP_WORDS[@]:1:COMP_CWORD-1}}"; do
    case "$w" in -*) ;; *) [[ "$known" == *" $w "* ]] && path="${{path:+$path }}$w";; esac
  done
  case "$path|$prev" in
{chr(10).join(c for c in cases if "|-" in c)}
  esac
  case "$path|" in
{chr(10).join(c for c in cases if "|-" not in c)}
  esac
}}
complete -o default -F {func} {prog}
"""


def _fish(prog: str, commands: dict[tuple[str, ...], argparse.ArgumentParser]) -> str:
    lines = [f"# driftguard completion for fish: {prog} completion fish | source",
             f"complete -c {prog} -f"]
    for path, parser in commands.items():
        subs, _, choices = _words(parser)
        if path:
            cond = " && ".join(f"__fish_seen_subcommand_from {w}" for w in path)
        else:
            cond = "not __fish_seen_subcommand_from " + " ".join(subs)
        for action in parser._actions:  # noqa: SLF001
            if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
                for name, helped in zip(action.choices, action._choices_actions,  # noqa: SLF001
                                        strict=False):
                    lines.append(f"complete -c {prog} -n {shlex.quote(cond)} -a {name} "
                                 f"-d {shlex.quote((helped.help or '').split(',')[0][:60])}")
                continue
            if not action.option_strings and action.choices:
                lines.append(f"complete -c {prog} -n {shlex.quote(cond)} -a "
                             f"{shlex.quote(' '.join(map(str, action.choices)))}")
            for flag in action.option_strings:
                opt = f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}"
                values = choices.get(flag)
                extra = f" -xa {shlex.quote(' '.join(values))}" if values else (
                    " -r -F" if action.nargs != 0 else "")
                lines.append(f"complete -c {prog} -n {shlex.quote(cond or 'true')} {opt}{extra}"
                             f" -d {shlex.quote((action.help or '')[:60])}")
        if path and not subs and any(a.option_strings == [] for a in parser._actions):  # noqa: SLF001
            lines.append(f"complete -c {prog} -n {shlex.quote(cond)} -F")
    return "\n".join(lines) + "\n"
