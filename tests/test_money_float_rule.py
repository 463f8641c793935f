"""The documented rule for upstream float renderings of prices (pricewatch.money.without_float_noise)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pricewatch.money import without_float_noise


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        # OpenRouter's rendering of 0.95 per million tokens: the same double as 0.00000095.
        ("0.0000009499999999999999", "0.00000095"),
        ("0.00000030000000000000004", "0.0000003"),
        ("0.00000008333333333333334", "0.00000008333333333"),
        # A price a person set is kept as sent, however many digits it has (up to 15).
        ("0.1234567890123", "0.1234567890123"),
        ("1.10", "1.10"),
        ("0.95", "0.95"),
        ("0", "0"),
    ],
)
def test_a_float_rendering_is_read_as_the_short_decimal_it_stands_for(sent, read):
    assert without_float_noise(Decimal(sent)) == Decimal(read)


def test_a_float_rendering_keeps_at_most_ten_significant_digits():
    read = without_float_noise(Decimal("0.1234567890123456789"))
    assert read == Decimal("0.1234567890")
    assert len(read.normalize().as_tuple().digits) <= 10
