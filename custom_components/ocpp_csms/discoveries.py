"""New chargers: offered to the user, or accepted automatically, both bounded.

Each unknown charger that boots is offered to the user once (a flow with its charge point id
as unique id); booting again while its flow is open offers nothing new. At most
``MAX_OPEN`` flows are open per central system: the oldest is withdrawn for a new one, logged
once per flood, so a scanner cycling through ids costs a bounded number of flows. A charger
whose flow was withdrawn is offered again when it boots again.

With auto-accept on, at most ``AUTO_ACCEPTS_PER_HOUR`` new chargers are accepted in any hour
(:class:`AutoAccept`); beyond that they are offered like with auto-accept off, and a repair
issue tells the user, so that a stranger cycling through ids cannot fill Home Assistant with
devices.
"""

from __future__ import annotations

from collections import OrderedDict, deque
import logging
import time

from homeassistant.config_entries import SOURCE_INTEGRATION_DISCOVERY
from homeassistant.core import HomeAssistant
from homeassistant.helpers import discovery_flow, issue_registry as ir

from .const import CONF_CP_ID, DOMAIN
from .core.capabilities import BootInfo

_LOGGER = logging.getLogger(__name__)

MAX_OPEN = 32
AUTO_ACCEPTS_PER_HOUR = 10
_HOUR = 3600.0


class Discoveries:
    """The open discovery flows of one central system, oldest first."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Offer chargers on behalf of the central system ``entry_id``."""
        self._hass = hass
        self._entry_id = entry_id
        self._open: OrderedDict[str, None] = OrderedDict()
        self._flooded = False

    def offer(self, cp_id: str, info: BootInfo) -> None:
        """Ask the user about a charger, unless it is asked about already."""
        if cp_id in self._open and self._in_progress(cp_id):
            return
        self._open.pop(cp_id, None)
        while len(self._open) >= MAX_OPEN:
            oldest, _ = self._open.popitem(last=False)
            self._withdraw(oldest)
            if not self._flooded:
                self._flooded = True
                _LOGGER.warning(
                    "More than %d chargers nobody added are waiting to be accepted; the "
                    "oldest offers are withdrawn (%s first). They are offered again when "
                    "they boot again",
                    MAX_OPEN,
                    oldest,
                )
        if len(self._open) < MAX_OPEN // 2:
            self._flooded = False
        self._open[cp_id] = None
        discovery_flow.async_create_flow(
            self._hass,
            DOMAIN,
            context={"source": SOURCE_INTEGRATION_DISCOVERY},
            data={
                "entry_id": self._entry_id,
                CONF_CP_ID: cp_id,
                "vendor": info.vendor,
                "model": info.model,
            },
        )

    def dismiss(self, cp_id: str) -> None:
        """The charger was added (or removed): its offer goes."""
        self._open.pop(cp_id, None)
        self._withdraw(cp_id)

    def _in_progress(self, cp_id: str) -> bool:
        flows = self._hass.config_entries.flow
        return bool(flows.async_progress_by_handler(DOMAIN, match_context={"unique_id": cp_id}))

    def _withdraw(self, cp_id: str) -> None:
        flows = self._hass.config_entries.flow
        for flow in flows.async_progress_by_handler(DOMAIN, match_context={"unique_id": cp_id}):
            flows.async_abort(flow["flow_id"])


class AutoAccept:
    """How many chargers auto-accept took in the last hour; a repair issue when it is enough."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Count for the central system ``entry_id``."""
        self._hass = hass
        self._entry_id = entry_id
        self._taken: deque[float] = deque()  # when, oldest first

    @property
    def issue_id(self) -> str:
        """The repair issue raised when the limit is reached."""
        return f"auto_accept_limit_{self._entry_id}"

    def allows(self, cp_id: str) -> bool:
        """Whether ``cp_id`` may be accepted automatically now (it counts if so)."""
        now = time.monotonic()
        while self._taken and now - self._taken[0] > _HOUR:
            self._taken.popleft()
        if len(self._taken) < AUTO_ACCEPTS_PER_HOUR:
            self._taken.append(now)
            ir.async_delete_issue(self._hass, DOMAIN, self.issue_id)
            return True
        if ir.async_get(self._hass).async_get_issue(DOMAIN, self.issue_id) is None:
            _LOGGER.warning(
                "%d chargers were accepted automatically in the last hour; %s and further "
                "new chargers wait for you to accept them",
                AUTO_ACCEPTS_PER_HOUR,
                cp_id,
            )
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            self.issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="auto_accept_limit",
            translation_placeholders={"count": str(AUTO_ACCEPTS_PER_HOUR), "cp_id": cp_id},
        )
        return False
