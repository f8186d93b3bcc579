"""Repair issues the central system raises about its chargers."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN


class AuthRepairs:
    """A known charger that keeps failing to log in, shown in Repairs until it succeeds."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Raise issues for one central system's chargers."""
        self._hass = hass
        self._entry_id = entry_id

    def issue_id(self, cp_id: str) -> str:
        """The repair issue raised for a charger of this central system."""
        return f"auth_failures_{self._entry_id}_{cp_id}"

    def failing(self, cp_id: str, address: str, failures: int) -> None:
        """The charger was refused ``failures`` times in a row."""
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            self.issue_id(cp_id),
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="auth_failures",
            translation_placeholders={
                "cp_id": cp_id,
                "address": address,
                "failures": str(failures),
            },
        )

    def recovered(self, cp_id: str) -> None:
        """The charger logged in, or its streak was forgotten."""
        ir.async_delete_issue(self._hass, DOMAIN, self.issue_id(cp_id))
