"""The one golden-fixture runner: every registered source's bodies parse to their expected records.

Cases come from the registry and the fixture folders (tests/golden.py), so a new source's
fixture pair is picked up without a line here.
"""

from __future__ import annotations

import json

import pytest
from golden import compare, golden_cases

from pricewatch.scraper.sources import get_source


@pytest.mark.parametrize("case", golden_cases(), ids=lambda case: case.id)
def test_fixture_parses_to_expected_records(case) -> None:
    parsed = get_source(case.source).parse(case.url, case.body.read_bytes())
    assert parsed.row_errors == []
    assert compare(parsed.records, json.loads(case.expected.read_text(encoding="utf-8"))) == []
