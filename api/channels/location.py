"""A point the citizen shared (LINE's location message, the widget's 現在地を送る) as the
message the bot understands: /share_location{"latitude", "longitude", "address"}. The
report form takes the point and the address from its entities."""

from __future__ import annotations

import json
import math

MAX_ADDRESS_CHARS = 200


def share_location_message(latitude: float, longitude: float, address: str | None) -> str:
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        raise ValueError("latitude and longitude must be numbers")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError("latitude and longitude out of range")
    entities: dict[str, object] = {"latitude": latitude, "longitude": longitude}
    address = " ".join((address or "").split())[:MAX_ADDRESS_CHARS]
    if address:
        entities["address"] = address
    return "/share_location" + json.dumps(entities, ensure_ascii=False)
