"""The JSON Schema of claims and verdicts (docs/claim.schema.json), built from the models (pure).

The schema is generated, so it cannot drift from the code; tests compare the committed file
with ``claim_json_schema()`` and validate every JSON output of `check` and `scan` against it.
Regenerate the file with:

    .venv/bin/python -m pricewatch.analysis.claim_schema > docs/claim.schema.json
"""

from __future__ import annotations

import json
from typing import Any

from pydantic.json_schema import models_json_schema

from pricewatch.analysis.claims import CheckReport, RegistryReport
from pricewatch.analysis.scan import ScanReport

__all__ = ["SCHEMA_ID", "claim_json_schema"]

SCHEMA_ID = "https://pricewatch.example/claim.schema.json"
_DOCUMENTS = (CheckReport, RegistryReport, ScanReport)


def claim_json_schema() -> dict[str, Any]:
    """Draft 2020-12 schema: one of the three JSON documents, with claims and verdicts in ``$defs``."""
    _, top = models_json_schema(
        [(model, "serialization") for model in _DOCUMENTS], ref_template="#/$defs/{model}"
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "pricewatch claims and verdicts",
        "description": (
            "The JSON written by `pricewatch check TEXT --json` (CheckReport), `pricewatch check --registry "
            "--json` (RegistryReport) and `pricewatch scan --json` (ScanReport). Decimal figures are exact "
            "decimal strings; times are UTC ISO 8601 text."
        ),
        "oneOf": [{"$ref": f"#/$defs/{model.__name__}"} for model in _DOCUMENTS],
        "$defs": top["$defs"],
    }


if __name__ == "__main__":  # pragma: no cover - the documented way to regenerate the file
    print(json.dumps(claim_json_schema(), indent=2, ensure_ascii=False))
