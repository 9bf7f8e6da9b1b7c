"""The per-word fast path finds exactly the n-grams the vectorizers' own analyzers find."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from service.predictor import _ID, Predictor, _block_ids
from training.text import normalise

# Words the model knows, runs of tokenless words between them, and odd characters.
_WORDS = ["back", "pain", "lower", "leg", "my", "-", "a", "x", "i'm", "covid-19", "l4/l5", "é"]


def _slow_ids(predictor: Predictor, text: str) -> np.ndarray:
    vectorizers = [v for _, v in predictor.bundle.pipeline.named_steps["features"].transformer_list]
    parts = [
        _block_ids(v)(text) + offset
        for v, offset in zip(vectorizers, predictor._offsets, strict=False)
    ]
    return np.sort(np.concatenate(parts))


_TEXTS = st.lists(st.sampled_from(_WORDS) | st.text(max_size=8), max_size=30).map(
    lambda words: normalise(" ".join(words))
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_TEXTS, min_size=1, max_size=4))
def test_fast_ids_match_the_analyzers(predictor: Predictor, texts: list[str]) -> None:
    assert predictor._ids.__qualname__.startswith("_word_and_char_ids")  # the fast path
    found = predictor._ids([text.split() for text in texts])  # no bigram across two texts
    assert len(found) == len(texts)
    for ids, text in zip(found, texts, strict=True):
        fast = np.sort(np.frombuffer(ids, dtype=_ID))
        np.testing.assert_array_equal(fast, _slow_ids(predictor, text))
