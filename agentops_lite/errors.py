"""Typed errors and the exit codes they map to; the CLI turns them into one line on stderr."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes (documented in the README)."""

    OK = 0
    PROBLEMS = 1  # problems found (validate), nothing found, or a step/record refused
    USAGE = 2  # bad arguments or bad input file
    PARTIAL = 3  # a refresh where some sources failed and others succeeded
    ENVIRONMENT = 4  # network, rate limit, database or other environment failure
    INTERRUPTED = 130


class AgentOpsError(Exception):
    """Base class: every error the CLI reports carries an exit code and an optional hint."""

    exit_code: ExitCode = ExitCode.ENVIRONMENT

    def __init__(self, message: str, *, hint: str | None = None, reported: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        # True when the command already printed its full result (e.g. a --json report) and
        # the error only sets the exit code: no second JSON document on stdout.
        self.reported = reported


class UsageError(AgentOpsError):
    """The user asked for something malformed (bad flag value, bad file, unknown name)."""

    exit_code = ExitCode.USAGE


class NotFoundError(AgentOpsError):
    """A named marketplace, plugin, run or step does not exist."""

    exit_code = ExitCode.PROBLEMS


class ManifestError(AgentOpsError):
    """A manifest could not be read at all (not JSON, too big, not an object)."""

    exit_code = ExitCode.PROBLEMS


class SourceError(AgentOpsError):
    """A marketplace source could not be loaded."""

    exit_code = ExitCode.ENVIRONMENT


class NetworkError(SourceError):
    """The network failed: refused, timed out, too many redirects, server errors after retries."""

    exit_code = ExitCode.ENVIRONMENT


class RateLimited(NetworkError):
    """GitHub said stop; `reset_at` is when asking again makes sense (epoch seconds)."""

    def __init__(
        self, message: str, *, reset_at: float | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.reset_at = reset_at


class CatalogError(AgentOpsError):
    """The catalog database could not be opened, migrated or written."""

    exit_code = ExitCode.ENVIRONMENT


class WorkflowError(AgentOpsError):
    """A workflow document or a run operation was refused."""

    exit_code = ExitCode.PROBLEMS


class PartialFailure(AgentOpsError):
    """Some sources of a refresh failed; the rest were stored."""

    exit_code = ExitCode.PARTIAL


class ServeError(AgentOpsError):
    """A server (`mcp --http`) could not listen on the address asked for."""

    exit_code = ExitCode.ENVIRONMENT
