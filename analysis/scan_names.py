"""Short names an article uses for models it named before ("K2", "Opus", "Flash") (pure).

An article names a model in full once ("Kimi K2 Thinking") and then shortens it ("K2 costs 88%
less than GPT-5"). `check` reads one sentence and cannot know what "K2" stood for, so it refuses
it with "did you mean"; `scan` reads the article, and binds a short name to the model it named
last whose name holds the short name's words (whole words: "K2" is in "Kimi K2 Thinking", not in
"Kimi K2.5"). A name the catalog knows is never rebound.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence

from pricewatch.analysis.claim_grammar import NO_NAME_WORDS, tokenize
from pricewatch.analysis.claim_text import Names
from pricewatch.analysis.prices import ModelFacts

__all__ = ["short_name_model", "with_article_names"]

#: A short name is a few words, one with a letter.
_MAX_WORDS = 3


def short_name_model(phrase: str, mentioned: Sequence[str], facts: Mapping[str, ModelFacts]) -> str | None:
    """The model named last in ``mentioned`` whose name holds ``phrase`` as whole words, else None."""
    words = [token for token in tokenize(phrase) if token.kind != "sym"]
    if (
        not words
        or len(words) > _MAX_WORDS
        or all(token.kind == "num" for token in words)
        or all(token.low in NO_NAME_WORDS for token in words)
    ):
        return None
    pattern = re.compile(rf"(?<![\w.]){re.escape(phrase.strip())}(?![\w.])", re.IGNORECASE)
    for model in reversed(mentioned):
        name = facts[model].name if model in facts else model
        if pattern.search(name):
            return model
    return None


def with_article_names(names: Names, mentioned: Sequence[str], facts: Mapping[str, ModelFacts]) -> Names:
    """``names`` that also bind the article's short names to the models it named (last first)."""
    known = names.resolve_model
    models = list(mentioned)

    def resolve(phrase: str) -> str | None:
        found = known(phrase)
        return found if found is not None else short_name_model(phrase, models, facts)

    return dataclasses.replace(names, resolve_model=resolve)
