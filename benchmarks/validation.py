"""Schema validation of one MeterValues: the ``ocpp`` library's check against ours.

The library checks each incoming payload with a ``jsonschema`` Draft 4 validator (and hands it
to a worker thread to do so). The integration compiles the same schema files with
``fastjsonschema`` and checks in the event loop. This prints the time of each check for the
MeterValues that ``benchmarks/load.py`` sends (ten readings), the best of five runs.

Run: ``.venv/bin/python benchmarks/validation.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
import sys
import timeit

from ocpp.messages import Call, _validate_payload

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_chargers import Meter

from custom_components.ocpp_csms.core.protocol import schemas


def best_time(check: Callable[[], None]) -> float:
    """Seconds per call, the best of five runs."""
    number, _ = timeit.Timer(check).autorange()
    return min(timeit.repeat(check, number=number, repeat=5)) / number


def main() -> None:
    """Time both checks, after each has read its schema."""
    payload = {"connectorId": 1, "meterValue": Meter().payload()}
    message = Call("1", "MeterValues", payload)
    schemas.compile_calls("1.6", ["MeterValues"])
    library = best_time(lambda: _validate_payload(message, "1.6"))
    ours = best_time(lambda: schemas.check_call("1.6", "MeterValues", payload))
    print(f"ocpp library (jsonschema):   {library * 1e6:7.0f} µs per MeterValues")
    print(f"integration (fastjsonschema): {ours * 1e6:6.0f} µs per MeterValues")
    print(f"{library / ours:.0f} times faster")


if __name__ == "__main__":
    main()
