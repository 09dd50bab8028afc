"""The `driftguard` command. Exit codes: 0 clean, 1 findings at or above --fail-on,
2 bad input, bad config or engine error, 3 incomplete."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from driftguard import __version__
from driftguard.errors import DriftguardError

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_INCOMPLETE = 0, 1, 2, 3
FORMATS = ("text", "json")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="driftguard", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"driftguard {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="check Terraform plans and state against the policies")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE",
                       help="`terraform show -json` plan, or Terraform state")
    check.add_argument("--format", choices=FORMATS, default="text")
    check.add_argument("--output", "-o", type=Path, help="write the report here, not stdout")
    check.add_argument("--fail-on", metavar="SEVERITY",
                       help="lowest severity that fails: info, low, medium, high, critical")
    check.add_argument("--config", "-c", type=Path, help="config file (YAML)")
    check.add_argument("--policy", action="append", type=Path, default=[], metavar="DIR",
                       help="extra Rego policy directory (repeatable)")
    check.add_argument("--timings", action="store_true", help="print stage timings to stderr")
    check.set_defaults(run=_run_check)
    return parser


def _run_check(args: argparse.Namespace) -> int:
    from driftguard import pipeline
    from driftguard.config import load_config
    from driftguard.model import Severity
    from driftguard.report import FORMATS as RENDERERS

    config = load_config(args.config)
    if args.fail_on:
        try:
            config.fail_on = Severity.parse(args.fail_on)
        except ValueError as exc:
            raise DriftguardError(f"--fail-on: {exc}") from None
    result = pipeline.check(args.files, config, args.policy)
    _emit(RENDERERS[args.format](result), args.output)
    if args.timings:
        print(" ".join(f"{k}={v:.3f}s" for k, v in result.timings.items()), file=sys.stderr)
    return EXIT_FINDINGS if result.failing() else EXIT_CLEAN


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise DriftguardError(f"{output}: cannot write report: {exc.strerror or exc}") from None


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except DriftguardError as exc:
        print(f"driftguard: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: still one line, never a traceback, unless asked
        if os.environ.get("DRIFTGUARD_DEBUG"):
            raise
        print(f"driftguard: internal error: {type(exc).__name__}: {exc} "
              "(set DRIFTGUARD_DEBUG=1 for the traceback)", file=sys.stderr)
        return EXIT_ERROR
