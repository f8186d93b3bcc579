"""What the user set, read into the core's types."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .const import (
    AUTH_LISTED_ONLY,
    CONF_ALLOWED_TAGS,
    CONF_AUTH_POLICY,
    CONF_BLOCKED_TAGS,
    CONF_EXPIRED_TAGS,
)
from .core.auth import AuthPolicy, normalize_tags


def auth_policy(options: Mapping[str, Any]) -> AuthPolicy:
    """The id tag policy of a central system's options."""
    return AuthPolicy(
        listed_only=options.get(CONF_AUTH_POLICY) == AUTH_LISTED_ONLY,
        allowed=normalize_tags(options.get(CONF_ALLOWED_TAGS, ())),
        blocked=normalize_tags(options.get(CONF_BLOCKED_TAGS, ())),
        expired=normalize_tags(options.get(CONF_EXPIRED_TAGS, ())),
    )
