"""Predictor.load(folder).predict_one(text) -> Prediction, computed straight from the weights.

scikit-learn's `predict_proba` on one text spends most of its time in per-call checks; the
arithmetic is a few hundred multiply-adds. So the hot path reuses the fitted analyzers,
vocabularies and weights and does only the arithmetic. `tests/model` checks that it gives the
same probabilities as the pipeline.
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate, pairwise
from pathlib import Path
from typing import NamedTuple

import numpy as np
from scipy.sparse._sparsetools import csr_matvecs

from training.artifacts import ModelBundle, load_model
from training.text import normalise

EXPLANATION_TERMS = 8
# Texts scored together: large enough to share numpy's per-call cost, small enough that the
# per-feature temporaries stay a few MiB (they would not go back to the OS).
BATCH_CHUNK = 32


class Term(NamedTuple):
    """A word n-gram and how much it pushed the predicted label up (a tuple: ~8 made per
    prediction, and a frozen dataclass costs ~1 µs each to build)."""

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


# A sentence for evidence: a run up to and including its end mark, without edge spaces.
_SENTENCE = re.compile(r"[^\s.!?;](?:[^.!?;\n]*[^\s.!?;])?(?:[^\S\n]*[.!?;]+)?")
DEFAULT_TOKENS = r"(?u)\b\w\w+\b"  # scikit-learn's token_pattern, which training uses
# Words seen before skip n-gram slicing. Bounded so odd input cannot grow a worker: with room
# for 200,000 words, 200,000 made-up words grew one by 102 MiB (20,000: 18 MiB). Frequent words
# arrive first; all the shipped texts together hold about 20,000 distinct space-separated words.
WORD_CACHE_LIMIT = 20_000


def _lookup(vocabulary: dict[str, int], terms: list[str]) -> np.ndarray:
    return np.array([i for i in map(vocabulary.get, terms) if i is not None], dtype=np.intp)


def _char_wb_grams(word: str, low: int, high: int) -> list[str]:
    """One word's character n-grams as analyzer="char_wb" makes them."""
    padded, grams = f" {word} ", []
    size = len(padded)
    for n in range(low, high + 1):
        if n >= size:  # a short word counts once, whole
            grams.append(padded)
            break
        grams += [padded[i : i + n] for i in range(size - n + 1)]
    return grams


def _word_and_char_ids(words, chars, chars_offset: int) -> Callable[[str], list[np.ndarray]] | None:
    """Both blocks' indices (with repeats, in pieces) in one pass over the text's
    space-separated words, for the union we train: word 1-(2)-grams with the default tokens,
    then char_wb n-grams.

    Everything that depends on one word alone (its unigram, in-word bigram and char n-gram
    indices) is cached per word, so a known word costs one dict lookup. Only the bigram across
    two words is looked up per text, by the two unigram indices (no string building). That
    needs every vocabulary bigram to be two vocabulary unigrams, which min_df guarantees (a
    bigram's words occur in at least its documents); checked here, else None (the caller
    falls back to per-block analyzers).
    """
    plain = all(v.preprocessor is normalise and v.stop_words is None for v in (words, chars))
    if not (
        plain
        and words.analyzer == "word"
        and words.tokenizer is None
        and words.token_pattern == DEFAULT_TOKENS  # its tokens never cross whitespace
        and tuple(words.ngram_range) in ((1, 1), (1, 2))
        and chars.analyzer == "char_wb"
    ):
        return None
    vocabulary, size = words.vocabulary_, len(words.vocabulary_)
    # (first unigram index * size + second) -> bigram index: ~15,000 entries, ~1.5 MiB.
    bigrams: dict[int, int] = {}
    if words.ngram_range[1] == 2:
        for term, j in vocabulary.items():
            if " " in term:
                first, second = (vocabulary.get(part) for part in term.split(" "))
                if first is None or second is None:
                    return None
                bigrams[first * size + second] = j
    tokens_of = re.compile(words.token_pattern).findall
    char_vocabulary, (low, high) = chars.vocabulary_, chars.ngram_range
    # word -> (its indices, first token's unigram index, last token's); None for no tokens,
    # -1 for a token outside the vocabulary (then it starts no bigram either).
    cache: dict[str, tuple[np.ndarray, int | None, int]] = {}

    def learn(word: str) -> tuple[np.ndarray, int | None, int]:
        unigrams = [vocabulary.get(token, -1) for token in tokens_of(word)]
        ids = [j for j in unigrams if j >= 0]
        for a, b in pairwise(unigrams):
            if a >= 0 and b >= 0 and (j := bigrams.get(a * size + b)) is not None:
                ids.append(j)
        ids += [
            j + chars_offset
            for j in map(char_vocabulary.get, _char_wb_grams(word, low, high))
            if j is not None
        ]
        first, last = (unigrams[0], unigrams[-1]) if unigrams else (None, -1)
        return np.array(ids, dtype=np.intp), first, last

    def ids(text: str) -> list[np.ndarray]:
        parts, across, last = [], [], -1
        for word in text.split():
            known = cache.get(word)
            if known is None:
                known = learn(word)
                if len(cache) < WORD_CACHE_LIMIT:
                    cache[word] = known
            word_ids, first, end = known
            parts.append(word_ids)
            if first is not None:  # a word without tokens leaves the previous token adjacent
                if last >= 0 and first >= 0 and (j := bigrams.get(last * size + first)) is not None:
                    across.append(j)
                last = end
        parts.append(np.array(across, dtype=np.intp))
        return parts

    return ids


def _block_ids(vectorizer) -> Callable[[str], np.ndarray]:
    """Any vectorizer through its own analyzer (the slow path for unusual settings)."""
    analyzer, vocabulary = vectorizer.build_analyzer(), vectorizer.vocabulary_
    # Analyzers normalise again: harmless, only slower.
    return lambda text: _lookup(vocabulary, analyzer(text))


def _sigmoid(z: float) -> float:
    try:
        return 1.0 / (1.0 + math.exp(-z))
    except OverflowError:  # numpy's exp gives inf there, so 0.0
        return 0.0


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
        vectorizers = [vectorizer for _, vectorizer in features.transformer_list]
        sizes = [len(vectorizer.vocabulary_) for vectorizer in vectorizers]
        # Where each block begins in the union's columns, and the end.
        self._offsets = np.cumsum([0, *sizes])
        self._idf = np.concatenate([vectorizer.idf_ for vectorizer in vectorizers])
        fast = len(vectorizers) == 2 and _word_and_char_ids(*vectorizers, sizes[0])
        if fast:
            self._ids = fast
        else:
            blocks = [
                (_block_ids(vectorizer), int(offset))
                for vectorizer, offset in zip(vectorizers, self._offsets, strict=False)
            ]
            self._ids = lambda text: [ids(text) + at for ids, at in blocks]
        # Around a text's indices before sorting, so each run of equal indices ends where
        # the next index differs (see _text_features).
        self._below, self._above = np.array([-1]), self._offsets[-1:].copy()
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
        self._flat = self._columns.ravel()  # a view, as csr_matvecs takes it
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
        push = (
            np.hstack([-word_weights, word_weights])
            if self._binary
            else word_weights - word_weights.mean(axis=1, keepdims=True)
        )
        # Negated (val * -w is exactly -(val * w)), one contiguous row per label.
        self._pull = np.ascontiguousarray(-push.T)
        self._term_names = [""] * len(words)
        for term, j in words.items():
            self._term_names[j] = term

    @classmethod
    def load(cls, folder: str | Path) -> "Predictor":
        """Load through the training side's verified loader (hash and version checks)."""
        return cls(load_model(folder))

    def _text_features(self, text: str) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """One text's sorted feature indices and TF-IDF values, each block L2-normalised as in
        the pipeline, and where each block begins in them (then the end).

        A text gets exactly the same numbers alone or in a batch. Few numpy calls: for one
        text their fixed cost is most of the time.
        """
        ids = np.concatenate([self._below, *self._ids(normalise(text)), self._above])
        ids.sort()
        # np.unique(return_counts=True) without its overhead (~30 µs): thanks to the -1 first
        # and the width last, `ends` holds 0 and then where each feature's run ends.
        ends = np.flatnonzero(ids[1:] != ids[:-1])
        keys = ids[ends[1:]]
        val = np.log(ends[1:] - ends[:-1])  # the term frequency
        val += 1.0
        val *= self._idf[keys]
        bounds = np.searchsorted(keys, self._offsets).tolist()
        filled = [(a, b - a) for a, b in pairwise(bounds) if b > a]
        if filled:
            starts, sizes = zip(*filled, strict=True)
            val /= np.repeat(np.sqrt(np.add.reduceat(val * val, starts)), sizes)
        return keys, val, bounds

    def _scores(self, features: list[tuple[np.ndarray, np.ndarray, list[int]]]) -> np.ndarray:
        """Every column's linear score (with intercept), one row per text's features."""
        keys, values = [f[0] for f in features], [f[1] for f in features]
        starts = np.array([0, *accumulate(map(len, keys))])  # np.cumsum costs ~2 µs more
        (width, columns), rows = self._columns.shape, len(features)
        if rows > 1:
            keys, values = [np.concatenate(keys)], [np.concatenate(values)]
        scores = np.zeros((rows, columns))
        # The sparse-times-dense product in C, row by row: a text's scores do not depend on
        # the other texts of its batch. (The public csr_matrix costs ~50 µs a call in checks.)
        csr_matvecs(rows, width, columns, starts, keys[0], values[0], self._flat, scores.ravel())
        scores += self._column_intercepts
        return scores

    def probabilities(self, text: str) -> np.ndarray:
        """Calibrated probabilities in the order of `labels`."""
        return np.array(self._probabilities(self._scores([self._text_features(text)])[0].tolist()))

    def _probabilities(self, scores: list[float]) -> list[float]:
        """The calibrated softmax of a text's class scores, in plain floats: a numpy call costs
        more than this arithmetic on a handful of numbers."""
        logits = [self._beta * x for x in scores[: len(self._intercept)]]
        if self._binary:
            logits = [-logits[0], logits[0]]
        top = max(logits)
        shifted = [math.exp(x - top) for x in logits]
        total = sum(shifted)
        return [x / total for x in shifted]

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
        features = [self._text_features(text) for text in texts]
        predictions = []
        for (keys, val, bounds), row in zip(features, self._scores(features).tolist(), strict=True):
            p = self._probabilities(row)
            confidence = max(p)
            best = p.index(confidence)
            scope = None if self._scope_column is None else _sigmoid(row[self._scope_column])
            abstained = bool(
                bounds[-1] == 0  # no known feature at all
                or confidence < self.confidence_threshold
                or (
                    scope is not None
                    and self.scope_threshold is not None
                    and scope < self.scope_threshold
                )
            )
            signs = map(_sigmoid, row[self._first_sign_column :])
            words = bounds[1]  # the word block comes first
            predictions.append(
                Prediction(
                    condition=None if abstained else self.labels[best],
                    probabilities=dict(zip(self.labels, p, strict=True)),
                    abstained=abstained,
                    confidence=confidence,
                    scope=scope,
                    explanation=self._explain(keys[:words], val[:words], best),
                    signs=dict(zip(self.sign_categories, signs, strict=True)),
                )
            )
        return predictions

    def sign_terms(self, text: str, category: str, limit: int = 3) -> list[str]:
        """The word n-grams that pushed the sign detector's `category` up most, strongest first."""
        idx, val, bounds = self._text_features(text)
        words = slice(0, bounds[1])  # the word block comes first
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
        scores = self._scores([self._text_features(text[a:b]) for a, b in spans])
        column = self._first_sign_column + self.sign_categories.index(category)
        return spans[int(scores[:, column].argmax())]

    def _explain(self, idx: np.ndarray, val: np.ndarray, best: int) -> list[Term]:
        """Word n-grams (indices and values of the word block) that pushed the top label up."""
        if not len(idx):
            return []
        # The negated pushes, so the strongest sort first. numpy's partition and sort do not
        # keep ties in order, so tied terms come out as they always did only if these calls
        # see the same numbers in the same order: keep them.
        pull = val * self._pull[best].take(idx)
        top = (
            np.argpartition(pull, EXPLANATION_TERMS)[:EXPLANATION_TERMS]
            if len(idx) > EXPLANATION_TERMS
            else np.arange(len(idx))
        )
        top = top[np.argsort(pull[top])]
        names = self._term_names
        return [
            Term(names[j], round(-w, 4))
            for j, w in zip(idx[top].tolist(), pull[top].tolist(), strict=True)
            if w < 0
        ]
