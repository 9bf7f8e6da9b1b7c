"""Predictor.load(folder).predict_one(text) -> Prediction, computed straight from the weights.

scikit-learn's `predict_proba` on one text spends most of its time in per-call checks; the
arithmetic is a few hundred multiply-adds. So the hot path reuses the fitted analyzers,
vocabularies and weights and does only the arithmetic. `tests/model` checks that it gives the
same probabilities as the pipeline.
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise, repeat
from pathlib import Path

import numpy as np

from training.artifacts import ModelBundle, load_model
from training.text import normalise

EXPLANATION_TERMS = 8


@dataclass(frozen=True)
class Term:
    term: str
    weight: float


@dataclass(frozen=True)
class Prediction:
    """What the model says about one text (before red flags and triage)."""

    condition: str | None  # None when the model abstains
    probabilities: dict[str, float]
    abstained: bool
    confidence: float  # the top probability
    scope: float | None  # probability that the text is about the trained conditions
    explanation: list[Term]


@dataclass(frozen=True)
class _Block:
    """One TF-IDF vectorizer of the feature union, flattened for the hot path."""

    ids: Callable[[str], np.ndarray]  # normalised text -> vocabulary indices, with repeats
    idf: np.ndarray
    offset: int


_NO_IDS = np.empty(0, dtype=np.intp)
# Words seen before skip n-gram slicing; the cache is bounded so odd input cannot grow it.
WORD_CACHE_LIMIT = 200_000


def _lookup(vocabulary: dict[str, int], terms: list[str]) -> np.ndarray:
    found = np.fromiter(map(vocabulary.get, terms, repeat(-1)), dtype=np.intp, count=len(terms))
    return found[found >= 0]


def _word_ids(vectorizer) -> Callable[[str], np.ndarray]:
    """Word n-grams exactly as TfidfVectorizer(analyzer="word") makes them."""
    pattern = re.compile(vectorizer.token_pattern)
    low, high = vectorizer.ngram_range
    vocabulary = vectorizer.vocabulary_

    def ids(text: str) -> np.ndarray:
        tokens = pattern.findall(text)
        grams = list(tokens) if low == 1 else []
        for n in range(max(low, 2), min(high, len(tokens)) + 1):
            grams += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
        return _lookup(vocabulary, grams)

    return ids


def _char_wb_ids(vectorizer) -> Callable[[str], np.ndarray]:
    """Character n-grams inside space-padded words, as analyzer="char_wb" makes them."""
    low, high = vectorizer.ngram_range
    vocabulary = vectorizer.vocabulary_
    cache: dict[str, np.ndarray] = {}

    def word_ids(word: str) -> np.ndarray:
        padded, grams = f" {word} ", []
        size = len(padded)
        for n in range(low, high + 1):
            if n >= size:  # a short word counts once, whole
                grams.append(padded)
                break
            grams += [padded[i : i + n] for i in range(size - n + 1)]
        return _lookup(vocabulary, grams)

    def ids(text: str) -> np.ndarray:
        parts = []
        for word in text.split():
            known = cache.get(word)
            if known is None:
                known = word_ids(word)
                if len(cache) < WORD_CACHE_LIMIT:
                    cache[word] = known
            parts.append(known)
        return np.concatenate(parts) if parts else _NO_IDS

    return ids


def _block_ids(vectorizer) -> Callable[[str], np.ndarray]:
    """A fast path for the vectorizers we train; any other falls back to its own analyzer."""
    plain = vectorizer.preprocessor is normalise and vectorizer.stop_words is None
    if plain and vectorizer.analyzer == "word" and vectorizer.tokenizer is None:
        return _word_ids(vectorizer)
    if plain and vectorizer.analyzer == "char_wb":
        return _char_wb_ids(vectorizer)
    analyzer, vocabulary = vectorizer.build_analyzer(), vectorizer.vocabulary_
    # Analyzers normalise again: harmless, only slower.
    return lambda text: _lookup(vocabulary, analyzer(text))


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max())
    return shifted / shifted.sum()


class Predictor:
    """The trained model, ready to score texts quickly."""

    def __init__(self, bundle: ModelBundle) -> None:
        self.bundle = bundle
        self.metadata = bundle.metadata
        self.version = bundle.version
        features = bundle.pipeline.named_steps["features"]
        calibrated = bundle.pipeline.named_steps["classifier"]
        linear = calibrated.estimator
        self.labels: list[str] = [str(c) for c in bundle.pipeline.classes_]
        self._beta = float(calibrated.beta)
        self._blocks: list[_Block] = []
        offset = 0
        for _, vectorizer in features.transformer_list:
            self._blocks.append(_Block(_block_ids(vectorizer), vectorizer.idf_, offset))
            offset += len(vectorizer.vocabulary_)
        self._idf = np.concatenate([block.idf for block in self._blocks])
        self._offsets = np.array([block.offset for block in self._blocks] + [offset])
        # One row per feature, so a text's features gather contiguous rows.
        self._weights = np.ascontiguousarray(linear.coef_.T)
        self._intercept = linear.intercept_.copy()
        self._binary = self._weights.shape[1] == 1
        scope = bundle.scope
        self._scope_weights = None if scope is None else np.ascontiguousarray(scope.coef_[0])
        self._scope_intercept = 0.0 if scope is None else float(scope.intercept_[0])
        thresholds = bundle.metadata.get("thresholds", {})
        self.confidence_threshold = float(thresholds.get("confidence") or 0.0)
        self.scope_threshold = thresholds.get("scope")
        # The first block (word n-grams) is the one a person can read in an explanation.
        words = features.transformer_list[0][1].vocabulary_
        self._term_names = [""] * len(words)
        for term, j in words.items():
            self._term_names[j] = term

    @classmethod
    def load(cls, folder: str | Path) -> "Predictor":
        """Load through the training side's verified loader (hash and version checks)."""
        return cls(load_model(folder))

    def _features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Sorted feature indices and TF-IDF values, each block L2-normalised as in the pipeline."""
        text = normalise(text)
        known = np.concatenate([block.ids(text) + block.offset for block in self._blocks])
        if not known.size:
            return _NO_IDS, np.empty(0)
        idx, tf = np.unique(known, return_counts=True)
        val = (1.0 + np.log(tf)) * self._idf[idx]
        # Blocks occupy consecutive index ranges, so each is one slice of the sorted indices.
        bounds = np.searchsorted(idx, self._offsets)
        for begin, end in pairwise(bounds):
            if end > begin:
                part = val[begin:end]
                part /= np.sqrt(part @ part)
        return idx, val

    def probabilities(self, text: str) -> np.ndarray:
        """Calibrated probabilities in the order of `labels`."""
        idx, val = self._features(text)
        return self._score(val, self._weights[idx])

    def _score(self, val: np.ndarray, rows: np.ndarray) -> np.ndarray:
        logits = val @ rows + self._intercept
        if self._binary:
            logits = np.array([-logits[0], logits[0]])
        return _softmax(self._beta * logits)

    def predict_one(self, text: str) -> Prediction:
        idx, val = self._features(text)
        rows = self._weights[idx]
        probs = self._score(val, rows)
        best = int(probs.argmax())
        confidence = float(probs[best])
        scope = None
        if self._scope_weights is not None:
            z = float(val @ self._scope_weights[idx]) + self._scope_intercept
            scope = 1.0 / (1.0 + math.exp(-z))
        abstained = bool(
            len(idx) == 0
            or confidence < self.confidence_threshold
            or (
                scope is not None
                and self.scope_threshold is not None
                and scope < self.scope_threshold
            )
        )
        return Prediction(
            condition=None if abstained else self.labels[best],
            probabilities=dict(zip(self.labels, probs.tolist(), strict=True)),
            abstained=abstained,
            confidence=confidence,
            scope=scope,
            explanation=self._explain(idx, val, rows, best),
        )

    def predict_many(self, texts: list[str]) -> list[Prediction]:
        return [self.predict_one(text) for text in texts]

    def _explain(self, idx: np.ndarray, val: np.ndarray, rows: np.ndarray, best: int) -> list[Term]:
        """Word n-grams that pushed the top label up relative to the others."""
        words = int(np.searchsorted(idx, len(self._term_names)))  # word block comes first
        if words == 0:
            return []
        rows = rows[:words]
        if self._binary:
            push = val[:words] * rows[:, 0] * (1.0 if best == 1 else -1.0)
        else:
            push = val[:words] * (rows[:, best] - rows.mean(axis=1))
        top = (
            np.argpartition(-push, EXPLANATION_TERMS)[:EXPLANATION_TERMS]
            if words > EXPLANATION_TERMS
            else np.arange(words)
        )
        top = top[np.argsort(-push[top])]
        names = self._term_names
        return [
            Term(names[j], round(w, 4))
            for j, w in zip(idx[top].tolist(), push[top].tolist(), strict=True)
            if w > 0
        ]
