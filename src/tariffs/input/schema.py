"""The JSON Schema of scenario files as canonical text (committed at schema/)."""

from __future__ import annotations

import json

from tariffs.input.format import json_schema


def scenario_schema_text() -> str:
    """Stable text: sorted keys, two-space indent, a final newline."""
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
