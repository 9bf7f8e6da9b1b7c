"""Predictor.load(folder).predict_one(text) -> Prediction, computed straight from the weights.

scikit-learn's `predict_proba` on one text spends most of its time in per-call checks; the
arithmetic is a few hundred multiply-adds. So the hot path reuses the fitted analyzers,
vocabularies and weights and does only the arithmetic. `tests/model` checks that it gives the
same probabilities as the pipeline.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat
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

    terms: Callable[[str], list[str]]  # normalised text -> the vectorizer's terms
    vocabulary: dict[str, int]
    idf: np.ndarray
    offset: int


def _word_terms(pattern: re.Pattern[str], low: int, high: int) -> Callable[[str], list[str]]:
    """Word n-grams exactly as TfidfVectorizer(analyzer="word") makes them."""

    def terms(text: str) -> list[str]:
        tokens = pattern.findall(text)
        grams = list(tokens) if low == 1 else []
        for n in range(max(low, 2), min(high, len(tokens)) + 1):
            grams += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
        return grams

    return terms


def _char_wb_terms(low: int, high: int) -> Callable[[str], list[str]]:
    """Character n-grams inside space-padded words, as analyzer="char_wb" makes them."""

    def terms(text: str) -> list[str]:
        grams: list[str] = []
        for word in text.split():
            word = f" {word} "
            size = len(word)
            for n in range(low, high + 1):
                if n >= size:  # a short word counts once, whole
                    grams.append(word)
                    break
                grams += [word[i : i + n] for i in range(size - n + 1)]
        return grams

    return terms


def _fast_terms(vectorizer) -> Callable[[str], list[str]]:
    """A fast term function when the vectorizer is the shape we train; otherwise its own."""
    low, high = vectorizer.ngram_range
    plain = vectorizer.preprocessor is normalise and vectorizer.stop_words is None
    if plain and vectorizer.analyzer == "word" and vectorizer.tokenizer is None:
        return _word_terms(re.compile(vectorizer.token_pattern), low, high)
    if plain and vectorizer.analyzer == "char_wb":
        return _char_wb_terms(low, high)
    analyzer = vectorizer.build_analyzer()
    return lambda text: analyzer(text)  # analyzers normalise again: harmless, just slower


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
        calibrated = bundle.pipeline.named_steps["classifier"].calibrated_classifiers_[0]
        linear = calibrated.estimator
        self.labels: list[str] = [str(c) for c in bundle.pipeline.classes_]
        self._beta = float(calibrated.calibrators[0].beta_)
        self._blocks: list[_Block] = []
        offset = 0
        for _, vectorizer in features.transformer_list:
            self._blocks.append(
                _Block(_fast_terms(vectorizer), vectorizer.vocabulary_, vectorizer.idf_, offset)
            )
            offset += len(vectorizer.vocabulary_)
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
        self._term_names = {j: t for t, j in self._blocks[0].vocabulary.items()}

    @classmethod
    def load(cls, folder: str | Path) -> "Predictor":
        """Load through the training side's verified loader (hash and version checks)."""
        return cls(load_model(folder))

    def _features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Feature indices and TF-IDF values, each block L2-normalised as in the pipeline."""
        indices, values = [], []
        text = normalise(text)
        for block in self._blocks:
            terms = block.terms(text)
            known = np.fromiter(
                map(block.vocabulary.get, terms, repeat(-1)), dtype=np.intp, count=len(terms)
            )
            known = known[known >= 0]
            if not known.size:
                continue
            idx, tf = np.unique(known, return_counts=True)
            weight = (1.0 + np.log(tf)) * block.idf[idx]
            weight /= np.sqrt(weight @ weight)
            indices.append(idx + block.offset)
            values.append(weight)
        if not indices:
            return np.empty(0, dtype=np.intp), np.empty(0)
        return np.concatenate(indices), np.concatenate(values)

    def probabilities(self, text: str) -> np.ndarray:
        """Calibrated probabilities in the order of `labels`."""
        return self._score(*self._features(text))

    def _score(self, idx: np.ndarray, val: np.ndarray) -> np.ndarray:
        logits = val @ self._weights[idx] + self._intercept
        if self._binary:
            logits = np.array([-logits[0], logits[0]])
        return _softmax(self._beta * logits)

    def predict_one(self, text: str) -> Prediction:
        idx, val = self._features(text)
        probs = self._score(idx, val)
        best = int(probs.argmax())
        confidence = float(probs[best])
        scope = None
        if self._scope_weights is not None:
            z = float(val @ self._scope_weights[idx]) + self._scope_intercept
            scope = 1.0 / (1.0 + np.exp(-z))
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
            probabilities={label: float(p) for label, p in zip(self.labels, probs, strict=True)},
            abstained=abstained,
            confidence=confidence,
            scope=scope,
            explanation=self._explain(idx, val, best),
        )

    def predict_many(self, texts: list[str]) -> list[Prediction]:
        return [self.predict_one(text) for text in texts]

    def _explain(self, idx: np.ndarray, val: np.ndarray, best: int) -> list[Term]:
        """Word n-grams that pushed the top label up relative to the others."""
        words = idx < len(self._term_names)
        if not words.any() or self._binary:
            column = 0 if self._binary else best
            sign = 1.0 if (not self._binary or best == 1) else -1.0
            if not words.any():
                return []
            rows = self._weights[idx[words]]
            push = val[words] * rows[:, column] * sign
        else:
            rows = self._weights[idx[words]]
            push = val[words] * (rows[:, best] - rows.mean(axis=1))
        order = np.argsort(-push)[:EXPLANATION_TERMS]
        chosen = idx[words][order]
        return [
            Term(self._term_names[int(j)], round(float(w), 4))
            for j, w in zip(chosen, push[order], strict=True)
            if w > 0
        ]
