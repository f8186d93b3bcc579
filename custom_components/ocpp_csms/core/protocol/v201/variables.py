"""The station's device model: configuration read and written as 2.0.1 variables and reports."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
import logging

from ocpp.v201 import call
from ocpp.v201.enums import (
    ReportBaseEnumType,
)

from ...capabilities import Capabilities
from ..device_model import Report, VariableRef
from ..errors import ChargerTimeoutError, CommandError, CommandRejectedError
from ..outgoing import ConfigurationRead, MeterSettings
from ..wire import (
    new_id,
)
from .convert import (
    CAPABILITY_VARIABLES,
    HEARTBEAT_INTERVAL,
    MEASURANDS,
    METER_INTERVAL,
    SET_VARIABLE_SUCCESS,
    UNKNOWN_VARIABLE,
    capabilities_from,
    variable_ref,
)
from .transactions import TransactionEvents

_LOGGER = logging.getLogger(__name__)


class DeviceModelCommands(TransactionEvents):
    """GetVariables, SetVariables and GetBaseReport, as the neutral configuration commands."""

    async def change_configuration(self, key: str, value: str) -> str:
        """SetVariables of one variable (``Component.Variable``, see :mod:`..device_model`)."""
        statuses = await self._set_variables({key: value})
        return statuses[0]

    async def _set_variables(self, values: dict[str, str]) -> list[str]:
        refs = [(variable_ref(key), value) for key, value in values.items()]
        result = await self.send_call(
            call.SetVariables(
                set_variable_data=[
                    {
                        "attribute_value": value,
                        "component": ref.component_type(),
                        "variable": ref.variable_type(),
                    }
                    for ref, value in refs
                ]
            )
        )
        statuses = [str(item["attribute_status"]) for item in result.set_variable_result]
        if len(statuses) != len(refs):
            raise CommandRejectedError("Incomplete")
        for status in statuses:
            self.expect(status, *SET_VARIABLE_SUCCESS)
        return statuses

    async def get_configuration(self, keys: Sequence[str] | None = None) -> ConfigurationRead:
        """GetVariables of the given keys; with none, the station's configuration report."""
        if not keys:
            report = await self._base_report(ReportBaseEnumType.configuration_inventory)
            return ConfigurationRead(
                configuration={key: item.value for key, item in report.values.items()},
                readonly=[key for key, item in report.values.items() if item.readonly],
            )
        values, unknown = await self._get_variables(keys)
        return ConfigurationRead(configuration=values, unknown_keys=unknown)

    async def _get_variables(self, keys: Sequence[str]) -> tuple[dict[str, str | None], list[str]]:
        refs = [variable_ref(key) for key in keys]
        result = await self.send_call(
            call.GetVariables(
                get_variable_data=[
                    {"component": ref.component_type(), "variable": ref.variable_type()}
                    for ref in refs
                ]
            )
        )
        values: dict[str, str | None] = {}
        unknown: list[str] = []
        asked = {ref.key for ref in refs}
        for ref, item in zip(refs, result.get_variable_result, strict=False):
            # Results name their variable; a station may answer in another order.
            named = VariableRef.from_wire(item["component"], item["variable"]).key
            key = named if named in asked else ref.key
            if item["attribute_status"] == "Accepted":
                values[key] = item.get("attribute_value")
            elif item["attribute_status"] in UNKNOWN_VARIABLE:
                unknown.append(key)
        return values, unknown

    async def _base_report(self, base: ReportBaseEnumType) -> Report:
        """Ask for a report and wait for all its NotifyReport messages."""
        request_id = new_id()
        report = self._reports[request_id] = Report()
        try:
            result = await self.send_call(
                call.GetBaseReport(request_id=request_id, report_base=base)
            )
            if result.status == "EmptyResultSet":
                return report
            self.expect(result.status)
            try:
                async with asyncio.timeout(self._response_timeout):
                    await report.complete.wait()
            except TimeoutError as err:
                raise ChargerTimeoutError(f"{self.id}: report {request_id} incomplete") from err
            return report
        finally:
            del self._reports[request_id]

    async def read_capabilities(self) -> Capabilities:
        """The station's device model (full report, else the few variables that matter)."""
        try:
            report = await self._base_report(ReportBaseEnumType.full_inventory)
        except CommandError as err:
            _LOGGER.debug("%s: no full report (%s); reading variables", self.id, err)
            values, _ = await self._get_variables(CAPABILITY_VARIABLES)
            return capabilities_from(values, evse_count=None)
        values = {key: item.value for key, item in report.values.items()}
        return capabilities_from(values, evse_count=max(report.evse_ids, default=0) or None)

    async def apply_settings(self, settings: MeterSettings) -> None:
        """SetVariables of the heartbeat interval, transaction meter interval and measurands."""
        if values := settings.by_key(HEARTBEAT_INTERVAL, METER_INTERVAL, MEASURANDS):
            await self._set_variables(values)
