"""The `driftguard` command. Exit codes: 0 clean, 1 findings at or above --fail-on,
2 bad input, bad config or engine error, 3 incomplete."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from driftguard import __version__
from driftguard.errors import DriftguardError, InputError

if TYPE_CHECKING:
    from driftguard.config import Config
    from driftguard.model import CheckResult, Severity
    from driftguard.org.shard import Shard

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_INCOMPLETE = 0, 1, 2, 3
DESCRIPTION = ("driftguard keeps AWS infrastructure honest against its code: it checks "
               "Terraform plans, state and\nCloudFormation templates against Rego policies, "
               "and finds what drifted in the live account.")
EPILOG = ("Exit codes: 0 clean, 1 findings at or above --fail-on, 2 bad input, bad config "
          "or engine error,\n3 incomplete (some sources or collectors failed). "
          "`driftguard COMMAND --help` describes a command.")
LIST_FORMATS = ("text", "json")


class _Reports(argparse.Action):
    """`--format F [--output FILE]`, repeatable: each --output belongs to the --format
    before it, so one run writes every report (`--format sarif -o r.sarif --format text`)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 value: Any, option_string: str | None = None) -> None:
        reports = list(getattr(namespace, self.dest) or [])
        if option_string in ("--format", "-f"):
            reports.append([value, None])
        elif not reports or reports[-1][1] is not None:
            reports.append(["text", Path(value)])  # --output alone: the text report
        else:
            reports[-1][1] = Path(value)
        setattr(namespace, self.dest, reports)


def _output_options(cmd: argparse.ArgumentParser) -> None:
    """Options every command that writes reports shares: formats, outputs, threshold."""
    from driftguard.report import EXTENSIONS

    cmd.add_argument("--format", "-f", dest="reports", action=_Reports,
                     choices=sorted(EXTENSIONS), help="report format (repeatable; default text)")
    cmd.add_argument("--output", "-o", dest="reports", action=_Reports, metavar="FILE",
                     help="write the preceding --format's report to FILE, not stdout")
    cmd.add_argument("--fail-on", metavar="SEVERITY",
                     help="lowest severity that fails: info, low, medium, high, critical")
    cmd.add_argument("--verbose", "-v", action="store_true",
                     help="text report: every line of every message, and every warning on "
                          "what AWS made by itself (on a terminal, messages are cut to its "
                          "width)")


def _report_options(cmd: argparse.ArgumentParser) -> None:
    """Options check and scan share: reports, threshold, config, policies, waivers."""
    _output_options(cmd)
    cmd.add_argument("--config", "-c", type=Path, help="config file (YAML)")
    cmd.add_argument("--policy", action="append", type=Path, default=[], metavar="DIR",
                     help="extra Rego policy directory (repeatable)")
    cmd.add_argument("--rule", action="append", default=[], metavar="ID",
                     help="evaluate only this rule: an id or a glob, DG-ENC-* (repeatable; "
                          "drift is still reported)")
    cmd.add_argument("--waivers", type=Path, metavar="FILE",
                     help="reviewed exceptions (YAML): rule, resource, reason, owner, expires")
    cmd.add_argument("--timings", action="store_true", help="print stage timings to stderr")
    cmd.add_argument("--history", type=Path, metavar="FILE",
                     help="finding history (SQLite, created if absent): each finding says "
                          "since when it is open, as the daemon's do")
    cmd.add_argument("--slack", action="store_true",
                     help="also post a summary to Slack (the slack settings; docs/slack.md)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="driftguard", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"driftguard {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="check Terraform plans and state, and CloudFormation "
                                         "templates, against the policies")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE",
                       help="`terraform show -json` plan, Terraform state, or CloudFormation "
                            "template (JSON, or YAML named .yaml/.yml/.template)")
    check.add_argument("--parameter", action="append", default=[], metavar="KEY=VALUE",
                       help="CloudFormation template parameter (repeatable; also AWS::Region)")
    check.add_argument("--parameters-file", action="append", type=Path, default=[],
                       metavar="FILE", help="CloudFormation parameters, as `aws cloudformation "
                                            "deploy --parameter-overrides` takes them")
    check.add_argument("--namespace", action="append", default=[], metavar="NAME",
                       help="package of conftest-style --policy rules to run on each file's "
                            "document (repeatable; default main)")
    check.add_argument("--all-namespaces", action="store_true",
                       help="run the conftest-style rules of every package outside "
                            "driftguard's own")
    check.add_argument("--show-values", action="store_true",
                       help="show every value in the drift that plans report, not only those "
                            "the catalog marks safe to show")
    _report_options(check)
    check.set_defaults(run=_run_check)

    scan = sub.add_parser("scan", help="compare declared sources with the live AWS account")
    scan.add_argument("--state", action="append", default=[], metavar="SRC",
                      help="Terraform state: path, glob or s3://bucket/key (repeatable)")
    scan.add_argument("--plan", action="append", default=[], metavar="FILE",
                      help="`terraform show -json` plan, as declared intent (repeatable)")
    scan.add_argument("--region", action="append", default=[], help="region (repeatable)")
    scan.add_argument("--endpoint-url", help="AWS endpoint (a local moto server, ...)")
    scan.add_argument("--stack", action="append", default=[], metavar="NAME",
                      help="CloudFormation stack name or glob, `*` for all (repeatable)")
    scan.add_argument("--cfn-native-drift", action="store_true",
                      help="also run CloudFormation's drift detection on the stacks")
    scan.add_argument("--type", action="append", default=[], metavar="TYPE",
                      help="also collect this resource type (repeatable)")
    scan.add_argument("--ignore", type=Path, metavar="FILE", help=".driftignore-style rules")
    scan.add_argument("--strict", action="store_true",
                      help="also report resources AWS created by itself (default VPC, ...)")
    scan.add_argument("--show-values", action="store_true",
                      help="show every declared and live value in drift, not only those the "
                           "catalog marks safe to show (tags, descriptions, ...)")
    scan.add_argument("--no-progress", action="store_true",
                      help="no progress lines on stderr (shown only on a terminal, and never "
                           "with a JSON report)")
    scan.add_argument("--shard", metavar="I/N", help="with accounts: scan only shard I of N "
                      "(default: $DRIFTGUARD_SHARD)")
    _report_options(scan)
    scan.set_defaults(run=_run_scan)

    demo = sub.add_parser("demo", help="scan a simulated ML account (local moto server) "
                                       "that drifted from its Terraform state")
    demo.add_argument("--workdir", type=Path, help="keep the generated state here")
    _report_options(demo)
    demo.set_defaults(run=_run_demo)

    serve = sub.add_parser("serve", help="run scheduled scans; serve /metrics, /healthz, "
                                         "/readyz and /api/v1/findings")
    serve.add_argument("--config", "-c", type=Path, help="config file (YAML)")
    serve.add_argument("--listen", metavar="HOST:PORT", help="overrides serve.listen")
    serve.add_argument("--shard", metavar="I/N", help="scan only shard I of N of the accounts' "
                       "units (default: $DRIFTGUARD_SHARD, or a StatefulSet pod's ordinal "
                       "with $DRIFTGUARD_SHARD_COUNT)")
    serve.set_defaults(run=_run_serve)

    report = sub.add_parser("report", help="merge the JSON reports of several shards or runs "
                                           "into one report")
    report.add_argument("sources", nargs="+", metavar="SRC",
                        help="JSON report: path, glob, s3://bucket/key or s3://bucket/prefix/")
    report.add_argument("--endpoint-url", help="S3 endpoint (a local moto server, ...)")
    _output_options(report)
    report.add_argument("--timings", action="store_true",
                        help="print the merged stage timings to stderr")
    report.set_defaults(run=_run_report)

    rules = sub.add_parser("rules", help="list the rules the gate enforces")
    rules.add_argument("--format", choices=LIST_FORMATS, default="text")
    rules.add_argument("--config", "-c", type=Path, help="config file (YAML)")
    rules.add_argument("--policy", action="append", type=Path, default=[], metavar="DIR")
    rules.set_defaults(run=_run_rules)

    catalog = sub.add_parser("catalog", help="list the resource types, their canonical "
                                             "attributes and the rules that read them")
    catalog.add_argument("--format", choices=LIST_FORMATS, default="text")
    catalog.add_argument("--config", "-c", type=Path, help="config file (YAML)")
    catalog.add_argument("--policy", action="append", type=Path, default=[], metavar="DIR")
    catalog.set_defaults(run=_run_catalog)

    policy = sub.add_parser("policy", help="work with Rego policies")
    policy_sub = policy.add_subparsers(dest="policy_command", required=True, metavar="COMMAND")
    test = policy_sub.add_parser("test", help="run the test_* rules of *_test.rego files")
    test.add_argument("dirs", nargs="*", type=Path, metavar="DIR",
                      help="policy directories (default: the built-in policies)")
    test.add_argument("--verbose", "-v", action="store_true",
                      help="print a PASS line for every test, not only the failures")
    test.set_defaults(run=_run_policy_test)

    iam = sub.add_parser("iam-policy", help="print the read-only IAM policy a scan needs")
    iam.add_argument("--state-bucket", action="append", default=[], metavar="BUCKET",
                     help="scope the Terraform state reads to this bucket (repeatable)")
    iam.set_defaults(run=_run_iam_policy)

    version = sub.add_parser("version", help="print driftguard's version, the policy "
                                             "bundle's version and the engine in use")
    version.add_argument("--config", "-c", type=Path, help="config file (YAML)")
    version.set_defaults(run=_run_version)

    completion = sub.add_parser("completion", help="print the shell completion script for "
                                                   "bash, zsh or fish")
    completion.add_argument("shell", choices=("bash", "zsh", "fish"),
                            help="the shell the script is for")
    completion.set_defaults(run=_run_completion)

    init = sub.add_parser("init", help="write a commented driftguard.yaml for this "
                                       "directory, with the regions and Terraform state it "
                                       "finds")
    init.add_argument("--ci", action="store_true", help="for a CI gate (fail on high)")
    init.add_argument("--daemon", action="store_true",
                      help="with the daemon's settings (schedule, metrics, Slack)")
    init.add_argument("--org", action="store_true",
                      help="for the accounts of an AWS organization, through a role in each")
    init.add_argument("--output", "-o", type=Path, default=Path("driftguard.yaml"),
                      metavar="FILE", help="where to write it (default: driftguard.yaml)")
    init.add_argument("--force", action="store_true", help="replace an existing file")
    init.set_defaults(run=_run_init)

    doctor = sub.add_parser("doctor", help="check the config, AWS credentials, permissions, "
                                           "endpoints, OPA, Slack and Prometheus settings")
    doctor.add_argument("--config", "-c", type=Path, help="config file (YAML)")
    doctor.add_argument("--endpoint-url", help="AWS endpoint (a local moto server, ...)")
    doctor.add_argument("--region", action="append", default=[], help="region (repeatable)")
    doctor.set_defaults(run=_run_doctor)
    _describe_commands(parser)
    return parser


def _describe_commands(parser: argparse.ArgumentParser) -> None:
    """Each command's `--help` starts with its summary, as a sentence."""
    for action in parser._actions:  # noqa: SLF001 - argparse's only way to its subparsers
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for choice in action._choices_actions:  # noqa: SLF001
                sub = action.choices[choice.dest]
                if sub.description is None and choice.help:
                    sub.description = choice.help[0].upper() + choice.help[1:] + "."
                _describe_commands(sub)


def _fail_on(args: argparse.Namespace) -> Severity | None:
    from driftguard.model import Severity

    if not args.fail_on:
        return None
    try:
        return Severity.parse(args.fail_on)
    except ValueError as exc:
        raise DriftguardError(f"--fail-on: {exc}") from None


def _exit_code(result: CheckResult) -> int:
    """3 when something could not be read, else 1 when findings fail the gate, else 0."""
    if result.incomplete:
        return EXIT_INCOMPLETE
    return EXIT_FINDINGS if result.failing() else EXIT_CLEAN


def _load_config(args: argparse.Namespace) -> Config:
    from driftguard.config import load_config

    config = load_config(args.config)
    overrides: dict[str, object] = {}
    fail_on = _fail_on(args)
    if fail_on is not None:  # not `or`: info is 0
        overrides["fail_on"] = fail_on
    if args.waivers:
        overrides["waivers"] = args.waivers
    if args.rule:
        overrides["rules"] = args.rule
    return config.with_overrides(**overrides)


def _run_check(args: argparse.Namespace) -> int:
    from driftguard.locations import prefetched

    with prefetched(args.files[0]):  # read while the pipeline's modules load
        from driftguard import pipeline

        config = _load_config(args)
        if args.show_values:
            config = config.with_overrides(scan={"show_values": True})
        from driftguard.policy.conftest import DEFAULT_NAMESPACE, Namespaces

        namespaces = Namespaces(tuple(args.namespace) or (DEFAULT_NAMESPACE,),
                                args.all_namespaces)
        with pipeline.no_gc():  # the reports too: a collection would walk the whole plan
            result = pipeline.check(args.files, config, args.policy,
                                    cfn_parameters=_cfn_parameters(args),
                                    namespaces=namespaces)
            _remember(args, result)
            _write_reports(args, result)
    _post_to_slack(args, config, result)
    return _exit_code(result)


def _cfn_parameters(args: argparse.Namespace) -> dict[str, str]:
    """Files first, then --parameter: the command line wins."""
    from driftguard.declared.cloudformation import parameters

    given: dict[str, str] = {}
    for path in args.parameters_file:
        given.update(parameters.load_file(path))
    given.update(parameters.parse_assignment(text) for text in args.parameter)
    return given


def _run_scan(args: argparse.Namespace) -> int:
    from driftguard import pipeline

    config = _scan_config(args, _load_config(args))
    if config.multi_account():
        result = _scan_accounts(args, config)
    elif config.scan.compares_nothing():
        raise DriftguardError("nothing to compare: give --state, --plan, --stack or --type "
                              "(or scan.states in the config)")
    elif _shows_progress(args):
        from driftguard.progress import TerminalProgress

        with TerminalProgress(sys.stderr) as progress:
            result = pipeline.scan(config, args.policy, progress=progress)
    else:
        result = pipeline.scan(config, args.policy)
    _remember(args, result)
    _write_reports(args, result)
    _post_to_slack(args, config, result)
    return _exit_code(result)


def _scan_config(args: argparse.Namespace, config: Config) -> Config:
    """The config with scan's options: sources and types added, switches turned on."""
    from driftguard.catalog import unknown_type

    problem = unknown_type(args.type)
    if problem:
        raise DriftguardError(f"--type: {problem}")
    scan, aws = config.scan, config.aws
    return config.with_overrides(
        scan={"states": [*scan.states, *args.state], "plans": [*scan.plans, *args.plan],
              "types": [*scan.types, *args.type], "stacks": [*scan.stacks, *args.stack],
              "cfn_native_drift": scan.cfn_native_drift or args.cfn_native_drift,
              "strict": scan.strict or args.strict,
              "show_values": scan.show_values or args.show_values,
              "ignore_file": args.ignore or scan.ignore_file},
        aws={"regions": args.region or aws.regions,
             "endpoint_url": args.endpoint_url or aws.endpoint_url})


def _shard(args: argparse.Namespace) -> Shard | None:
    from driftguard.org.shard import parse_shard, shard_from_environment

    return parse_shard(args.shard) if args.shard else shard_from_environment(os.environ)


def _scan_accounts(args: argparse.Namespace, config: Config) -> CheckResult:
    """Every (account, region) unit of `accounts` / `organization`, or this shard's."""
    from driftguard.collect.clients import AccountClients
    from driftguard.org.runner import scan_organization

    if config.scan.states or config.scan.plans or config.scan.stacks:
        raise DriftguardError("with accounts, declare sources per account (accounts[].states, "
                              ".plans, .stacks, or organization.*), not in the scan section")
    result, _ = scan_organization(config, AccountClients(config.aws), _shard(args), args.policy)
    return result


def _run_demo(args: argparse.Namespace) -> int:
    from driftguard import demo

    def say(line: str) -> None:
        print(line, file=sys.stderr)

    config = _load_config(args)
    result, workdir = demo.run(config, args.workdir, say)
    _remember(args, result)
    _write_reports(args, result)
    _post_to_slack(args, config, result)
    imports = demo.codify(result, workdir)
    unmanaged = sum(1 for d in result.drifts if d.kind == "unmanaged")
    say(f"\nwrote the import blocks of its {unmanaged} unmanaged resource"
        f"{'' if unmanaged == 1 else 's'}: {imports}")
    say("  beside the Terraform code, `terraform plan -generate-config-out=generated.tf` "
        "writes their code")
    return _exit_code(result)


def _run_serve(args: argparse.Namespace) -> int:
    import logging

    from driftguard.config import config_path, listen_port, load_config, where_of
    from driftguard.daemon.http import start_http
    from driftguard.daemon.jobs import check_schedules
    from driftguard.daemon.service import Daemon, stop_signals, wait_for_signal

    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line per run is noise
    path = config_path(args.config)
    config = load_config(path)
    check_schedules(config, where_of(path))  # config.py leaves crontab lines to the daemon
    if args.listen:
        try:
            listen_port(args.listen)
        except ValueError as exc:
            raise DriftguardError(f"--listen {args.listen}: {exc}") from None
        config = config.with_overrides(serve={"listen": args.listen})
    daemon = Daemon(config, where=str(args.config or "configuration"), shard=_shard(args))
    stopping = stop_signals()
    try:
        server = start_http(daemon, config.serve.listen)
    except OSError as exc:
        raise DriftguardError(f"serve.listen {config.serve.listen}: {exc.strerror or exc}")\
            from None
    logging.getLogger("driftguard.serve").info(
        "listening on %s:%d; jobs: %s", *server.server_address[:2], ", ".join(daemon.jobs))
    daemon.start()
    wait_for_signal(stopping)
    clean = daemon.stop()
    server.shutdown()
    logging.shutdown()
    if not clean:  # a scan thread is still in an AWS call: do not wait for it at exit
        os._exit(EXIT_CLEAN)
    daemon.history.close()
    return EXIT_CLEAN


def _run_report(args: argparse.Namespace) -> int:
    from driftguard.config import load_config
    from driftguard.results.merge import merge
    from driftguard.results.reader import read_reports

    def s3_client() -> object:
        from driftguard.collect.clients import ClientFactory

        return ClientFactory(endpoint_url=args.endpoint_url).client("s3")

    def warn(line: str) -> None:
        print(f"driftguard: {line}", file=sys.stderr)

    limit = load_config().max_input_bytes  # the config file or $DRIFTGUARD_MAX_INPUT_MB
    result = merge(read_reports(args.sources, s3_client, limit), _fail_on(args), warn)
    _write_reports(args, result)
    return _exit_code(result)


def _remember(args: argparse.Namespace, result: CheckResult) -> None:
    """`--history FILE`: record the run's findings there (as the daemon records a job's,
    under the command's name), which sets when each was first seen open."""
    if not args.history:
        return
    import datetime as dt

    from driftguard.history import HistoryStore

    store = HistoryStore(args.history)
    try:
        store.record(result.kind, result.findings,
                     (result.scanned_at or dt.datetime.now(dt.UTC)).timestamp(),
                     not_checked=result.not_checked,
                     status="incomplete" if result.incomplete else "ok")
    finally:
        store.close()


def _shows_progress(args: argparse.Namespace) -> bool:
    """Progress lines on stderr: only on a terminal that can redraw lines, and never
    beside a JSON report (whoever reads JSON reads it with a program)."""
    return (not args.no_progress and sys.stderr.isatty()
            and os.environ.get("TERM") != "dumb"
            and not any(fmt == "json" for fmt, _ in args.reports or []))


def _write_reports(args: argparse.Namespace, result: CheckResult) -> None:
    from driftguard.report import FORMATS as RENDERERS

    reports = args.reports or [["text", None]]
    if sum(1 for _, output in reports if output is None) > 1:
        raise DriftguardError("only one report can go to stdout: give the others --output FILE")
    for fmt, output in reports:
        if fmt == "driftignore" and output is not None and output.is_file():
            _emit(_baseline_into(output, result), output)  # its own rules stay
        elif fmt == "text":
            from driftguard.report import text

            width, color = _terminal() if output is None else (None, False)
            _emit(text.render(result, width=width, color=color, verbose=args.verbose), output)
        else:
            _emit(RENDERERS[fmt](result), output)
    if args.timings:
        print(" ".join(f"{k}={v:.3f}s" for k, v in result.timings.items()), file=sys.stderr)


def _terminal() -> tuple[int | None, bool]:
    """(width, colour) of the text report on stdout: a terminal's width ($COLUMNS, when
    set, wins; so a pipe with $COLUMNS is cut to it too) and colours on a terminal only,
    unless $NO_COLOR is set (https://no-color.org) or $TERM is dumb."""
    try:
        tty = os.isatty(sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # not a real file (a test's capture)
        tty = False
    columns = os.environ.get("COLUMNS", "")
    width: int | None = int(columns) if columns.isdigit() and int(columns) > 0 else None
    if width is None and tty:
        width = os.get_terminal_size(sys.stdout.fileno()).columns or None
    color = tty and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    return width, color


def _baseline_into(path: Path, result: CheckResult) -> str:
    """An existing ignore file with this scan's baseline rules that it lacks appended."""
    from driftguard.documents import decode
    from driftguard.locations import read_file
    from driftguard.report.driftignore import merge_into

    return merge_into(decode(path, read_file(path, "cannot read ignore file")), result)


def _post_to_slack(args: argparse.Namespace, config: Config, result: CheckResult) -> None:
    """`--slack`: post the summary. Slack is not part of the gate: a failure is one
    warning line on stderr, and the exit code stays the report's."""
    if not args.slack:
        return
    import logging

    from driftguard.notify import Notifier

    # The warning below says it all: no second copy through logging's last resort.
    logging.getLogger("driftguard.notify").addHandler(logging.NullHandler())
    try:
        notifier = Notifier(config.slack.model_copy(update={"enabled": True}), None)
        problem = notifier.report(result)
    except InputError as exc:  # "slack: no secret found": the line says Slack already
        problem = exc.problem if exc.path.lower() == "slack" else str(exc)
    except DriftguardError as exc:
        problem = str(exc)
    if problem:
        print(f"driftguard: warning: Slack: {' '.join(problem.split())}", file=sys.stderr)


def _run_rules(args: argparse.Namespace) -> int:
    import json

    from driftguard import pipeline
    from driftguard.config import load_config

    config = load_config(args.config)
    rules = sorted(pipeline.load_policies(config, args.policy).rules.values(),
                   key=lambda r: r.id)
    if args.format == "json":
        doc = [{**r.model_dump(exclude={"severity"}), "severity": r.severity.name}
               for r in rules]
        print(json.dumps(doc, indent=2))
        return EXIT_CLEAN
    width = max((len(r.id) for r in rules), default=2)
    print(f"{'ID'.ljust(width)}  SEVERITY  TITLE")
    for r in rules:
        print(f"{r.id.ljust(width)}  {r.severity.name.ljust(8)}  {r.title}")
    return EXIT_CLEAN


def _run_catalog(args: argparse.Namespace) -> int:
    import json

    from driftguard import pipeline
    from driftguard.catalog import describe
    from driftguard.config import load_config
    from driftguard.policy.reads import load_reads, rules_reading

    config = load_config(args.config)
    reads = load_reads(pipeline.policy_dirs(config, args.policy))
    types = [{**t, "rules": rules_reading(reads, t["type"], [
                 a["name"] for a in [*t["attributes"], *t["links"]]])}
             for t in describe.describe_catalog()]
    if args.format == "json":
        print(json.dumps({"schema": describe.SCHEMA, "types": types}, indent=2))
        return EXIT_CLEAN
    sys.stdout.write(describe.text(types))
    return EXIT_CLEAN


def _run_policy_test(args: argparse.Namespace) -> int:
    from driftguard.config import PolicySettings, load_config
    from driftguard.policy.evaluate import builtin_dir, policy_data
    from driftguard.policy.testing import run_policy_tests

    dirs = args.dirs or [builtin_dir()]
    for directory in dirs:
        if not directory.exists():
            raise DriftguardError(f"{directory}: no such policy directory")
    # User tests may call driftguard.lib: load it unless a given directory holds it already.
    lib = (builtin_dir() / "lib").resolve()
    extra = [] if any(lib.is_relative_to(d.resolve()) for d in dirs) else [lib]
    outcomes = run_policy_tests([*extra, *dirs], policy_data(PolicySettings().model_dump()),
                                timeout=load_config().policy_timeout)
    outcomes = [o for o in outcomes if not (extra and o.file.resolve().is_relative_to(lib))]
    for o in outcomes:
        if o.passed and not args.verbose:
            continue
        status = "PASS" if o.passed else "FAIL"
        detail = f": {o.error}" if o.error else ""
        print(f"{status}  {o.file}  {o.package}.{o.name}{detail}")
    failed = sum(1 for o in outcomes if not o.passed)
    print(f"{len(outcomes) - failed} passed, {failed} failed")
    return EXIT_FINDINGS if failed or not outcomes else EXIT_CLEAN


def _run_iam_policy(args: argparse.Namespace) -> int:
    from driftguard.iam import read_only_policy, render

    sys.stdout.write(render(read_only_policy(args.state_bucket)))
    return EXIT_CLEAN


def _run_init(args: argparse.Namespace) -> int:
    from driftguard.config import load_config
    from driftguard.onboard.discover import discover
    from driftguard.onboard.template import render

    path: Path = args.output
    if path.exists() and not args.force:
        raise DriftguardError(f"{path}: already exists; give --force to replace it")
    found = discover(path.parent if str(path.parent) else Path("."))
    try:
        path.write_text(render(found, ci=args.ci, daemon=args.daemon, org=args.org),
                        encoding="utf-8")
    except OSError as exc:
        raise DriftguardError(f"{path}: cannot write: {exc.strerror or exc}") from None
    load_config(path, environ={})  # what it wrote loads, or this is a bug worth an error
    where = ", ".join([*found.regions, *found.states]) or "no regions or state"
    print(f"wrote {path} (found: {where}); check it with `driftguard doctor -c {path}`")
    return EXIT_CLEAN


def _run_doctor(args: argparse.Namespace) -> int:
    from driftguard.config import config_path, load_config, where_of
    from driftguard.onboard.doctor import FAIL, run

    path = config_path(args.config)
    config = load_config(path)
    config = config.with_overrides(aws={"regions": args.region or config.aws.regions,
                                        "endpoint_url": args.endpoint_url
                                        or config.aws.endpoint_url})
    lines = run(config, where_of(path))
    for line in lines:
        print(line)
    return EXIT_FINDINGS if any(line.status == FAIL for line in lines) else EXIT_CLEAN


def _run_version(args: argparse.Namespace) -> int:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    from driftguard import pipeline
    from driftguard.config import load_config
    from driftguard.policy.evaluate import builtin_dir, bundle_version, load

    config = load_config(args.config)
    dirs = pipeline.policy_dirs(config, [])
    policies = load(dirs)
    where = "built-in" if dirs == [builtin_dir()] else f"{len(dirs)} directories"
    if config.engine == "opa":
        engine = f"opa (an OPA server at {config.opa.url}, mode {config.opa.mode})"
    else:
        try:
            engine = f"embedded (regorus, gordon-to-regorus {installed('gordon-to-regorus')})"
        except PackageNotFoundError:
            engine = "embedded (regorus)"
    print(f"driftguard {__version__}")
    print(f"policy bundle {bundle_version(policies)} ({where}: {len(policies.files)} files, "
          f"{len(policies.rules)} rules)")
    print(f"engine {engine}")
    return EXIT_CLEAN


def _run_completion(args: argparse.Namespace) -> int:
    from driftguard.completion import script

    sys.stdout.write(script(build_parser(), args.shell))
    return EXIT_CLEAN


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except OSError as exc:  # a full disk, a closed pipe: the report is not whole
            _discard_stdout()
            raise DriftguardError(f"stdout: cannot write report: {exc.strerror or exc}"
                                  ) from None
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise DriftguardError(f"{output}: cannot write report: {exc.strerror or exc}") from None


def _discard_stdout() -> None:
    """What is left in stdout's buffer goes nowhere: Python flushes it at exit, which
    would fail again with a second message."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # not a real file (a test's capture)
        pass


# Commands that evaluate policies, and end: as a process of their own (argv from the
# command line) they run under a watchdog that bounds an evaluation in time and reports a
# crash of the engine (policy/isolated.py). `serve` bounds each job's evaluation itself.
SUPERVISED = {"check", "scan", "demo", "policy"}


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: `argv`, or the process's own (sys.argv[1:]), which then runs
    under the watchdog; returns the exit code. The watchdog forks before anything heavy is
    imported: a child that inherits a big heap copies each page it touches."""
    if argv is None and sys.argv[1:2] and sys.argv[1] in SUPERVISED:
        from driftguard.policy.isolated import supervise

        supervise(lambda: _main(sys.argv[1:]))  # exits
    return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
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
