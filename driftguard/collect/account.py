"""Which account the credentials reach (STS GetCallerIdentity)."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from driftguard.aws_errors import reason
from driftguard.collect.clients import ClientFactory
from driftguard.model import NotChecked


def caller_account(clients: ClientFactory) -> tuple[str | None, NotChecked | None]:
    """(account id, None), or (None, the gap) when STS cannot be reached."""
    try:
        return clients.client("sts").get_caller_identity()["Account"], None
    except (ClientError, BotoCoreError) as exc:
        return None, NotChecked(type="*", operation="GetCallerIdentity",
                                reason=f"cannot identify the account: {reason(exc)}")
