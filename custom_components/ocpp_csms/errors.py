"""The integration's translated errors: a call that cannot be right, or a charger that failed."""

from __future__ import annotations

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .const import DOMAIN


def invalid(key: str, **placeholders: str) -> ServiceValidationError:
    """The caller asked for something that cannot work (nothing was sent)."""
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def charger_error(key: str, cp_id: str, **placeholders: str) -> HomeAssistantError:
    """A command to a charger failed; the message names the charger."""
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={"cp_id": cp_id, **placeholders},
    )
