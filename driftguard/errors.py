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
