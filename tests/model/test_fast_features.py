"""The per-word fast path and the n-gram by n-gram slow path find exactly the n-grams the
fitted vectorizers' own analyzers find."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.predictor import _ID, Predictor, _block_ids, _blocks_ids
from training.artifacts import load_model
from training.text import normalise

# Words the model knows, runs of tokenless words between them, and odd characters.
_WORDS = ["back", "pain", "lower", "leg", "my", "-", "a", "x", "i'm", "covid-19", "l4/l5", "é"]

_TEXTS = st.lists(st.sampled_from(_WORDS) | st.text(max_size=8), max_size=30).map(
    lambda words: normalise(" ".join(words))
)


@pytest.fixture(scope="module")
def analyzers(predictor: Predictor) -> list:
    features = load_model(predictor.folder).pipeline.named_steps["features"]
    return [(v.build_analyzer(), v.vocabulary_) for _, v in features.transformer_list]


def _sklearn_ids(predictor: Predictor, analyzers: list, text: str) -> np.ndarray:
    parts = [
        np.array([vocabulary[g] for g in analyze(text) if g in vocabulary], dtype=int) + offset
        for (analyze, vocabulary), offset in zip(analyzers, predictor._offsets, strict=False)
    ]
    return np.sort(np.concatenate(parts))


@settings(max_examples=200, deadline=None)
@given(st.lists(_TEXTS, min_size=1, max_size=4))
def test_fast_ids_match_the_analyzers(
    predictor: Predictor, analyzers: list, texts: list[str]
) -> None:
    assert predictor._ids.__qualname__.startswith("_word_and_char_ids")  # the fast path
    found = predictor._ids([text.split() for text in texts])  # no bigram across two texts
    assert len(found) == len(texts)
    for ids, text in zip(found, texts, strict=True):
        fast = np.sort(np.frombuffer(ids, dtype=_ID))
        np.testing.assert_array_equal(fast, _sklearn_ids(predictor, analyzers, text))


@settings(max_examples=100, deadline=None)
@given(_TEXTS)
def test_slow_ids_match_the_analyzers(predictor: Predictor, analyzers: list, text: str) -> None:
    slow = _blocks_ids(
        [
            (_block_ids(block), int(offset))
            for block, offset in zip(predictor.blocks, predictor._offsets, strict=False)
        ]
    )
    found = np.sort(np.frombuffer(slow([text.split()])[0], dtype=_ID))
    np.testing.assert_array_equal(found, _sklearn_ids(predictor, analyzers, text))
