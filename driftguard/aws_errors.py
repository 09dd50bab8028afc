"""What an AWS call's failure means, in one line: access denied, throttled past retries,
region disabled, another AWS error, or AWS unreachable.

Shared by everything that calls AWS (collectors, deployed stacks, CloudFormation's drift
detection), so it sits below all of them and imports no driftguard stage. botocore is
imported only when an error is classified: its exceptions exist by then.
"""

from __future__ import annotations

ACCESS_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
                 "AuthFailure", "UnrecognizedClientException", "InvalidClientTokenId"}
REGION_DISABLED = {"OptInRequired", "InvalidRegion"}
THROTTLING_CODES = {
    "Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded",
    "TooManyRequestsException", "SlowDown", "RequestThrottled", "RequestThrottledException",
}


def reason(exc: Exception) -> str:
    """`kind: Code: Message` for a ClientError; for botocore's other errors their own kind
    (`malformed answer: ...`, collect/responses.py) or `unreachable: ...` (connection and
    timeout errors)."""
    from botocore.exceptions import ClientError

    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = error.get("Code", "")
        if code in ACCESS_DENIED:
            kind = "access denied"
        elif code in THROTTLING_CODES:
            kind = "throttled past retries"
        elif code in REGION_DISABLED:
            kind = "region disabled"
        else:
            kind = "AWS error"
        return f"{kind}: {code}: {error.get('Message', '')}".strip()
    own_kind = getattr(exc, "reason_kind", None)
    if own_kind:
        return f"{own_kind}: {exc}"
    return f"unreachable: {type(exc).__name__}: {exc}"
