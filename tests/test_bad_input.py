"""The hostile test's bad inputs (review 2026-12-01, area 2, and the daemon's bad configs),
re-run against the CLI: every one is a single line `driftguard: error: FILE: problem` and
exit code 2, in bounded time and memory; never a hang, a crash or an internal error.

Cases that could hang or eat memory without their fix run `driftguard` as a child process
with a timeout and a memory limit; the others call the CLI in process (faster). Inputs are
generated here, as the harness's `bad/gen*.py` made them, not committed.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from plans import change, plan, write

from driftguard.cli import main

REPO = Path(__file__).resolve().parents[1]
GOOD_PLAN = REPO / "configs/examples/ml-plan.json"
EMPTY_STATE = {"version": 4, "terraform_version": "1.9.5", "serial": 1, "lineage": "x",
               "resources": []}


@pytest.fixture(autouse=True)
def _no_local_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for var in [v for v in os.environ if v.startswith("DRIFTGUARD_")]:
        monkeypatch.delenv(var)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _limit_memory() -> None:  # in the child, before exec
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def dg(*args: str, timeout: float = 30, env: dict[str, str] | None = None,
       cwd: Path | None = None) -> tuple[int, str, str, float]:
    """`driftguard ARGS` as its own process (2 GB of address space at most): exit code,
    stdout, stderr, seconds. A run past `timeout` fails the test (a hang)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DRIFTGUARD_")}
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "driftguard", *args], capture_output=True,
                          text=True, timeout=timeout, env={**environ, **(env or {})},
                          cwd=cwd, preexec_fn=_limit_memory)
    return proc.returncode, proc.stdout, proc.stderr, time.monotonic() - start


def one_error_line(err: str, name: object, *phrases: str) -> None:
    """stderr is exactly one line `driftguard: error: NAME: ...` holding the phrases."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"driftguard: error: {name}: "), err
    for phrase in phrases:
        assert phrase in lines[0], err


# --- D12: only regular files are read, and only up to a size limit ----------------------


def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    code, _, err, took = dg("check", str(fifo), timeout=20)
    assert code == 2
    one_error_line(err, fifo, "a FIFO (named pipe), not a regular file")
    assert took < 10


def test_dev_zero_is_refused_before_anything_is_read() -> None:
    code, _, err, _ = dg("check", "/dev/zero", timeout=20)
    assert code == 2
    one_error_line(err, "/dev/zero", "a character device, not a regular file")


@pytest.mark.parametrize("what", ["check", "waivers", "config", "ignore"])
def test_other_inputs_are_regular_files_too(capsys, tmp_path: Path, what: str) -> None:
    (tmp_path / "none.tfstate").write_text(json.dumps(EMPTY_STATE))
    given = {"check": ["check", "/dev/null"],
             "waivers": ["check", str(GOOD_PLAN), "--waivers", "/dev/null"],
             "config": ["check", str(GOOD_PLAN), "-c", "/dev/null"],
             "ignore": ["scan", "--state", str(tmp_path / "none.tfstate"),
                        "--ignore", "/dev/null"]}[what]
    code, _, err = run(capsys, *given)
    assert code == 2
    one_error_line(err, "/dev/null", "a character device, not a regular file")


def test_a_directory_is_named_as_such(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 2
    one_error_line(err, tmp_path, "a directory, not a regular file")


def test_proc_files_of_size_zero_are_read_to_their_end(capsys) -> None:
    code, _, err = run(capsys, "check", "/proc/self/environ")
    assert code == 2
    one_error_line(err, "/proc/self/environ", "not valid JSON")


def test_a_file_over_the_size_limit_says_so_and_how_to_raise_it(
        capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = write(tmp_path, plan(*[change(f"aws_ebs_volume.v{n}", {"encrypted": True,
                                                                  "tags": {"pad": "x" * 900}})
                                 for n in range(1200)]))
    assert big.stat().st_size > 1_000_000
    monkeypatch.setenv("DRIFTGUARD_MAX_INPUT_MB", "1")
    code, _, err = run(capsys, "check", str(big))
    assert code == 2
    size = f"{big.stat().st_size / 1e6:.1f} MB"
    one_error_line(err, big, f"cannot read file: the input is {size}, over the limit of 1 MB",
                   "max_input_mb", "DRIFTGUARD_MAX_INPUT_MB")
    monkeypatch.setenv("DRIFTGUARD_MAX_INPUT_MB", "10")
    assert run(capsys, "check", str(big))[0] == 0
    (tmp_path / "driftguard.yaml").write_text("max_input_mb: 0.5\n")
    monkeypatch.delenv("DRIFTGUARD_MAX_INPUT_MB")
    assert run(capsys, "check", str(big))[0] == 2


def test_the_size_limit_applies_to_reports_too(capsys, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / "r.json"
    report.write_text(json.dumps({"pad": "x" * 1_200_000}))
    monkeypatch.setenv("DRIFTGUARD_MAX_INPUT_MB", "1")
    code, _, err = run(capsys, "report", str(report))
    assert code == 2
    one_error_line(err, report, "over the limit of 1 MB")


# --- D19: documents that Python's parsers or walks cannot take ---------------------------

def _rc(after: dict[str, object] | str, **change_fields: object) -> str:
    """A one-instance plan whose `after` may be raw JSON text (spliced in for "@@")."""
    doc = {"format_version": "1.2", "resource_changes": [{
        "address": "aws_instance.a", "mode": "managed", "type": "aws_instance", "name": "a",
        "change": {"actions": ["create"], "after": "@@" if isinstance(after, str) else after,
                   **change_fields}}]}
    text = json.dumps(doc)
    return text.replace('"@@"', after) if isinstance(after, str) else text


def _ingress(from_port: str, to_port: str) -> str:
    return json.dumps({"format_version": "1.2", "resource_changes": [{
        "address": "aws_security_group.a", "mode": "managed", "type": "aws_security_group",
        "name": "a", "change": {"actions": ["create"], "after": {"ingress": [
            {"from_port": "@F", "to_port": "@T", "protocol": "tcp",
             "cidr_blocks": ["0.0.0.0/0"]}]}}}]}).replace('"@F"', from_port).replace(
        '"@T"', to_port)


def _deep_sensitive_state() -> str:
    return json.dumps({"version": 4, "terraform_version": "1.9.5", "resources": [{
        "mode": "managed", "type": "aws_instance", "name": "a", "instances": [{
            "attributes": {"id": "i-1", "instance_type": "t3.micro"},
            "sensitive_attributes": [[{"type": "get_attr", "value": "x"}] * 50000]}]}]})


DEEP = "[" * 100000 + "]" * 100000
DOCUMENTS = {  # harness name -> (file name, content, what the error says)
    "bignum.json": ("bignum.json", _ingress("1" + "0" * 5000, "1e400"),
                    "not valid JSON: Exceeds the limit (4300 digits) for integer string "
                    "conversion"),
    "bignum_small.json": ("bignum_small.json", _ingress("1e400", "22"),
                          "not valid JSON: the number 1e400 is out of range"),
    "nan.json": ("nan.json", _rc('{"instance_type": NaN}'), "NaN is not a JSON number"),
    "nan2.json": ("nan2.json", _rc('{"associate_public_ip_address": -Infinity}'),
                  "-Infinity is not a JSON number"),
    "deep_arrays.json": ("deep_arrays.json", DEEP, "the document is nested too deeply"),
    "deep_in_plan.json": ("deep_in_plan.json", _rc('{"tags": ' + DEEP + "}"),
                          "the document is nested too deeply"),
    "deep_900_in_after.json": (
        "deep_900_in_after.json",
        _rc('{"tags": ' + '{"a":' * 900 + "1" + "}" * 900 + "}",
            after_sensitive={"tags": "##"}).replace(
            '"##"', '{"a":' * 900 + "true" + "}" * 900),
        "the document is nested too deeply"),
    "deep_900_sensitive_state.json": ("deep_900_sensitive_state.json", _deep_sensitive_state(),
                                      "the document is nested too deeply"),
    "cfn/deep_json.json": (
        "deep_json.json",
        '{"Resources": {"A": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": ' + DEEP
        + "}}}}", "the document is nested too deeply"),
    "cfn/deep_json_800.json": (
        "deep_json_800.json",
        '{"Resources": {"A": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": '
        + '{"Fn::Join": ["", [' * 300 + '"x"' + "]]}" * 300 + "}}}}",
        "the document is nested too deeply"),
}


@pytest.mark.parametrize("case", sorted(DOCUMENTS))
def test_documents_parsers_and_walks_cannot_take_are_input_errors(
        capsys, tmp_path: Path, case: str) -> None:
    name, content, problem = DOCUMENTS[case]
    path = tmp_path / name
    path.write_text(content)
    code, out, err = run(capsys, "check", str(path))
    assert (code, out) == (2, "")
    one_error_line(err, path, problem)


def test_a_report_nested_too_deeply_is_an_input_error(capsys, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text(DEEP)
    code, _, err = run(capsys, "report", str(path))
    assert code == 2
    one_error_line(err, path, "the document is nested too deeply")


# --- D19 and D13: config, waivers and ignore files ---------------------------------------

WAIVER = "waivers:\n  - {rule: DG-ENC-001, resource: '*', reason: %s, owner: o, expires: %s}\n"
TEXT_FILES = {  # harness name -> (option, file name, content, what the error says)
    "config/date_invalid.yaml": (
        "-c", "date_invalid.yaml", b"aws:\n  external_id: 2027-02-30\n",
        "invalid YAML at line 2: '2027-02-30' is not a date or time (day is out of range "
        "for month)"),
    "config/non_utf8.yaml": ("-c", "non_utf8.yaml", b"aws:\n  external_id: \xff\xfe\n",
                             "not utf-8 text (byte 20)"),
    "waivers/waivers_bad_date.yaml": (
        "--waivers", "waivers_bad_date.yaml", (WAIVER % ("r", "2027-02-30")).encode(),
        "invalid YAML at line 2: '2027-02-30' is not a date or time"),
    "waivers/waivers_non_utf8.yaml": (
        "--waivers", "waivers_non_utf8.yaml", (WAIVER % ("@", "2099-01-01")).encode().replace(
            b"@", b"\xff"), "not utf-8 text (byte 55)"),
}


@pytest.mark.parametrize("case", sorted(TEXT_FILES))
def test_config_and_waiver_files_that_cannot_be_read_are_input_errors(
        capsys, tmp_path: Path, case: str) -> None:
    option, name, content, problem = TEXT_FILES[case]
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = run(capsys, "check", str(GOOD_PLAN), option, str(path))
    assert (code, out) == (2, "")
    one_error_line(err, path, problem)


def test_an_ignore_file_that_is_not_utf8_is_an_input_error(capsys, tmp_path: Path) -> None:
    state, ignore = tmp_path / "s.tfstate", tmp_path / "ig_non_utf8.driftignore"
    state.write_text(json.dumps(EMPTY_STATE))
    ignore.write_bytes(b"aws_s3_bucket.\xff\n")
    code, _, err = run(capsys, "scan", "--state", str(state), "--ignore", str(ignore))
    assert code == 2
    one_error_line(err, ignore, "not utf-8 text (byte 14)")


def _bomb(levels: int = 9) -> str:
    """serve.jobs[].aws.regions as nested aliases: 9**levels strings from a few lines."""
    node = '&a0 ["x","x","x","x","x","x","x","x","x"]'
    for n in range(1, levels):
        node = f"&a{n} [{node}" + f", *a{n - 1}" * 8 + "]"
    return node


def test_an_alias_bomb_in_the_config_stops_serve_at_once(tmp_path: Path) -> None:
    """serve/bomb_job_aws: the job's overrides were expanded (model_dump) for minutes."""
    config = tmp_path / "bomb_job_aws.yaml"
    config.write_text("serve:\n  listen: 127.0.0.1:0\n  jobs:\n    - name: j\n"
                      "      scan: {types: [aws_s3_bucket]}\n"
                      f"      aws: {{regions: {_bomb()}}}\n")
    code, _, err, took = dg("serve", "-c", str(config), timeout=60, cwd=tmp_path)
    assert code == 2
    one_error_line(err, config, "YAML aliases expand the document to", "alias bomb")
    assert took < 20  # minutes before; a second or two on a quiet machine


def test_an_alias_bomb_in_waivers_is_refused(capsys, tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(f"x: {_bomb()}\nwaivers: []\n")
    code, _, err = run(capsys, "check", str(GOOD_PLAN), "--waivers", str(path))
    assert code == 2
    one_error_line(err, path, "alias bomb")


# --- D1: strings that are not valid Unicode never reach the policy engine ----------------
# (regorus segfaulted on a lone surrogate: these run as child processes)


@pytest.mark.parametrize("name,content,where", [
    ("lone_surrogate.json", _rc({"instance_type": "@"}).replace('"@"', '"\\ud800"'),
     "resource_changes[0].change.after.instance_type: "),
    ("key.tfstate", json.dumps({**EMPTY_STATE, "resources": [{
        "mode": "managed", "type": "aws_s3_bucket", "name": "b", "instances": [{
            "attributes": {"id": "b", "bucket": "b", "tags": {"@": "x"}}}]}]}).replace(
        '"@"', '"\\uDBFF"'), "resources[0].instances[0].attributes.tags."),
    # libyaml refuses the escape itself ("invalid Unicode character escape code")
    ("template.yaml", 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n'
                      '    Properties: {BucketName: "a\\ud800"}\n', ""),
])
def test_a_lone_surrogate_in_a_document_is_an_input_error(tmp_path: Path, name: str,
                                                          content: str, where: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    code, out, err, _ = dg("check", str(path))
    assert (code, out) == (2, "")
    one_error_line(err, path, where, "Unicode")


def test_a_surrogate_pair_is_one_character_and_fine(capsys, tmp_path: Path) -> None:
    path = tmp_path / "emoji.json"
    path.write_text(_rc({"instance_type": "t3.micro", "tags": {"Name": "@"}}).replace(
        '"@"', '"\\ud83d\\ude00"'))
    assert run(capsys, "check", str(path))[0] == 1  # findings, as for any other name


def test_config_strings_reach_the_engine_valid_or_not_at_all(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text('policy:\n  allowed_instance_types: ["t3.*", "\\ud800"]\n')
    code, _, err, _ = dg("check", str(GOOD_PLAN), "-c", str(config))
    assert code == 2
    one_error_line(err, config, "Unicode")
    # Bytes that are not UTF-8 reach Python as lone surrogates (surrogateescape).
    code, _, err, _ = dg("check", str(GOOD_PLAN), env={
        "DRIFTGUARD_POLICY__REQUIRED_TAGS": '["team", "\udcff"]'})
    assert code == 2
    one_error_line(err, "DRIFTGUARD_POLICY__REQUIRED_TAGS",
                   "a string holds '\\udcff', a lone surrogate")


def test_a_parameter_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text("Parameters:\n  Name: {Type: String}\nResources:\n  B:\n"
                        "    Type: AWS::S3::Bucket\n    Properties: {BucketName: !Ref Name}\n")
    code, _, err, _ = dg("check", str(template), "--parameter", "Name=b\udcff")
    assert code == 2
    one_error_line(err, "--parameter", "not valid UTF-8")


def test_a_lone_surrogate_in_an_aws_answer_is_refused_before_the_engine(aws: str) -> None:
    """JSON services can answer "\\ud800" too (moto stores and returns it)."""
    import boto3

    key = boto3.client("kms").create_key(Tags=[{"TagKey": "Name", "TagValue": "a\ud800"}])
    key_id = key["KeyMetadata"]["KeyId"]
    code, out, err, _ = dg("scan", "--type", "aws_kms_key", "--no-progress",
                           env={k: os.environ[k] for k in os.environ if k.startswith("AWS_")})
    assert (code, out) == (2, "")
    one_error_line(err, "live", f"aws_kms_key {key_id}: attributes.tags.Name: a string "
                                "holds '\\ud800', a lone surrogate")


# --- D19: fields of the wrong type, where the readers assumed them -----------------------

def _state(*resources: dict[str, object], **top: object) -> str:
    return json.dumps({**EMPTY_STATE, "resources": list(resources), **top})


def _res(attributes: object = None, rtype: str = "aws_instance", **fields: object
         ) -> dict[str, object]:
    instance = {"schema_version": 0, "attributes": attributes if attributes is not None
                else {"id": "i-1", "instance_type": "t3.micro"}}
    instance.update(fields.pop("instance", {}))  # type: ignore[call-overload]
    return {"mode": "managed", "type": rtype, "name": "a", "instances": [instance], **fields}


def _plan(changes: list[object] | None = None, **top: object) -> str:
    rc = {"address": "aws_instance.a", "mode": "managed", "type": "aws_instance", "name": "a",
          "change": {"actions": ["create"], "after": {"instance_type": "t3.micro"}}}
    return json.dumps({"format_version": "1.2",
                       "resource_changes": [rc] if changes is None else changes, **top})


def _rcx(**fields: object) -> dict[str, object]:
    return {"address": "aws_instance.a", "mode": "managed", "type": "aws_instance",
            "name": "a", "change": {"actions": ["create"], "after": {}}, **fields}


def _config(root: object) -> str:
    return _plan(configuration={"root_module": root})


CFN = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n'
STRUCTURE = {  # harness name -> (content, what the error says)
    "plan_actions_int.json": (
        _plan([_rcx(change={"actions": 5, "after": {}})]),
        "resource_changes[0] (aws_instance.a): change.actions is a number, not a list"),
    "plan_change_list.json": (_plan([_rcx(change=[1])]),
                              "resource_changes[0] (aws_instance.a): change is a list"),
    "plan_change_str.json": (_plan([_rcx(change="x")]),
                             "resource_changes[0] (aws_instance.a): change is a string"),
    "plan_config_expressions_list.json": (
        _config({"resources": [{"type": "aws_instance", "name": "a", "expressions": [1]}]}),
        "configuration.root_module.resources[0].expressions is a list, not an object"),
    "plan_config_module_call_str.json": (
        _config({"module_calls": {"m": "x"}}),
        "configuration.root_module.module_calls.m is a string, not an object"),
    "plan_config_module_calls_list.json": (
        _config({"module_calls": [1]}),
        "configuration.root_module.module_calls is a list, not an object"),
    "plan_config_refs_int.json": (
        _config({"resources": [{"type": "aws_instance", "name": "a",
                                "expressions": {"subnet_id": {"references": 5}}}]}),
        "configuration: the references of subnet_id are a number, not a list of names"),
    "plan_config_resources_int.json": (
        _config({"resources": [5]}),
        "configuration.root_module.resources[0] is a number, not an object"),
    "plan_config_root_str.json": (_config("x"),
                                  "configuration.root_module is a string, not an object"),
    "plan_config_str.json": (_plan(configuration="x"),
                             "configuration is a string, not an object"),
    "plan_planned_values_str.json": (_plan([], planned_values="x"),
                                     "planned_values is a string, not an object"),
    "state_id_int.json": (
        _state(_res({"id": 12345, "instance_type": 5, "tags": "x", "metadata_options": "y",
                     "vpc_security_group_ids": 7})),
        "aws_instance.a: "),
    "state_json_show_values_str.json": (json.dumps({"format_version": "1.0", "values": "x"}),
                                        "values is a string, not an object"),
    "state_module_int.json": (_state(_res(module=7)),
                              "resource aws_instance.a: module is a number, not a string"),
    "state_sensitive_ints.json": (
        _state(_res(instance={"sensitive_attributes": [5]})),
        "sensitive_attributes holds a number, not a path (a list of steps)"),
    "state_sg_ingress_wrong.json": (
        _state(_res({"id": "sg-1", "ingress": [{"from_port": "x", "to_port": None,
                                                "protocol": 5, "cidr_blocks": "0.0.0.0/0"}],
                     "egress": "x"}, "aws_security_group")),
        "aws_security_group.a: "),
    "cfn/ingress_fold_ref.yaml": (
        CFN + "  G:\n    Type: AWS::EC2::SecurityGroup\n    Properties: {GroupDescription: x}\n"
        "  I:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: !Ref G\n"
        "      IpProtocol: tcp\n      FromPort: abc\n      ToPort: [22]\n"
        "      CidrIp: 0.0.0.0/0\n",
        "I: IpProtocol, FromPort, ToPort, CidrIp: 'tcp', 'abc', [22], '0.0.0.0/0' cannot be "
        "read as list[rule] (invalid literal for int() with base 10: 'abc')"),
    "cfn/props_wrongtypes_instance.yaml": (
        CFN + "  A:\n    Type: AWS::EC2::Instance\n    Properties:\n      InstanceType: [1, 2]\n"
        "      ImageId: {a: 1}\n      SecurityGroupIds: 5\n      NetworkInterfaces: x\n"
        "      MetadataOptions: [1]\n      BlockDeviceMappings: {x: 1}\n      Tags: notalist\n",
        "A: "),
    "cfn/props_wrongtypes_s3.yaml": (
        CFN + "  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketEncryption: 5\n"
        "      VersioningConfiguration: [x]\n      PublicAccessBlockConfiguration: yes\n"
        "      Tags: [{Key: 1}, 5, {Value: x}]\n",
        "A: BucketEncryption: a number, not an object or a list"),
    "cfn/props_wrongtypes_s3b.yaml": (
        CFN + "  A:\n    Type: AWS::S3::Bucket\n    Properties:\n"
        "      BucketEncryption: {ServerSideEncryptionConfiguration: x}\n"
        "      VersioningConfiguration: {Status: [1]}\n      Tags: {a: b}\n",
        "A: BucketEncryption.ServerSideEncryptionConfiguration: a string, not an object or "
        "a list"),
    "cfn/props_wrongtypes_sg.yaml": (
        CFN + "  A:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"
        "      GroupDescription: x\n      SecurityGroupIngress: x\n"
        "      SecurityGroupEgress: [5, {IpProtocol: 5, FromPort: abc, ToPort: [1], CidrIp: 7}]"
        "\n", "A: "),
    "cfn/split_join_huge.json": (
        json.dumps({"Resources": {"A": {"Type": "AWS::S3::Bucket", "Properties": {
            "BucketName": {"Fn::Join": ["x" * 1000, {"Fn::Split": ["", "y" * 1000000]}]}}}}}),
        "Fn::Split: the delimiter is empty"),
}


@pytest.mark.parametrize("case", sorted(STRUCTURE))
def test_fields_of_the_wrong_type_are_input_errors_naming_the_place(
        capsys, tmp_path: Path, case: str) -> None:
    content, problem = STRUCTURE[case]
    path = tmp_path / case.split("/")[-1]
    path.write_text(content)
    code, out, err = run(capsys, "check", str(path))
    assert (code, out) == (2, ""), err
    one_error_line(err, path, problem)


def test_fn_cidr_counts_are_bounded_as_cloudformation_bounds_them(tmp_path: Path) -> None:
    """cfn/cidr_huge (D11): a count of 1e8 built a list without bound."""
    path = tmp_path / "cidr_huge.yaml"
    path.write_text(CFN + "  A:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: v\n"
                          "      CidrBlock: !Select [0, !Cidr ['::/0', 100000000, 1]]\n")
    code, _, err, took = dg("check", str(path), timeout=30)
    assert code == 2
    one_error_line(err, path, "Fn::Cidr ['::/0', 100000000, 1]: the count must be 1 to 256, "
                              "found 100000000")
    assert took < 10


# --- D19: where reports go, and the demo's work directory -------------------------------

def test_a_full_stdout_is_one_error_line(tmp_path: Path) -> None:
    """cli/stdout_devfull: the report could not be written, and only that is said."""
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "driftguard", "check", str(GOOD_PLAN)],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=30)
    assert proc.returncode == 2
    one_error_line(proc.stderr, "stdout", "cannot write report: No space left on device")


def test_demo_with_a_missing_work_directory_says_so_before_starting(capsys, tmp_path: Path
                                                                    ) -> None:
    missing = tmp_path / "nope" / "demo"
    code, out, err = run(capsys, "demo", "--workdir", str(missing))
    assert (code, out) == (2, "")
    one_error_line(err, missing, "--workdir: no such directory")
    (tmp_path / "file").write_text("")
    code, _, err = run(capsys, "demo", "--workdir", str(tmp_path / "file"))
    assert code == 2
    one_error_line(err, tmp_path / "file", "--workdir: not a directory")


# --- D10: waiver and .driftignore globs match in linear time -----------------------------

REDOS = "*a" * 21 + "*c"  # 21 stars: over a minute against 40 characters, as a regex
LONG = "a" * 40


def test_a_waiver_glob_cannot_hang_the_gate(tmp_path: Path) -> None:
    """waivers/redos_targeted."""
    plan_path = tmp_path / "redos_plan.json"
    plan_path.write_text(json.dumps({"format_version": "1.2", "resource_changes": [{
        "address": f'aws_s3_bucket.b["{LONG}"]', "mode": "managed", "type": "aws_s3_bucket",
        "name": "b", "index": LONG, "change": {"actions": ["create"],
                                               "after": {"bucket": LONG}}}]}))
    waivers = tmp_path / "waivers_redos2.yaml"
    waivers.write_text(f"waivers:\n  - {{rule: '*', resource: '{REDOS}', reason: r, owner: o,"
                       " expires: 2099-01-01}\n")
    code, out, err, took = dg("check", str(plan_path), "--waivers", str(waivers), timeout=30)
    assert code == 1, err  # findings, none waived
    assert "stale waiver" in out and took < 10


def test_a_driftignore_glob_cannot_hang_the_scan(aws: str, tmp_path: Path) -> None:
    """ignore/redos_targeted: an unmanaged bucket's 40-character name against it."""
    import boto3

    boto3.client("s3").create_bucket(Bucket=LONG, CreateBucketConfiguration={
        "LocationConstraint": "eu-west-1"})
    ignore = tmp_path / "ig_redos2.driftignore"
    ignore.write_text(f"aws_s3_bucket.{REDOS}\n")
    state = tmp_path / "s.tfstate"
    state.write_text(json.dumps(EMPTY_STATE))
    code, out, err, took = dg("scan", "--state", str(state), "--type", "aws_s3_bucket",
                              "--ignore", str(ignore), "--no-progress", "-f", "json",
                              timeout=60)
    assert code == 1, err
    assert [d["id"] for d in json.loads(out)["drift"]] == [LONG]  # unmanaged, not ignored
    assert took < 20


# --- D14: settings without bounds are refused at load, with one line ---------------------

JOB = ("serve:\n  listen: 127.0.0.1:0\n  jobs:\n    - name: j\n"
       "      scan: {types: [aws_s3_bucket]}\n")
SETTINGS = {  # harness name -> (config, what the error says)
    "jitter .inf": (JOB + "      jitter: .inf\n", "serve.jobs.0.jitter: Input should be a "
                                                  "finite number"),
    "interval inf": (JOB + "      interval: infm\n", "serve.jobs.0.interval: Input should be "
                                                     "a finite number"),
    "interval 1e300": (JOB + "      interval: 1e300s\n",
                       "serve.jobs.0.interval: Input should be less than or equal to 31622400"),
    "interval 0.001s": (JOB + "      interval: 0.001s\n",
                        "serve.jobs.0.interval: Input should be greater than or equal to 1"),
    "port 99999": ("serve:\n  listen: 127.0.0.1:99999\n",
                   "serve.listen: Value error, port 99999 is not 0 to 65535"),
    "rate 0": ("aws:\n  rates: {s3: 0}\n", "aws.rates.s3: Input should be greater than 0"),
    "rate NaN": ("aws:\n  rates: {s3: .nan}\n", "aws.rates.s3: Input should be a finite number"),
    "rate negative": ("aws:\n  rates: {ec2: -1}\n", "aws.rates.ec2: Input should be greater "
                                                    "than 0"),
    "shutdown_timeout .inf": ("serve:\n  shutdown_timeout: .inf\n",
                              "serve.shutdown_timeout: Input should be a finite number"),
    "aws.timeout 1e300": ("aws:\n  timeout: 1e300\n", "aws.timeout: Input should be less than"),
    "slack.timeout .inf": ("slack:\n  timeout: .inf\n", "slack.timeout: Input should be a "
                                                        "finite number"),
}


@pytest.mark.parametrize("case", sorted(SETTINGS))
def test_unbounded_settings_are_refused_at_load(capsys, tmp_path: Path, case: str) -> None:
    text, problem = SETTINGS[case]
    config = tmp_path / "c.yaml"
    config.write_text(text)
    code, out, err = run(capsys, "check", str(GOOD_PLAN), "-c", str(config))
    assert (code, out) == (2, "")
    one_error_line(err, config, problem)


@pytest.mark.parametrize("case", ["jitter .inf", "shutdown_timeout .inf", "interval 0.001s"])
def test_serve_refuses_them_before_it_starts(tmp_path: Path, case: str) -> None:
    """inf_jitter killed the scheduler thread while HTTP kept serving; interval 0.001s
    ran 263 scans and logged 16,494 skips in 12 s."""
    text, problem = SETTINGS[case]
    config = tmp_path / "c.yaml"
    config.write_text(text if text.startswith(JOB) else JOB + text.removeprefix("serve:\n"))
    code, _, err, _ = dg("serve", "-c", str(config), timeout=20, cwd=tmp_path)
    assert code == 2
    one_error_line(err, config, problem)


def test_serve_listen_from_the_command_line_is_bounded_too(capsys) -> None:
    code, _, err = run(capsys, "serve", "--listen", "127.0.0.1:99999")
    assert code == 2
    assert err == "driftguard: error: --listen 127.0.0.1:99999: port 99999 is not 0 to 65535\n"


# --- D1 and D15: policy evaluation is bounded -------------------------------------------

RECURSIVE = ("package driftguard.rules.x\nimport rego.v1\nf(x) := y if { y := f(x) }\n"
             "deny contains msg if { msg := f(1) }\n")
SLOW = ("package driftguard.rules.x\nimport rego.v1\ndeny contains msg if {\n"
        "  n := count({x | some a in numbers.range(1, 12000); some b in numbers.range(1, 12000);"
        " x := a * b})\n  msg := sprintf(\"%v\", [n])\n}\n")


def _policy(tmp_path: Path, name: str, text: str) -> Path:
    directory = tmp_path / name
    directory.mkdir()
    (directory / "p.rego").write_text(text)
    return directory


def test_a_recursive_function_is_refused_before_evaluation(tmp_path: Path) -> None:
    """rego/recursion: regorus recursed until the stack overflowed (SIGSEGV, exit 139)."""
    policy = _policy(tmp_path, "recursion", RECURSIVE)
    code, out, err, _ = dg("check", str(GOOD_PLAN), "--policy", str(policy))
    assert (code, out) == (2, "")
    assert err == (f"driftguard: error: {policy}/p.rego:3:1: rego_recursion_error: function "
                   "data.driftguard.rules.x.f is recursive: data.driftguard.rules.x.f -> "
                   "data.driftguard.rules.x.f\n")


def test_policy_test_refuses_it_too(tmp_path: Path) -> None:
    policy = _policy(tmp_path, "recursion", RECURSIVE)
    (policy / "p_test.rego").write_text("package driftguard.rules.x\nimport rego.v1\n"
                                        "test_f if { f(1) == 1 }\n")
    code, out, _, _ = dg("policy", "test", str(policy))
    assert code == 1
    assert "FAIL" in out and "rego_recursion_error" in out and "0 passed, 1 failed" in out


def test_an_evaluation_past_policy_timeout_is_stopped(tmp_path: Path) -> None:
    """rego/slow_144M (D15): no timeout, killed at 150 s."""
    policy = _policy(tmp_path, "slow", SLOW)
    code, out, err, took = dg("check", str(GOOD_PLAN), "--policy", str(policy),
                              env={"DRIFTGUARD_POLICY_TIMEOUT": "1"}, timeout=60)
    assert (code, out) == (2, "")
    assert err == ("driftguard: error: policy evaluation did not finish within 1 s "
                   "(policy_timeout): a policy that does not end, or more input than it can "
                   "take in that time\n")
    assert took < 15


# --- D16, D17: inputs silently read as less than they say ----------------------------------

SILENT = {  # name -> (content, what the error says)
    "plan_mode_unknown.json": (
        _plan([_rcx(mode="weird")]),
        "resource_changes[0] (aws_instance.a): mode is a string 'weird', neither managed nor "
        "data"),
    "plan_type_int.json": (_plan([_rcx(type=5)]),
                           "resource_changes[0] (aws_instance.a): type is a number, not a "
                           "string"),
    "plan_planned_mode_unknown.json": (
        _plan([], planned_values={"root_module": {"resources": [
            {"address": "aws_instance.a", "mode": "weird", "type": "aws_instance",
             "name": "a", "values": {}}]}}),
        "resource aws_instance.a: mode is a string 'weird'"),
    "plan_config_type_int.json": (
        _config({"resources": [{"mode": "managed", "type": 5, "name": "a"}]}),
        "configuration.root_module.resources[0]: type is a number, not a string"),
    "plan_planned_root_list.json": (_plan([], planned_values={"root_module": []}),
                                    "planned_values.root_module is a list, not an object"),
    "state_mode_unknown.json": (_state(_res(mode="weird")),
                                "resource aws_instance.a: mode is a string 'weird', neither "
                                "managed nor data"),
    "state_mode_missing.json": (_state({k: v for k, v in _res().items() if k != "mode"}),
                                "resource aws_instance.a: no mode (managed or data)"),
    "state_type_int.json": (_state(_res(rtype=5)),  # type: ignore[arg-type]
                            "resource 5.a: type is a number, not a string"),
    "dup_keys_plan.json": (
        _rc('{"instance_type": "p4d.24xlarge", "instance_type": "t3.micro"}'),
        "not valid JSON: duplicate key 'instance_type'"),
    "dup_keys_state.json": (
        _state(_res({"id": "db-1", "publicly_accessible": True}, "aws_db_instance")).replace(
            '"publicly_accessible": true', '"publicly_accessible": true, '
            '"publicly_accessible": false'),
        "not valid JSON: duplicate key 'publicly_accessible'"),
    "nan_in_state.json": (_state(_res({"id": "i-1", "cpu_core_count": 1})).replace(
        '"cpu_core_count": 1', '"cpu_core_count": NaN'), "NaN is not a JSON number"),
    "infinity_in_plan.json": (_rc('{"root_block_device": [{"volume_size": Infinity}]}'),
                              "Infinity is not a JSON number"),
    # A split resource whose values have the wrong shape was dropped before it was read.
    "plan_s3_fold_weird.json": (
        _plan([{"address": "aws_s3_bucket_versioning.v", "mode": "managed",
                "type": "aws_s3_bucket_versioning", "name": "v", "change": {
                    "actions": ["create"], "after": {"bucket": {"x": 1},
                                                     "versioning_configuration": "x"}}}]),
        "aws_s3_bucket_versioning.v: versioning_configuration: a string, not an object or a "
        "list"),
    "plan_sg_fold_weird.json": (
        _plan([{"address": "aws_security_group_rule.r", "mode": "managed",
                "type": "aws_security_group_rule", "name": "r", "change": {
                    "actions": ["create"], "after": {"security_group_id": ["x"],
                                                     "type": "ingress"}}}]),
        "aws_security_group_rule.r: security_group_id: a list, not a string"),
}


@pytest.mark.parametrize("case", sorted(SILENT))
def test_inputs_that_would_read_as_less_are_input_errors(capsys, tmp_path: Path,
                                                         case: str) -> None:
    content, problem = SILENT[case]
    path = tmp_path / case
    path.write_text(content)
    code, out, err = run(capsys, "check", str(path))
    assert (code, out) == (2, ""), err
    one_error_line(err, path, problem)


def test_a_report_with_duplicate_keys_is_refused(capsys, tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    report.write_text('{"schema": "driftguard.check/v1", "schema": "driftguard.scan/v1"}')
    code, _, err = run(capsys, "report", str(report))
    assert code == 2
    one_error_line(err, report, "duplicate key 'schema'")


def test_an_unknown_type_to_collect_is_an_error(capsys, tmp_path: Path) -> None:
    code, out, err = run(capsys, "scan", "--type", "aws_nonsense")
    assert (code, out) == (2, "")
    assert err == ("driftguard: error: --type: unknown resource type 'aws_nonsense' "
                   "(`driftguard catalog` lists the types)\n")
    config = tmp_path / "driftguard.yaml"
    config.write_text("scan:\n  types: [aws_s3_bucket, aws_nonsense]\n")
    code, _, err = run(capsys, "scan", "-c", str(config))
    assert code == 2
    one_error_line(err, config, "scan.types", "unknown resource type 'aws_nonsense'")
