"""The timeline gives the same history whatever order observations arrive in."""

from __future__ import annotations

from dataclasses import replace

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


# ----------------------------------------------------------------------------- third-party rank


def _spans(spans: list[Span]) -> list[tuple]:
    return [(s.valid_from, s.valid_to, s.values, s.origin) for s in spans]


def test_third_party_never_changes_a_makers_span():
    # LiteLLM's typo dated inside the maker's span: a disagreement, nothing stored.
    spans = place([], _stamp(1), "0.1/0.4", "replay").spans
    placement = place(spans, _stamp(5), "150/600", "third-party")
    assert not placement.changed
    assert placement.spans == spans
    [disagreement] = placement.disagreements
    assert (disagreement.observed_origin, disagreement.stored_origin) == ("third-party", "replay")


def test_third_party_does_not_confirm_or_reopen_a_higher_ranked_offer():
    spans = place([], _stamp(1), "a", "curated").spans
    # The same value later: no new last_seen (the curated row's confirmation is not LiteLLM's).
    assert place(spans, _stamp(9), "a", "third-party").spans == spans
    # After a delisting, a third-party database that still lists the offer does not reopen it.
    closed = [replace(spans[0], valid_to=_stamp(5), closed_reason="delisted")]
    assert place(closed, _stamp(9), "b", "third-party").spans == closed


def test_third_party_fills_before_the_first_higher_ranked_span_without_joining_it():
    spans = place([], _stamp(100), "x", "live").spans
    spans = place(spans, _stamp(10), "x", "third-party").spans
    spans = place(spans, _stamp(5), "old", "third-party").spans
    assert _spans(spans) == [
        (_stamp(5), _stamp(10), "old", "third-party"),
        (_stamp(10), _stamp(100), "x", "third-party"),
        (_stamp(100), None, "x", "live"),
    ]


def test_a_higher_ranked_observation_supersedes_third_party_spans_from_its_time_on():
    spans: list[Span] = []
    for at, values in ((1, "a"), (20, "typo"), (30, "b")):
        spans = place(spans, _stamp(at), values, "third-party").spans
    spans = [replace(s, id=i) for i, s in enumerate(spans, start=1)]
    placement = place(spans, _stamp(10), "maker", "curated")
    assert _spans(placement.spans) == [
        (_stamp(1), _stamp(10), "a", "third-party"),
        (_stamp(10), None, "maker", "curated"),
    ]
    assert sorted(placement.removed_ids) == [2, 3]


@st.composite
def ranked_sequences(draw):
    """Observations of live and third-party values at distinct times; a value never comes back."""
    blocks = draw(
        st.lists(
            st.tuples(st.integers(min_value=1, max_value=3), st.sampled_from(["live", "third-party"])),
            min_size=1,
            max_size=6,
        )
    )
    times = draw(
        st.lists(
            st.integers(min_value=0, max_value=3000),
            min_size=sum(b[0] for b in blocks),
            max_size=sum(b[0] for b in blocks),
            unique=True,
        ).map(sorted)
    )
    observations, cursor = [], 0
    for value_index, (size, origin) in enumerate(blocks):
        for _ in range(size):
            observations.append((_stamp(times[cursor]), f"v{value_index}", origin))
            cursor += 1
    return observations


@given(ranked_sequences(), st.randoms())
@settings(max_examples=300, deadline=None)  # no timing: the machine is shared
def test_third_party_history_is_the_same_whatever_the_arrival_order(observations, random):
    def apply(sequence):
        spans: list[Span] = []
        for at, values, origin in sequence:
            spans = place(spans, at, values, origin).spans
        return [(s.valid_from, s.valid_to, s.values, s.origin) for s in spans]

    expected = apply(observations)
    shuffled = list(observations)
    random.shuffle(shuffled)
    assert apply(shuffled) == expected
