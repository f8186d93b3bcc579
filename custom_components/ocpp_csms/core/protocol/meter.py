"""MeterValue objects of either OCPP version as normalised samples."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..measurands import normalize_sample
from ..transaction import MeterSample
from .wire import parse_timestamp

# A SampledValue (snake_cased) → its value and unit, or None to skip it.
type ValueReader = Callable[[dict[str, Any]], tuple[str | float, str | None] | None]


def parse_meter_values(
    meter_values: list[dict[str, Any]], read_value: ValueReader
) -> list[MeterSample]:
    """Flatten MeterValue objects (already snake_cased) into samples."""
    samples: list[MeterSample] = []
    for meter_value in meter_values:
        timestamp = parse_timestamp(meter_value.get("timestamp"))
        for sampled in meter_value.get("sampled_value", []):
            if (read := read_value(sampled)) is None:
                continue
            value, unit = read
            sample = normalize_sample(
                value=value,
                timestamp=timestamp,
                measurand=sampled.get("measurand"),
                unit=unit,
                phase=sampled.get("phase"),
                location=sampled.get("location"),
                context=sampled.get("context"),
            )
            if sample is not None:
                samples.append(sample)
    return samples
