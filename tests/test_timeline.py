"""The timeline gives the same history whatever order observations arrive in."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pricewatch.scraper.timeline import Span, place


def _stamp(n: int) -> str:
    return f"2026-01-01T00:{n // 60:02d}:{n % 60:02d}Z"


def _apply(observations: list[tuple[str, str, str]]) -> list[tuple]:
    spans: list[Span] = []
    for at, values, origin in observations:
        spans = place(spans, at, values, origin).spans
    return [(s.valid_from, s.valid_to, s.last_seen, s.values) for s in spans]


@st.composite
def observation_sequences(draw):
    """Blocks of observations of one value each; a value never comes back once left."""
    blocks = draw(st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=6))
    times = draw(
        st.lists(
            st.integers(min_value=0, max_value=3000),
            min_size=sum(blocks),
            max_size=sum(blocks),
            unique=True,
        ).map(sorted)
    )
    observations, cursor = [], 0
    for value_index, size in enumerate(blocks):
        for _ in range(size):
            observations.append((_stamp(times[cursor]), f"v{value_index}", "live"))
            cursor += 1
    return observations


@given(observation_sequences(), st.randoms())
@settings(max_examples=300)
def test_any_arrival_order_gives_the_date_order_history(observations, random):
    expected = _apply(observations)
    shuffled = list(observations)
    random.shuffle(shuffled)
    assert _apply(shuffled) == expected


def test_same_values_only_move_last_seen():
    result = _apply([(_stamp(1), "a", "live"), (_stamp(5), "a", "live")])
    assert result == [(_stamp(1), None, _stamp(5), "a")]


def test_returning_value_after_a_late_change_resumes_at_its_last_sighting():
    # A at 1 and 3 is stored as one span; B dated 2 arrives late and splits it.
    result = _apply([(_stamp(1), "a", "live"), (_stamp(3), "a", "live"), (_stamp(2), "b", "live")])
    assert result == [
        (_stamp(1), _stamp(2), _stamp(1), "a"),
        (_stamp(2), _stamp(3), _stamp(2), "b"),
        (_stamp(3), None, _stamp(3), "a"),
    ]


def test_curated_value_inside_a_measured_span_is_a_disagreement_not_a_change():
    spans = place([], _stamp(1), "measured", "backfill").spans
    placement = place(spans, _stamp(5), "curated", "curated")
    assert not placement.changed
    assert placement.spans == spans
    [disagreement] = placement.disagreements
    assert disagreement.stored_values == "measured"
    assert disagreement.observed_values == "curated"


def test_measured_value_replaces_curated_at_the_same_instant():
    spans = place([], _stamp(1), "curated", "curated").spans
    placement = place(spans, _stamp(1), "measured", "replay")
    assert [s.values for s in placement.spans] == ["measured"]
    assert placement.disagreements


def test_curated_history_before_measured_extends_it_back():
    spans = place([], _stamp(100), "x", "live").spans
    spans = place(spans, _stamp(10), "x", "curated").spans
    spans = place(spans, _stamp(5), "old", "curated").spans
    assert [(s.valid_from, s.values) for s in spans] == [(_stamp(5), "old"), (_stamp(10), "x")]
