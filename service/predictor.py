"""Predictor.load(folder).predict_one(text) -> Prediction, computed straight from the weights.

scikit-learn's `predict_proba` on one text spends most of its time in per-call checks; the
arithmetic is a few hundred multiply-adds. So the hot path reuses the fitted analyzers,
vocabularies and weights and does only the arithmetic. `tests/model` checks that it gives the
same probabilities as the pipeline.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import numpy as np
from scipy.sparse._sparsetools import csr_matvecs

from training.artifacts import ModelBundle, load_model
from training.text import normalise

EXPLANATION_TERMS = 8
# Texts scored together: large enough to share numpy's per-call cost, small enough that the
# per-feature temporaries stay a few MiB (they would not go back to the OS).
BATCH_CHUNK = 32


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
    # Red-flag category -> the sign detector's probability that the sign applies (if trained).
    signs: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class _Block:
    """One TF-IDF vectorizer of the feature union, flattened for the hot path."""

    ids: Callable[[str], np.ndarray]  # normalised text -> vocabulary indices, with repeats
    idf: np.ndarray
    offset: int


_NO_IDS = np.empty(0, dtype=np.intp)
# A sentence for evidence: a run up to and including its end mark, without edge spaces.
_SENTENCE = re.compile(r"[^\s.!?;](?:[^.!?;\n]*[^\s.!?;])?(?:[^\S\n]*[.!?;]+)?")
DEFAULT_TOKENS = r"(?u)\b\w\w+\b"  # scikit-learn's token_pattern, which training uses
# Words seen before skip n-gram slicing. Bounded so odd input cannot grow a worker: with room
# for 200,000 words, 200,000 made-up words grew one by 102 MiB (20,000: 18 MiB). Frequent words
# arrive first; all the shipped texts together hold about 20,000 distinct space-separated words.
WORD_CACHE_LIMIT = 20_000


def _lookup(vocabulary: dict[str, int], terms: list[str]) -> np.ndarray:
    return np.array([i for i in map(vocabulary.get, terms) if i is not None], dtype=np.intp)


def _word_ids(vectorizer) -> Callable[[str], np.ndarray]:
    """Word n-grams exactly as TfidfVectorizer(analyzer="word") makes them."""
    pattern = re.compile(vectorizer.token_pattern)
    low, high = vectorizer.ngram_range
    vocabulary = vectorizer.vocabulary_
    tokens_of = pattern.findall
    if vectorizer.token_pattern == DEFAULT_TOKENS:
        # Its tokens never cross whitespace, so a text's tokens are those of its
        # space-separated words, and words repeat: each is tokenised once.
        cache: dict[str, list[str]] = {}

        def tokens_of(text: str) -> list[str]:
            tokens = []
            for word in text.split():
                known = cache.get(word)
                if known is None:
                    known = pattern.findall(word)
                    if len(cache) < WORD_CACHE_LIMIT:
                        cache[word] = known
                tokens += known
            return tokens

    def ids(text: str) -> np.ndarray:
        tokens = tokens_of(text)
        grams = tokens if low == 1 else []
        if low <= 2 <= high:
            grams = grams + [f"{a} {b}" for a, b in pairwise(tokens)]
        for n in range(max(low, 3), min(high, len(tokens)) + 1):
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


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


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
        signs, info = bundle.signs, bundle.metadata.get("sign_detector") or {}
        self.sign_categories: list[str] = list(info.get("categories", [])) if signs else []
        self.sign_threshold = float(info.get("threshold", 0.5))
        # Every linear model on these features is a column block of one matrix, so a text's
        # features are gathered and summed once: classifier, then scope, then sign detector.
        extra = ([scope] if scope is not None else []) + list(signs or [])
        self._columns = np.ascontiguousarray(
            np.column_stack([self._weights, *(m.coef_[0] for m in extra)])
        )
        self._column_intercepts = np.concatenate(
            [self._intercept, [m.intercept_[0] for m in extra]]
        )
        self._scope_column = self._weights.shape[1] if scope is not None else None
        self._first_sign_column = self._weights.shape[1] + (scope is not None)
        thresholds = bundle.metadata.get("thresholds", {})
        self.confidence_threshold = float(thresholds.get("confidence") or 0.0)
        self.scope_threshold = thresholds.get("scope")
        # The first block (word n-grams) is the one a person can read in an explanation.
        words = features.transformer_list[0][1].vocabulary_
        # How much each word n-gram pushes each label up relative to the others.
        word_weights = self._weights[: len(words)]
        self._push = (
            np.hstack([-word_weights, word_weights])
            if self._binary
            else word_weights - word_weights.mean(axis=1, keepdims=True)
        )
        self._term_names = [""] * len(words)
        for term, j in words.items():
            self._term_names[j] = term

    @classmethod
    def load(cls, folder: str | Path) -> "Predictor":
        """Load through the training side's verified loader (hash and version checks)."""
        return cls(load_model(folder))

    def _features(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """TF-IDF of many texts, concatenated: each text's sorted feature indices and values,
        each block L2-normalised as in the pipeline. `bounds[t * blocks + b]` is where block b
        of text t begins.

        Every step works per text or per (text, block) segment, so a text gets exactly the
        same numbers alone or in a batch.
        """
        width = int(self._offsets[-1])
        parts = []
        for row, text in enumerate(texts):
            text = normalise(text)
            for block in self._blocks:
                parts.append(block.ids(text) + (row * width + block.offset))
        keys, tf = np.unique(np.concatenate(parts), return_counts=True)
        idx = keys % width
        val = (1.0 + np.log(tf)) * self._idf[idx]
        # Where each (text, block) begins, and the end: the next text's first block.
        firsts = np.arange(len(texts) + 1)[:, None] * width + self._offsets[:-1]
        bounds = np.searchsorted(keys, firsts.ravel()[: len(texts) * len(self._blocks) + 1])
        sizes = np.diff(bounds)
        filled = sizes > 0
        if filled.any():
            norms = np.sqrt(np.add.reduceat(val * val, bounds[:-1][filled]))
            val /= np.repeat(norms, sizes[filled])
        return bounds, idx, val

    def _linear(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Features of the texts and, per text, every column's linear score (with intercept)."""
        bounds, idx, val = self._features(texts)
        starts = bounds[:: len(self._blocks)]
        rows, (width, columns) = len(texts), self._columns.shape
        scores = np.zeros((rows, columns))
        # The sparse-times-dense product in C, row by row: a text's scores do not depend on
        # the other texts of its batch. (The public csr_matrix costs ~50 µs a call in checks.)
        csr_matvecs(rows, width, columns, starts, idx, val, self._columns.ravel(), scores.ravel())
        return bounds, idx, val, scores + self._column_intercepts

    def probabilities(self, text: str) -> np.ndarray:
        """Calibrated probabilities in the order of `labels`."""
        scores = self._linear([text])[3]
        return self._probabilities(scores[:, : len(self._intercept)])[0]

    def _probabilities(self, logits: np.ndarray) -> np.ndarray:
        if self._binary:
            logits = np.hstack([-logits, logits])
        logits = self._beta * logits
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)

    def predict_one(self, text: str) -> Prediction:
        return self.predict_many([text])[0]

    def predict_many(self, texts: list[str]) -> list[Prediction]:
        """One Prediction per text, in order; the same as predict_one on each."""
        if len(texts) > BATCH_CHUNK:
            return [
                prediction
                for begin in range(0, len(texts), BATCH_CHUNK)
                for prediction in self._predict_chunk(texts[begin : begin + BATCH_CHUNK])
            ]
        return self._predict_chunk(texts)

    def _predict_chunk(self, texts: list[str]) -> list[Prediction]:
        if not texts:
            return []
        bounds, idx, val, scores = self._linear(texts)
        starts = bounds[:: len(self._blocks)]
        probs = self._probabilities(scores[:, : len(self._intercept)])
        best = probs.argmax(axis=1)
        scopes: list[float | None] = [None] * len(texts)
        if self._scope_column is not None:
            scopes = _sigmoid(scores[:, self._scope_column]).tolist()
        signs = _sigmoid(scores[:, self._first_sign_column :]).tolist()
        predictions = []
        rows = zip(probs.tolist(), best.tolist(), scopes, signs, strict=True)
        for i, (p, b, scope, sign) in enumerate(rows):
            begin, words, end = (
                bounds[i * len(self._blocks)],
                bounds[i * len(self._blocks) + 1],
                starts[i + 1],
            )
            confidence = p[b]
            abstained = bool(
                end == begin
                or confidence < self.confidence_threshold
                or (
                    scope is not None
                    and self.scope_threshold is not None
                    and scope < self.scope_threshold
                )
            )
            predictions.append(
                Prediction(
                    condition=None if abstained else self.labels[b],
                    probabilities=dict(zip(self.labels, p, strict=True)),
                    abstained=abstained,
                    confidence=confidence,
                    scope=scope,
                    explanation=self._explain(idx[begin:words], val[begin:words], b),
                    signs=dict(zip(self.sign_categories, sign, strict=True)),
                )
            )
        return predictions

    def sign_terms(self, text: str, category: str, limit: int = 3) -> list[str]:
        """The word n-grams that pushed the sign detector's `category` up most, strongest first."""
        bounds, idx, val = self._features([text])
        words = slice(bounds[0], bounds[1])  # the word block comes first
        column = self._first_sign_column + self.sign_categories.index(category)
        push = val[words] * self._columns[idx[words], column]
        order = np.argsort(-push)[:limit]
        return [
            self._term_names[j]
            for j, w in zip(idx[words][order], push[order], strict=True)
            if w > 0
        ]

    def sign_sentence(self, text: str, category: str) -> tuple[int, int]:
        """The sentence the sign detector scores highest for `category`, as (start, end)."""
        spans = [m.span() for m in _SENTENCE.finditer(text)] or [(0, len(text))]
        if len(spans) == 1:
            return spans[0]
        scores = self._linear([text[a:b] for a, b in spans])[3]
        column = self._first_sign_column + self.sign_categories.index(category)
        return spans[int(scores[:, column].argmax())]

    def _explain(self, idx: np.ndarray, val: np.ndarray, best: int) -> list[Term]:
        """Word n-grams (indices and values of the word block) that pushed the top label up."""
        if not len(idx):
            return []
        push = val * self._push[idx, best]
        top = (
            np.argpartition(-push, EXPLANATION_TERMS)[:EXPLANATION_TERMS]
            if len(idx) > EXPLANATION_TERMS
            else np.arange(len(idx))
        )
        top = top[np.argsort(-push[top])]
        names = self._term_names
        return [
            Term(names[j], round(w, 4))
            for j, w in zip(idx[top].tolist(), push[top].tolist(), strict=True)
            if w > 0
        ]
