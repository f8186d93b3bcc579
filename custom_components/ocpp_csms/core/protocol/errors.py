"""How a command to a charger fails, whatever the charger's OCPP version."""

from __future__ import annotations


class CommandError(Exception):
    """A command did not succeed; subclasses say why."""


class ChargerTimeoutError(CommandError):
    """The charger did not answer in time."""


class ChargerDisconnectedError(CommandError):
    """The connection closed before the charger answered."""


class ChargerCallError(CommandError):
    """The charger answered with a CALLERROR."""

    def __init__(self, code: str, description: str) -> None:
        """Keep the OCPP error code and description."""
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description


class InvalidRequestError(CommandError):
    """The request itself is not valid OCPP (the charger never saw it)."""


class CommandRejectedError(CommandError):
    """The charger answered with a status other than success (Rejected, NotSupported...)."""

    def __init__(self, status: str) -> None:
        """Keep the charger's status."""
        super().__init__(status)
        self.status = status
