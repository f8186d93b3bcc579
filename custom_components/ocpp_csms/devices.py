"""Device registry entries: one device per charger, one child per connector when it has several."""

from __future__ import annotations

from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.typing import UNDEFINED, UndefinedType
from homeassistant.util import slugify

from .core.model import Charger
from .identifiers import charger_identifier, connector_identifier, unique_id


def charger_device_info(charger: Charger) -> DeviceInfo:
    """The charger's device, described by its BootNotification."""
    boot = charger.boot
    return DeviceInfo(
        identifiers={charger_identifier(charger.id)},
        name=charger.id,
        manufacturer=boot.vendor if boot else None,
        model=boot.model if boot else None,
        serial_number=boot.serial_number if boot else None,
        sw_version=boot.firmware_version if boot else None,
    )


def connector_device_info(charger: Charger, connector_id: int | None) -> DeviceInfo:
    """Where a connector's entities live: the charger itself unless it has several connectors."""
    if connector_id is None or connector_id == 0 or charger.connector_count <= 1:
        return charger_device_info(charger)
    return DeviceInfo(
        identifiers={connector_identifier(charger.id, connector_id)},
        via_device=charger_identifier(charger.id),
        translation_key="connector",
        translation_placeholders={"cp_id": charger.id, "connector_id": str(connector_id)},
        name=f"{charger.id} connector {connector_id}",
    )


def update_charger_device(device_registry: dr.DeviceRegistry, charger: Charger) -> None:
    """Refresh vendor/model/firmware after a BootNotification."""
    device = device_registry.async_get_device(identifiers={charger_identifier(charger.id)})
    if device is None or charger.boot is None:
        return
    boot = charger.boot
    device_registry.async_update_device(
        device.id,
        manufacturer=boot.vendor,
        model=boot.model,
        serial_number=boot.serial_number,
        sw_version=boot.firmware_version,
    )


def place_first_connector(
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    entry_id: str,
    subentry_id: str,
    charger: Charger,
) -> None:
    """Put connector 1's entities where the charger's layout says they belong.

    On the charger's device while it has one connector, on a child device of their own once it
    has several; the child device goes when the charger is back to one connector.
    """
    parent = device_registry.async_get_device(identifiers={charger_identifier(charger.id)})
    if parent is None:
        return
    child = device_registry.async_get_device(identifiers={connector_identifier(charger.id, 1)})
    if charger.connector_count > 1:
        source: dr.DeviceEntry | None = parent
        target = device_registry.async_get_or_create(
            config_entry_id=entry_id,
            config_subentry_id=subentry_id,
            **connector_device_info(charger, 1),
        )
    else:
        source, target = child, parent
    if source is None:
        return
    prefix = unique_id(charger.id, 1, "")
    for entity in er.async_entries_for_device(
        entity_registry, source.id, include_disabled_entities=True
    ):
        if entity.unique_id.startswith(prefix):
            entity_registry.async_update_entity(
                entity.entity_id,
                device_id=target.id,
                new_entity_id=_renamed(entity_registry, entity, source, target),
            )
    if source is child:
        device_registry.async_remove_device(child.id)


def remove_connector_device(
    device_registry: dr.DeviceRegistry, cp_id: str, connector_id: int
) -> None:
    """Remove a connector's child device, and with it the connector's entities."""
    device = device_registry.async_get_device(
        identifiers={connector_identifier(cp_id, connector_id)}
    )
    if device is not None:
        device_registry.async_remove_device(device.id)


def _renamed(
    entity_registry: er.EntityRegistry,
    entity: er.RegistryEntry,
    source: dr.DeviceEntry,
    target: dr.DeviceEntry,
) -> str | UndefinedType:
    """The entity id named after the device the entity moves to, if the old one was generated.

    An entity id the user chose is kept; one generated from the old device's name becomes the
    one the new device's other entities have (``sensor.cp1_connector_1_…`` and back).
    """
    name = entity.original_name
    if not name or entity.entity_id != f"{entity.domain}.{slugify(f'{source.name} {name}')}":
        return UNDEFINED
    return entity_registry.async_generate_entity_id(entity.domain, f"{target.name} {name}")
