"""A big estate's scan result, shaped as a real one (the HTML report's 10,000-finding tests
and bench/bench_html.py): drift of every class with attribute changes (some masked),
policy findings over many rules, types, two accounts and three regions, waivers,
coverage per type. Deterministic for a given size."""

from __future__ import annotations

import datetime as dt

from driftguard.model import (
    DRIFT_RULE_IDS,
    MASK,
    AttributeChange,
    CheckResult,
    Coverage,
    Drift,
    Finding,
    Rule,
    Severity,
    SourceSummary,
    WaiverRef,
)

TYPES = ["aws_instance", "aws_s3_bucket", "aws_security_group", "aws_db_instance",
         "aws_ebs_volume", "aws_iam_role", "aws_lambda_function", "aws_subnet",
         "aws_kms_key", "aws_ecr_repository", "aws_eks_cluster", "aws_sagemaker_endpoint"]
WHERE = [(a, r) for a in ("111111111111", "222222222222")
         for r in ("eu-west-1", "us-east-1", "ap-south-1")]
POLICY_RULES = [Rule(id=f"DG-BIG-{i:03d}", package=f"driftguard.rules.big.r{i}",
                     title=f"Rule {i} about {TYPES[i % len(TYPES)]}",
                     severity=Severity(4 - i % 5), remediation=f"Fix the thing of rule {i}.")
                for i in range(24)]


def big_scan(findings: int = 10_000) -> CheckResult:
    """A scan result with `findings` findings: a fifth drift, the rest policy."""
    rules = [Rule(id=rid, package=f"driftguard.drift.{kind}", title=f"{kind} resource",
                  severity=Severity.medium if kind != "missing" else Severity.high)
             for kind, rid in DRIFT_RULE_IDS.items()] + POLICY_RULES
    drifts: list[Drift] = []
    out: list[Finding] = []
    n_drift = findings // 5
    for i in range(n_drift):
        kind = ("missing", "changed", "changed", "unmanaged")[i % 4]
        rtype = TYPES[i % len(TYPES)]
        account, region = WHERE[i % len(WHERE)]
        ident = f"{rtype.split('_', 1)[1]}-{i:06d}"
        address = ident if kind == "unmanaged" else f'module.team{i % 40}.{rtype}.r["{i}"]'
        changes = [AttributeChange(attribute="instance_type", declared="m5.large",
                                   live="m5.4xlarge"),
                   AttributeChange(attribute="password", declared=MASK, live=MASK),
                   ] if kind == "changed" else []
        origin = None if kind == "unmanaged" else f"s3://states/team{i % 40}.tfstate"
        drifts.append(Drift(kind=kind, type=rtype, id=ident, address=address, origin=origin,
                            account=account, region=region, changes=changes))
        out.append(Finding(
            rule_id=DRIFT_RULE_IDS[kind], title=f"{kind} resource",
            severity=Severity.high if kind == "missing" else Severity.medium, level="deny",
            message=f"{rtype} {ident} {kind}", resource_address=address, resource_type=rtype,
            origin=origin or "live", source="live" if kind == "unmanaged" else "state",
            account=account, region=region))
    for i in range(findings - n_drift):
        rule = POLICY_RULES[i % len(POLICY_RULES)]
        rtype = TYPES[(i * 7) % len(TYPES)]
        account, region = WHERE[(i * 5) % len(WHERE)]
        arn = f"arn:aws:{rtype.split('_')[1]}:{region}:{account}:{rtype}/res-{i:06d}"
        waiver = (WaiverRef(rule=rule.id, resource=arn, reason="accepted in RISK-7",
                            owner="platform", expires=dt.date(2027, 1, 1), expired=i % 2 == 0)
                  if i % 97 == 0 else None)
        out.append(Finding(
            rule_id=rule.id, title=rule.title, severity=rule.severity,
            level="warn" if i % 11 == 0 else "deny",
            message=f"{rtype} res-{i:06d} breaks {rule.id}: value {i % 13} is not allowed",
            resource_address=arn, resource_type=rtype, origin="live", source="live",
            remediation=rule.remediation, waiver=waiver, account=account, region=region))
    coverage = [Coverage(type=t, managed=400 + 37 * k, unmanaged=sum(
        1 for d in drifts if d.kind == "unmanaged" and d.type == t))
        for k, t in enumerate(TYPES)]
    return CheckResult(
        kind="scan", sources=[SourceSummary(path=f"s3://states/team{i}.tfstate", kind="state",
                                            resources=120) for i in range(40)],
        resources=findings, rules=rules, findings=out, fail_on=Severity.low, drifts=drifts,
        coverage=coverage, account=None, regions=sorted({r for _, r in WHERE}),
        units=[f"{a}/{r}" for a, r in WHERE])
