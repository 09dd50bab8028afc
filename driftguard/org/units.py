"""Units of work: one (account, region) pair each, with the code that declares it.

The accounts come from `accounts` in the config and, with `organization.discover`, from
AWS Organizations. "all" regions are the ones enabled in that account (DescribeRegions).
An account that cannot be reached for its regions becomes one unit with region "*", which
the scan then reports as not checked: never silently skipped.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from driftguard.config import AccountSettings, Config, Regions
from driftguard.errors import DriftguardError

ALL_REGIONS_FAILED = "*"


@dataclass(frozen=True)
class Unit:
    account: str
    region: str
    role_arn: str | None
    external_id: str | None
    states: tuple[str, ...]
    plans: tuple[str, ...]
    stacks: tuple[str, ...]
    home: bool  # the account's first region: global types (S3, ...) are scanned there only
    error: str | None = None  # why the account's regions could not be listed

    @property
    def key(self) -> str:
        return f"{self.account}/{self.region}"


SessionFor = Callable[[AccountSettings], Any]  # -> a ClientFactory-like .client(service)


def expand_units(config: Config, clients_for: SessionFor,
                 list_accounts: Callable[[], list[dict[str, Any]]] | None = None) -> list[Unit]:
    """Every unit of the configured accounts, sorted by key."""
    accounts = {a.id: a for a in config.accounts}
    if config.organization.discover:
        org = config.organization
        for found in (list_accounts or (lambda: _list_accounts(clients_for)))():
            if found["Id"] in accounts or not _selected(found, org.include, org.exclude):
                continue
            accounts[found["Id"]] = AccountSettings(
                id=found["Id"], name=found.get("Name"),
                role_arn=f"arn:aws:iam::{found['Id']}:role/{org.role_name}",
                external_id=org.external_id, regions=org.regions, states=org.states,
                plans=org.plans, stacks=org.stacks)
    units = [u for account in accounts.values()
             for u in _account_units(config, account, clients_for)]
    return sorted(units, key=lambda u: u.key)


def _account_units(config: Config, account: AccountSettings, clients_for: SessionFor
                   ) -> list[Unit]:
    regions, error = _regions(config, account.regions, account, clients_for)
    if error is not None:
        regions = [ALL_REGIONS_FAILED]
    return [Unit(
        account=account.id, region=region, role_arn=account.role_arn,
        external_id=account.external_id,
        states=tuple(_fill(s, account.id, region) for s in account.states),
        plans=tuple(_fill(p, account.id, region) for p in account.plans),
        stacks=tuple(_fill(p, account.id, region) for p in account.stacks),
        home=index == 0, error=error) for index, region in enumerate(regions)]


def _regions(config: Config, regions: Regions, account: AccountSettings,
             clients_for: SessionFor) -> tuple[list[str], str | None]:
    if regions is None:
        regions = config.aws.regions
    if regions == "all":
        try:
            found = clients_for(account).client("ec2").describe_regions()["Regions"]
        except (ClientError, BotoCoreError) as exc:
            return [], f"cannot list the account's regions (DescribeRegions): {exc}"
        return sorted(r["RegionName"] for r in found), None
    if not regions:
        raise DriftguardError(f"account {account.id}: no regions: set its regions, "
                              "or aws.regions")
    return list(regions), None


def _fill(template: str, account: str, region: str) -> str:
    return template.replace("{account}", account).replace("{region}", region)


def _selected(account: dict[str, Any], include: list[str], exclude: list[str]) -> bool:
    if account.get("Status", "ACTIVE") != "ACTIVE":
        return False
    names = [account["Id"], account.get("Name") or ""]

    def matches(globs: list[str]) -> bool:
        return any(fnmatch.fnmatchcase(n, g) for n in names for g in globs)

    return (not include or matches(include)) and not matches(exclude)


def _list_accounts(clients_for: SessionFor) -> list[dict[str, Any]]:
    """The organization's accounts, read with the current (management or delegated
    administrator) credentials."""
    management = AccountSettings(id="000000000000")  # no role: the current credentials
    client = clients_for(management).client("organizations")
    try:
        return [a for page in client.get_paginator("list_accounts").paginate()
                for a in page["Accounts"]]
    except (ClientError, BotoCoreError) as exc:
        raise DriftguardError(f"organization.discover: cannot list accounts: {exc}") from None
