"""The daemon over many accounts: each shard scans and exports only its units, every
sample labelled with its shard."""

from __future__ import annotations

import re
from pathlib import Path

from org_estate import account_ids, build, config

from driftguard.config import Config
from driftguard.daemon.http import exposition
from driftguard.daemon.service import Daemon
from driftguard.org.shard import Shard


def test_two_shards_split_the_units_and_label_their_metrics(aws: str, tmp_path: Path) -> None:
    accounts = account_ids(3)
    build(accounts, ["eu-west-1", "us-east-1"])
    units: dict[int, set[tuple[str, str]]] = {}
    for index in range(2):
        cfg = Config.model_validate({**config(accounts, ["eu-west-1", "us-east-1"]), "serve": {
            "history": str(tmp_path / f"h{index}.sqlite"),
            "jobs": [{"name": "org", "interval": "1h"}]}})
        daemon = Daemon(cfg, shard=Shard(index, 2))
        daemon.run_job("org")
        text = exposition(daemon).decode()
        samples = [line for line in text.splitlines() if line and not line.startswith("#")]
        assert all(f'shard="{index}/2"' in line for line in samples)
        units[index] = set(re.findall(
            r'driftguard_unit_up\{account="(\d+)",region="([^"]+)",scan_job="org",'
            rf'shard="{index}/2"\}} 1\.0', text))
        assert daemon.registry.get_sample_value(
            "driftguard_units", {"scan_job": "org"}) == len(units[index])
        # Only this shard's units have findings in its history.
        found = {(o.finding.account, o.finding.region) for o in daemon.history.open_findings()
                 if o.finding.rule_id == "DG-NET-003"}
        assert found == units[index]
    assert not units[0] & units[1]
    assert units[0] | units[1] == {(a, r) for a in accounts for r in ("eu-west-1", "us-east-1")}
