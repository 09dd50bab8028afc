"""The commented driftguard.yaml that `driftguard init` writes: the settings of the
user's situation (a CI gate, a daemon, an organization), with what discover.py found.
Only a few keys, each explained; configs/driftguard.yaml in the repository lists them all.
"""

from __future__ import annotations

import json

from driftguard.onboard.discover import Discovery


def _list(values: list[str], indent: str) -> list[str]:
    return [f"{indent}- {json.dumps(v)}" for v in values]


def render(found: Discovery, *, ci: bool = False, daemon: bool = False,
           org: bool = False) -> str:
    command = " ".join(["driftguard init", *(name for name, on in (
        ("--ci", ci), ("--daemon", daemon), ("--org", org)) if on)])
    out = [
        f"# driftguard configuration, written by `{command}`.",
        "# Every key is optional; configs/driftguard.yaml in driftguard's repository lists",
        "# them all, with their defaults. Check this file, the AWS credentials and their",
        "# permissions with `driftguard doctor`.",
        "",
        "# Lowest severity of a finding that fails the run (exit code 1): info, low, medium,",
        "# high or critical.",
        f"fail_on: {'high' if ci else 'low'}",
        "",
        "# Settings the rules read (data.driftguard.config).",
        "policy:",
        "  # Tag keys every taggable resource must carry (rule DG-TAG-001), e.g. [owner].",
        "  required_tags: []",
        "",
        "# How a scan reaches AWS. Credentials come from the standard chain (AWS_PROFILE,",
        "# environment variables, an instance or pod role).",
        "aws:",
    ]
    if found.regions:
        out.append("  # Regions to scan, found in:")
        out += [f"  #   {r}: {where}" for r, where in found.regions.items()]
        out += ["  regions:", *_list(list(found.regions), "    ")]
    else:
        out += ["  # Regions to scan (none found: AWS_REGION and the Terraform files name none).",
                "  regions: []  # e.g. [eu-west-1]; empty: $AWS_REGION"]
    out.append("")
    states = list(found.states)
    if org:
        out += [
            "# The accounts, found through AWS Organizations and reached through the role",
            "# arn:aws:iam::<account>:role/<role_name> (it needs the policy that",
            "# `driftguard iam-policy` prints). In states, {account} and {region} are",
            "# replaced per account and region.",
            "organization:",
            "  discover: true",
            "  role_name: driftguard",
            "  include: []  # globs on account id or name; empty: all",
            "  exclude: []",
            "  regions: null  # null: aws.regions; or a list; or \"all\"",
        ]
        if states:
            out.append("  # Found here (one account's state):")
            out += [f"  #   {s}: {w}" for s, w in found.states.items()]
            out.append("  # Make them templates, e.g. s3://tf-states/{account}/{region}/"
                       "terraform.tfstate")
        out += ["  states: []", ""]
    else:
        out.append("# What a scan compares with the live account: Terraform state (paths, globs,")
        out.append("# s3://bucket/key, s3://bucket/prefix/) and CloudFormation stacks.")
        out.append("scan:")
        if states:
            out.append("  # Found:")
            out += [f"  #   {s}: {w}" for s, w in found.states.items()]
            out += ["  states:", *_list(states, "    ")]
        else:
            out.append("  states: []  # none found: no S3 backend, no *.tfstate here")
        out += ["  stacks: []  # stack names or globs (ml-*), \"*\" for all",
                "  ignore_file: null  # .driftignore-style rules", ""]
    if ci:
        out += [
            "# In CI: `driftguard check plan.json` gates a `terraform show -json` plan before",
            "# apply (exit code 1: a finding at or above fail_on); `driftguard scan` compares",
            "# the state with the account after apply (exit code 3: something was not read).",
            "# Waivers: reviewed exceptions (rule, resource, reason, owner, expires).",
            "waivers: null  # e.g. driftguard-waivers.yaml, relative to this file",
            "",
        ]
    if daemon:
        out += [
            "# `driftguard serve`: scheduled scans, Prometheus /metrics, the finding history.",
            "serve:",
            "  listen: 127.0.0.1:9717  # /metrics, /healthz, /readyz; 0.0.0.0:9717 in a container",
            "  history: driftguard-history.sqlite  # relative to this file",
            "  jobs:",
            "    - name: estate",
            "      interval: 15m  # or cron: '*/30 * * * *'",
            "",
            "# Slack reports of new and resolved findings (docs/slack.md). The webhook URL is a",
            "# secret: it is read from the environment variable named here, never from this file.",
            "slack:",
            "  enabled: false",
            "  webhook_url_env: DRIFTGUARD_SLACK_WEBHOOK_URL",
            "  min_severity: medium",
            "",
        ]
    return "\n".join(out).rstrip() + "\n"
