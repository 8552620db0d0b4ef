"""The exceptions this package raises on purpose; the CLI turns each into a one-line error."""


class WarehouseError(Exception):
    """Base class: something the user can fix; the message says what and where."""

    exit_code = 1


class InputFileError(WarehouseError):
    """An input file is missing, unreadable or not a batch in the published contract."""

    def __init__(self, path, message):
        super().__init__(f"{path}: {message}")
        self.path = str(path)
        self.reason = message


class DatabaseError(WarehouseError):
    """The warehouse cannot be opened or written (bad path, not a database, busy)."""


class TransformError(WarehouseError):
    """A SQL transform failed; the warehouse was rolled back to its last good state."""


class SqlFileError(WarehouseError):
    """A SQL file of the project is missing or cannot be read."""
