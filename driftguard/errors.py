"""Errors that the CLI turns into one clear line and an exit code."""


class DriftguardError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


class InputError(DriftguardError):
    """A file driftguard was given cannot be used."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class PolicyError(DriftguardError):
    """The policy engine could not load or evaluate the policies."""


class NoCredentials(DriftguardError):
    """No AWS credentials anywhere in the standard chain: nothing can be read, so the scan
    stops with this one line instead of a "not checked" line per type."""

    def __init__(self) -> None:
        super().__init__(
            "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
            "AWS_PROFILE, or run with an instance or task role (boto3's standard chain)")
