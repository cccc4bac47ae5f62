"""The engine's one exception tree; every message names the value and what is accepted."""


class RoostError(Exception):
    """Base of every error the engine raises on purpose."""


class ConfigError(RoostError):
    """A setting or command-line value is out of its accepted range."""


class InvalidInput(RoostError):
    """A caller passed a value the engine does not accept; nothing was stored."""


class InvalidArgs(InvalidInput):
    """Job args are not plain JSON (objects, arrays, strings, numbers, booleans, null)."""


class NotFound(RoostError):
    """The job, queue or schedule named does not exist."""


class Conflict(RoostError):
    """The action does not fit the current state of what it names."""


class UnknownKind(RoostError):
    """A job's kind has no registered function in this worker."""


class SchemaError(RoostError):
    """The store's schema is newer than this version of Roost understands."""
