"""Which account the credentials reach (STS GetCallerIdentity)."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from driftguard.aws_errors import reason
from driftguard.collect.clients import ClientFactory
from driftguard.errors import NoCredentials
from driftguard.model import NotChecked


def caller_account(clients: ClientFactory) -> tuple[str | None, NotChecked | None]:
    """(account id, None), or (None, the gap) when STS cannot be reached; NoCredentials
    when there are no credentials to ask with (every other call would fail alike)."""
    try:
        account = clients.client("sts").get_caller_identity().get("Account")
    except NoCredentialsError:
        raise NoCredentials() from None
    except (ClientError, BotoCoreError) as exc:
        return None, NotChecked(type="*", operation="GetCallerIdentity",
                                reason=f"cannot identify the account: {reason(exc)}")
    if not isinstance(account, str) or not account:
        return None, NotChecked(type="*", operation="GetCallerIdentity",
                                reason="cannot identify the account: the answer names none")
    return account, None
