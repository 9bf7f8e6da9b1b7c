"""Predictor.load(folder).predict_one(text) -> Prediction, computed straight from the weights.

scikit-learn's `predict_proba` on one text spends most of its time in per-call checks; the
arithmetic is a few hundred multiply-adds. So the hot path reuses the fitted analyzers,
vocabularies and weights and does only the arithmetic. `tests/model` checks that it gives the
same probabilities as the pipeline.
"""

import importlib.machinery
import importlib.util
import math
import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise, repeat
from pathlib import Path
from typing import NamedTuple

import numpy as np

from training.artifacts import FeatureBlock, ModelError, ModelWeights, load_weights
from training.text import normalised_words

EXPLANATION_TERMS = 8
# From this many texts, explaining them together is cheaper than one by one.
EXPLAIN_TOGETHER = 8
# Texts scored together: large enough to share numpy's per-call cost, small enough that the
# per-feature temporaries stay a few MiB (they would not go back to the OS).
BATCH_CHUNK = 64


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
    # Abstained because the text says no more than ordinary back pain ("back pain for 3 weeks").
    vague: bool = False


# A sentence for evidence: a run up to and including its end mark, without edge spaces.
_SENTENCE = re.compile(r"[^\s.!?;](?:[^.!?;\n]*[^\s.!?;])?(?:[^\S\n]*[.!?;]+)?")
DEFAULT_TOKENS = r"(?u)\b\w\w+\b"  # scikit-learn's token_pattern, which training uses
# Words seen before skip n-gram slicing. Bounded so odd input cannot grow a worker: with room
# for 200,000 words, 200,000 made-up words grew one by 102 MiB (20,000: 18 MiB). Frequent words
# arrive first; all the shipped texts together hold about 20,000 distinct space-separated words.
WORD_CACHE_LIMIT = 20_000
# Feature indices as int32, half the bytes of intp to join, shift, sort and search (a chunk's
# keys, its texts' indices side by side, stay below 2**31: checked in Predictor).
_ID = np.dtype(np.int32)
_ID_CODE = "i"  # the array module's type code for a 4-byte C int
assert array(_ID_CODE).itemsize == _ID.itemsize
# Texts, each as its normalised words -> each text's feature indices (with repeats, in any
# order) as the bytes of an _ID array: joining bytes costs a tenth of np.concatenate on many
# small arrays.
TextIds = Callable[[list[list[str]]], list[bytes]]


def _lookup(vocabulary: dict[str, int], terms: list[str]) -> np.ndarray:
    return np.array([i for i in map(vocabulary.get, terms) if i is not None], dtype=_ID)


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


def _word_and_char_ids(
    words: FeatureBlock, chars: FeatureBlock, chars_offset: int
) -> TextIds | None:
    """Both blocks' indices in one pass over each text's space-separated words, for the union
    we train: word 1-(2)-grams with the default tokens, then char_wb n-grams.

    Everything that depends on one word alone (its unigram, in-word bigram and char n-gram
    indices) is cached per word, so a known word costs one dict lookup. Only the bigram across
    two words is looked up per text, by the two unigram indices (no string building). That
    needs every vocabulary bigram to be two vocabulary unigrams, which min_df guarantees (a
    bigram's words occur in at least its documents); checked here, else None (the caller
    falls back to per-block analyzers). (Doing the cross-word lookups with numpy for all the
    texts at once was slower than this loop even for 32 texts.)
    """
    if not (
        words.analyzer == "word"
        and words.token_pattern == DEFAULT_TOKENS  # its tokens never cross whitespace
        and tuple(words.ngram_range) in ((1, 1), (1, 2))
        and chars.analyzer == "char_wb"
    ):
        return None
    vocabulary, size = words.vocabulary, len(words.vocabulary)
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
    char_vocabulary, (low, high) = chars.vocabulary, chars.ngram_range
    # A cross-word bigram is looked up as `last + first`: the previous word's last unigram
    # index times size plus this word's first one. A token outside the vocabulary starts no
    # bigram, so it stands as a number that makes the sum negative (never a key) instead.
    no_last, no_first = -size, -size * size
    # word -> (its indices as _ID bytes, first (None when the word has no tokens), last).
    cache: dict[str, tuple[bytes, int | None, int]] = {}

    def learn(word: str) -> tuple[bytes, int | None, int]:
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
        known = (
            np.array(ids, dtype=_ID).tobytes(),
            None if first is None else first if first >= 0 else no_first,
            last * size if last >= 0 else no_last,
        )
        if len(cache) < WORD_CACHE_LIMIT:
            cache[word] = known
        return known

    def ids(texts: list[list[str]]) -> list[bytes]:
        found = []
        for words in texts:
            parts, across, last = [], array(_ID_CODE), no_last
            for word in words:
                word_ids, first, end = cache.get(word) or learn(word)
                parts.append(word_ids)
                if first is not None:  # a word without tokens leaves the previous token adjacent
                    if (j := bigrams.get(last + first)) is not None:
                        across.append(j)
                    last = end
            parts.append(across)
            found.append(b"".join(parts))
        return found

    return ids


def _word_grams(tokens: list[str], low: int, high: int) -> list[str]:
    """A text's word n-grams as analyzer="word" makes them from its tokens."""
    return [
        " ".join(tokens[i : i + n])
        for n in range(low, high + 1)
        for i in range(len(tokens) - n + 1)
    ]


def _block_ids(block: FeatureBlock) -> Callable[[str], np.ndarray]:
    """A block's indices for a normalised text, n-gram by n-gram (the slow path, for settings
    the per-word fast path does not cover)."""
    vocabulary, (low, high) = block.vocabulary, block.ngram_range
    if block.analyzer == "word":
        tokens_of = re.compile(block.token_pattern).findall
        return lambda text: _lookup(vocabulary, _word_grams(tokens_of(text), low, high))
    return lambda text: _lookup(
        vocabulary, [gram for word in text.split() for gram in _char_wb_grams(word, low, high)]
    )


def _blocks_ids(blocks: list[tuple[Callable[[str], np.ndarray], int]]) -> TextIds:
    """Texts' indices through each block's own analyzer, each block at its offset."""

    def ids(texts: list[list[str]]) -> list[bytes]:
        joined = [" ".join(words) for words in texts]  # normalise(text)
        return [
            np.concatenate([ids(text) + at for ids, at in blocks]).astype(_ID).tobytes()
            for text in joined
        ]

    return ids


def _load_csr_matvecs() -> Callable[..., None]:
    """SciPy's C loop for a CSR matrix times dense columns (what `csr_matrix @ dense` runs),
    loaded from its extension file alone: importing scipy.sparse for it would cost each worker
    ~23 MiB, this ~0.2 MiB. numpy's gather and reduceat do the same sums ~3-10x slower."""
    scipy = importlib.util.find_spec("scipy")  # finds the package without importing it
    for folder in scipy.submodule_search_locations if scipy else []:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = Path(folder, "sparse", f"_sparsetools{suffix}")
            if path.exists():
                spec = importlib.util.spec_from_file_location("_sparsetools", path)
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
                return module.csr_matvecs
    from scipy.sparse._sparsetools import csr_matvecs  # the usual way, if laid out otherwise

    return csr_matvecs


_csr_matvecs = _load_csr_matvecs()


class _Features(NamedTuple):
    """Several texts' TF-IDF features, one text after another."""

    columns: np.ndarray  # feature indices, increasing within each text
    values: np.ndarray  # TF-IDF values, each text's blocks L2-normalised as in the pipeline
    # Per text, where each block begins in `columns` and then where the text ends.
    bounds: list[list[int]]


def _sigmoid(z: float) -> float:
    try:
        return 1.0 / (1.0 + math.exp(-z))
    except OverflowError:  # numpy's exp gives inf there, so 0.0
        return 0.0


class Predictor:
    """The trained model, ready to score texts quickly."""

    def __init__(self, model: ModelWeights) -> None:
        self.folder = model.folder
        self.metadata = model.metadata
        self.version = model.version
        self.labels: list[str] = model.labels
        self._beta = model.beta
        self.blocks = blocks = model.blocks
        sizes = [len(block.vocabulary) for block in blocks]
        # Where each block begins in the union's columns, and the end.
        if (BATCH_CHUNK + 1) * sum(sizes) >= 2**31:  # no model that wide fits in memory anyway
            raise ModelError(f"{model.folder}: too many features ({sum(sizes)}).")
        self._offsets = np.cumsum([0, *sizes], dtype=_ID)
        self._idf = model.idf
        fast = len(blocks) == 2 and _word_and_char_ids(*blocks, sizes[0])
        if fast:
            self._ids = fast
        else:
            self._ids = _blocks_ids(
                [
                    (_block_ids(block), int(offset))
                    for block, offset in zip(blocks, self._offsets, strict=False)
                ]
            )
        self._width = int(self._offsets[-1])  # how many features
        self._below = np.array([-1], dtype=_ID).tobytes()  # first of the keys (_features)
        labels_width = 1 if len(self.labels) == 2 else len(self.labels)
        self._binary = labels_width == 1
        self.sign_categories: list[str] = model.sign_categories
        info = model.metadata.get("sign_detector") or {}
        self.sign_threshold = float(info.get("threshold", 0.5))
        # Every linear model on these features is a column block of one matrix, one row per
        # feature, so a text's features gather contiguous rows and are summed once:
        # classifier, then scope, then sign detector.
        self._columns = model.weights
        self._flat = self._columns.ravel()  # a view, as _csr_matvecs takes it
        self._column_intercepts = model.intercepts
        self._intercept = model.intercepts[:labels_width]
        self._scope_column = labels_width if model.has_scope else None
        self._first_sign_column = labels_width + model.has_scope
        expected = (self._width, self._first_sign_column + len(self.sign_categories))
        if self._columns.shape != expected or len(self._column_intercepts) != expected[1]:
            raise ModelError(
                f"{model.folder}: weights of shape {self._columns.shape} for {expected[0]} "
                f"features and {expected[1]} outputs. Retrain with `make train`."
            )
        thresholds = model.metadata.get("thresholds", {})
        self.confidence_threshold = float(thresholds.get("confidence") or 0.0)
        self.scope_threshold = thresholds.get("scope")
        # The first block (word n-grams) is the one a person can read in an explanation.
        words = blocks[0].vocabulary
        # How much each word n-gram pushes each label up relative to the others.
        word_weights = self._columns[: len(words), :labels_width]
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
        # The single words the word block knows (an unknown word shows only in character n-grams).
        self.known_words = frozenset(term for term in words if " " not in term)

    @classmethod
    def load(cls, folder: str | Path) -> "Predictor":
        """Load through the training side's verified loader (hash checks; numpy only)."""
        return cls(load_weights(folder))

    def _features(self, texts: list[str]) -> _Features:
        """The texts' features, computed together: one sort and a few numpy calls for all of
        them, whose fixed cost would otherwise be most of the time of each text.

        A text gets exactly the same numbers alone or among others: its own indices, values
        and sums, in the same order.
        """
        found = self._ids([normalised_words(text) for text in texts])
        count, width = len(texts), self._width
        # A -1 first and a key above all last make `ends` below hold 0 and then where each
        # key's run ends (np.unique(return_counts=True) without its ~30 µs overhead).
        above = np.array([count * width], dtype=_ID).tobytes()
        keys = np.frombuffer(bytearray().join([self._below, *found, above]), dtype=_ID)
        if count > 1:
            # Each text's indices shifted into a range of their own (text i's begins at
            # i * width), so one sort orders the texts and, within each, its indices.
            shifts = np.arange(0, count * width, width, dtype=_ID)
            keys[1:-1] += np.repeat(shifts, [len(ids) // _ID.itemsize for ids in found])
        keys.sort()
        ends = np.flatnonzero(keys[1:] != keys[:-1])
        keys = keys[ends[1:]]
        values = np.log(ends[1:] - ends[:-1])  # the term frequency
        values += 1.0
        # Where each text's blocks begin in `keys`, then where it ends (= where the next begins).
        edges = self._offsets if count == 1 else (shifts[:, None] + self._offsets).ravel()
        at = np.searchsorted(keys, edges)
        bounds = at.reshape(count, -1)
        columns = keys if count == 1 else keys - np.repeat(shifts, bounds[:, -1] - bounds[:, 0])
        columns = columns.astype(np.intp)  # numpy gathers by int32 indices three times slower
        values *= self._idf[columns]
        # L2 norms of each text's non-empty blocks (a text's end and the next one's start are
        # the same position, so those pairs are empty too).
        filled = [(a, b - a) for a, b in pairwise(at.tolist()) if b > a]
        if filled:
            starts, sizes = zip(*filled, strict=True)
            values /= np.repeat(np.sqrt(np.add.reduceat(values * values, starts)), sizes)
        return _Features(columns, values, bounds.tolist())

    def _scores(self, features: _Features) -> np.ndarray:
        """Every column's linear score (with intercept), one row per text."""
        starts = np.array([*(b[0] for b in features.bounds), len(features.columns)], dtype=np.intp)
        (width, columns), rows = self._columns.shape, len(features.bounds)
        scores = np.zeros((rows, columns))
        # The sparse-times-dense product in C, row by row: a text's scores do not depend on
        # the other texts of its batch. (The public csr_matrix costs ~50 µs a call in checks.)
        keys, values = features.columns, features.values
        _csr_matvecs(rows, width, columns, starts, keys, values, self._flat, scores.ravel())
        scores += self._column_intercepts
        return scores

    def probabilities(self, text: str) -> np.ndarray:
        """Calibrated probabilities in the order of `labels`."""
        return np.array(self._probabilities(self._scores(self._features([text]))[0].tolist()))

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
        features = self._features(texts)
        rows = self._scores(features).tolist()
        probabilities = [self._probabilities(row) for row in rows]
        tops = [p.index(max(p)) for p in probabilities]
        predictions = []
        for bounds, row, p, best, explanation in zip(
            features.bounds,
            rows,
            probabilities,
            tops,
            self._explain_many(features, tops),
            strict=True,
        ):
            confidence = p[best]
            scope = None if self._scope_column is None else _sigmoid(row[self._scope_column])
            abstained = bool(
                bounds[-1] == bounds[0]  # no known feature at all
                or confidence < self.confidence_threshold
                or (
                    scope is not None
                    and self.scope_threshold is not None
                    and scope < self.scope_threshold
                )
            )
            signs = map(_sigmoid, row[self._first_sign_column :])
            predictions.append(
                Prediction(
                    condition=None if abstained else self.labels[best],
                    probabilities=dict(zip(self.labels, p, strict=True)),
                    abstained=abstained,
                    confidence=confidence,
                    scope=scope,
                    explanation=explanation,
                    signs=dict(zip(self.sign_categories, signs, strict=True)),
                )
            )
        return predictions

    def sign_terms_many(self, items: list[tuple[str, str]], limit: int = 3) -> list[list[str]]:
        """For each (text, category), the word n-grams that pushed the sign detector's category
        up most, strongest first; the texts' features computed together."""
        terms = []
        for begin in range(0, len(items), BATCH_CHUNK):
            chunk = items[begin : begin + BATCH_CHUNK]
            idx, val, bounds = self._features([text for text, _ in chunk])
            for (_, category), (start, words_end, _) in zip(chunk, bounds, strict=True):
                words = slice(start, words_end)  # the word block comes first
                column = self._first_sign_column + self.sign_categories.index(category)
                push = val[words] * self._columns[idx[words], column]
                order = np.argsort(-push)[:limit]
                terms.append(
                    [
                        self._term_names[j]
                        for j, w in zip(idx[words][order], push[order], strict=True)
                        if w > 0
                    ]
                )
        return terms

    def sign_sentences(self, items: list[tuple[str, str]]) -> list[tuple[int, int]]:
        """For each (text, category), the sentence the sign detector scores highest for the
        category, as (start, end); all the sentences scored together."""
        spans = [
            [m.span() for m in _SENTENCE.finditer(text)] or [(0, len(text))] for text, _ in items
        ]
        # A text of one sentence needs no scores; the others' sentences, one text after another.
        sentences = [
            text[a:b]
            for (text, _), found in zip(items, spans, strict=True)
            if len(found) > 1
            for a, b in found
        ]
        scores = [
            self._scores(self._features(sentences[begin : begin + BATCH_CHUNK]))
            for begin in range(0, len(sentences), BATCH_CHUNK)
        ]
        rows = np.concatenate(scores) if scores else np.zeros((0, self._columns.shape[1]))
        best, row = [], 0
        for (_, category), found in zip(items, spans, strict=True):
            if len(found) == 1:
                best.append(found[0])
                continue
            column = self._first_sign_column + self.sign_categories.index(category)
            best.append(found[int(rows[row : row + len(found), column].argmax())])
            row += len(found)
        return best

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

    def _explain_many(self, features: _Features, tops: list[int]) -> list[list[Term]]:
        """_explain for each text of `features` (whose top label is in `tops`), with a dozen
        numpy calls for all of them instead of five per text.

        One sort by push, then a stable one by text, ranks every text's terms. Where a text's
        strongest terms and the next one hold no tie, their set and order are the only ones
        possible, so they are what _explain gives; a text with such a tie goes through _explain
        itself, whose numpy partition and sort order ties in their own way.
        """
        columns, values, count = features.columns, features.values, len(tops)
        if count < EXPLAIN_TOGETHER:
            return [
                self._explain(columns[b[0] : b[1]], values[b[0] : b[1]], best)
                for b, best in zip(features.bounds, tops, strict=True)
            ]
        bounds = np.array(features.bounds)
        sizes = bounds[:, 1] - bounds[:, 0]  # each text's word block comes first
        begins = np.cumsum(sizes) - sizes  # where each text's terms begin in `pull`
        text = np.repeat(np.arange(count, dtype=np.int16), sizes)  # int16: a radix sort below
        rank = np.arange(len(text)) - np.repeat(begins, sizes)  # a term's place in its text
        at = rank + np.repeat(bounds[:, 0], sizes)
        idx, pull = columns[at], values[at]
        pull *= self._pull[np.repeat(tops, sizes), idx]  # each text's pulls for its top label
        order = np.argsort(pull)
        order = order[np.argsort(text[order], kind="stable")]
        pull, idx = pull[order], idx[order]
        tied = set(
            text[1:][
                (pull[1:] == pull[:-1])
                & (text[1:] == text[:-1])
                & (rank[1:] <= EXPLANATION_TERMS)  # the strongest terms and the next one
            ].tolist()
        )
        # Each text's strongest terms that push its label up (w < 0: a prefix of its terms).
        kept = (rank < EXPLANATION_TERMS) & (pull < 0)
        names = map(self._term_names.__getitem__, idx[kept].tolist())
        weights = map(round, (-pull[kept]).tolist(), repeat(4))
        terms = list(map(Term._make, zip(names, weights, strict=True)))
        ends = np.cumsum(np.bincount(text[kept], minlength=count)).tolist()
        return [
            self._explain(columns[b[0] : b[1]], values[b[0] : b[1]], best)
            if i in tied
            else terms[end - size : end]
            for i, (b, best, end, size) in enumerate(
                zip(features.bounds, tops, ends, np.diff(ends, prepend=0).tolist(), strict=True)
            )
        ]
