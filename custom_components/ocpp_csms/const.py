"""Names and defaults of the OCPP Central System integration."""

from __future__ import annotations

from typing import Final

from .core.const import SUBPROTOCOL_OCPP16, SUBPROTOCOL_OCPP201

DOMAIN: Final = "ocpp_csms"
NAME: Final = "OCPP Central System"
# Version of the config entry: 2 introduced the "/"-separated unique ids (identifiers.py).
CONFIG_VERSION: Final = 2
# 2: settings chosen from lists (pinned OCPP version, measurands) are stored as selector keys.
CONFIG_MINOR_VERSION: Final = 2

# Central system (config entry data)
CONF_SSL: Final = "ssl"
CONF_SSL_CERTFILE: Final = "ssl_certfile"
CONF_SSL_KEYFILE: Final = "ssl_keyfile"
DEFAULT_HOST: Final = "0.0.0.0"  # noqa: S104 - chargers connect from the LAN
DEFAULT_PORT: Final = 9000

# Central system (config entry options)
CONF_AUTO_ACCEPT: Final = "auto_accept"
CONF_AUTH_POLICY: Final = "auth_policy"
CONF_ALLOWED_TAGS: Final = "allowed_tags"
CONF_BLOCKED_TAGS: Final = "blocked_tags"
CONF_EXPIRED_TAGS: Final = "expired_tags"
CONF_HEARTBEAT_INTERVAL: Final = "heartbeat_interval"
CONF_REQUIRE_PASSWORD: Final = "require_password"  # noqa: S105 - an option name
AUTH_ACCEPT_ALL: Final = "accept_all"
AUTH_LISTED_ONLY: Final = "listed_only"
DEFAULT_HEARTBEAT_INTERVAL: Final = 300

# Charger subentries
SUBENTRY_CHARGER: Final = "charger"
CONF_CP_ID: Final = "cp_id"
CONF_MAX_CURRENT: Final = "max_current"
DEFAULT_MAX_CURRENT: Final = 32.0
CONF_PHASES: Final = "phases"
CONF_VOLTAGE: Final = "voltage"
CONF_METER_INTERVAL: Final = "meter_interval"
CONF_MEASURANDS: Final = "measurands"
CONF_PRICE_ENTITY: Final = "price_entity"
CONF_PASSWORD: Final = "password"  # noqa: S105 - a setting name
CONF_OCPP_VERSION: Final = "ocpp_version"
OCPP_VERSION_AUTO: Final = "auto"

# Transport
# The OCPP version a charger can be pinned to (a selector key) → the subprotocol it speaks.
PINNABLE_VERSIONS: Final = {"ocpp1_6": SUBPROTOCOL_OCPP16, "ocpp2_0_1": SUBPROTOCOL_OCPP201}
CALL_TIMEOUT: Final = 30.0

# Events
EVENT_TRANSACTION_STARTED: Final = f"{DOMAIN}_transaction_started"
EVENT_TRANSACTION_STOPPED: Final = f"{DOMAIN}_transaction_stopped"
EVENT_AUTHORIZE: Final = f"{DOMAIN}_authorize"
EVENT_SECURITY: Final = f"{DOMAIN}_security_event"

# Id tag the integration uses for remote starts when the caller gives none
REMOTE_ID_TAG: Final = "HomeAssistant"
