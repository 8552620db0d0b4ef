"""The exceptions this package raises on purpose; the CLI turns each into a one-line error."""


class WarehouseError(Exception):
    """Base class: something the user can fix; the message says what and where.

    Each class has its own exit code (documented in README.md): 1 input problem,
    3 quality gate failed, 4 warehouse busy, 5 warehouse unusable, 130 interrupted
    (Ctrl-C). Click uses 2 for usage.
    """

    exit_code = 1


class InputFileError(WarehouseError):
    """An input file is missing, unreadable or not a batch in the published contract."""

    def __init__(self, path, message):
        super().__init__(f"{path}: {message}")
        self.path = str(path)
        self.reason = message


class NulCharacterError(WarehouseError):
    """A value holds the NUL character, which PostgreSQL text cannot store (SQLite can)."""


class OutputError(WarehouseError):
    """Generated files cannot be written (disk full, no permission, not a folder)."""


class DatabaseError(WarehouseError):
    """The warehouse cannot be opened or written (bad path, not a database, read-only, disk full)."""

    exit_code = 5


class WarehouseBusyError(DatabaseError):
    """Another process holds the warehouse's write lock and did not release it in time."""

    exit_code = 4


class QualityGateError(WarehouseError):
    """An error-severity check failed; the transform was rolled back (write-audit-publish)."""

    exit_code = 3

    def __init__(self, message, results):
        super().__init__(message)
        self.results = results


class TransformError(WarehouseError):
    """A SQL transform failed; the warehouse was rolled back to its last good state."""

    exit_code = 5


class SqlFileError(WarehouseError):
    """A SQL file of the project is missing or cannot be read."""


class QueryError(WarehouseError):
    """The user's SQL was refused or failed; the message says why (and where, if known)."""


class Interrupted(WarehouseError):
    """The user stopped a command (Ctrl-C); the message says what was kept and how to go on.

    Exit 130, the shell's code for a command ended by SIGINT (128 + 2).
    """

    exit_code = 130


class UnknownSourceError(WarehouseError):
    """--source names an input kind this release does not know; the message lists those it does."""

    exit_code = 2


class UnsupportedEngineError(WarehouseError):
    """--db names an engine this release does not support; the message lists those it does."""

    exit_code = 2
