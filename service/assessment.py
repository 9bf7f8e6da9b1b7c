"""One assessment: model prediction + red flags -> the public answer, and the swappable state."""

import ctypes
import ctypes.util
import functools
import gc
import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from fastapi import HTTPException

from service.batch_helper import BatchHelper
from service.language import identifier, mostly_not_english
from service.predictor import DEFAULT_TOKENS, Prediction, Predictor
from service.red_flags import CATEGORIES, RedFlag, RedFlagEngine, SuppressedSign
from service.settings import Settings
from service.triage import decide
from training.artifacts import ModelError
from training.text import normalise

log = logging.getLogger("service")
_C_LIBRARY = ctypes.CDLL(ctypes.util.find_library("c") or None)
SIGN_DETECTOR = "sign_detector"  # the `rule` of a flag raised by the learned sign detector
# Above this the detector's flag stands even when the context step rules out its words: the
# context step is the weaker judge there (measured on fresh writer sets, README "Red flags").
SURE = 0.9
# Below this the detector's flag is dropped when the rules found that category's sign and judged
# that it does not apply (negated, someone else's, past): the detector reads words, not context.
# Leaving writers out: 1.9 points fewer false alarms, no positive lost (README "Red flags").
SURE_AGAINST_RULES = 0.7
OTHER_PERSON = "other_person"  # the reason the rules give for a sign that is someone else's
# Where a missed sign costs most (cauda equina: lasting loss of bladder, bowel and sexual
# function), the detector flags from a lower probability than the model's stored threshold.
# Leaving writers out: cauda equina misses 4 -> 2 of 634, false alarms +0.1 point.
LOWER_THRESHOLDS = {"cauda_equina": 0.3}
_TOKENS = re.compile(DEFAULT_TOKENS)
NOT_ENGLISH_NOTICE = {
    "code": "not_english",
    "message": "Most of this text is not in English, the only language the red-flag rules and "
    "the model read: signs written in another language may have been missed.",
}
# How many of the words that pushed the detector up most go through the context step, and how
# many must not all be ordinary words.
CONTEXT_CHECKED = 3
ORDINARY_CHECKED = 5
# Below this many words the detector must be SURE: on a few words it weighs each one most ("my
# lower back hurts when I cough" was fracture at 0.77), and on the labelled red-flag sets it
# never caught a sign the rules missed in a text this short (one false alarm).
SHORT_TEXT_WORDS = 10
# The garbage collector looks at young objects after this many more containers were made than
# freed (Python's default: 700). A 256-text batch builds ~5,000 containers (answers, their
# lists and dicts) that live until its response is sent, and each young collection walked them
# again: ~1 ms of a batch's ~45. Cyclic garbage, which only that collector frees, is rare here.
YOUNG_COLLECTION = 5000


@functools.lru_cache(maxsize=4096)
def _term_pattern(term: str) -> re.Pattern[str]:
    """A normalised word n-gram, found in the submitted text whatever its case and spacing."""
    words = r"\W+".join(re.escape(word) for word in term.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


def _term_spans(text: str, terms: list[str]) -> Iterator[tuple[int, int]]:
    """Where each of the detector's words stands in the submitted text."""
    for term in terms:
        for match in _term_pattern(term).finditer(text):
            yield match.span()


class Assessor:
    """A loaded model and rules engine; immutable, so a reload swaps the whole object."""

    def __init__(self, predictor: Predictor, engine: RedFlagEngine) -> None:
        unknown = sorted(set(predictor.sign_categories) - set(CATEGORIES))
        if unknown:
            raise ModelError(
                f"{predictor.folder}: the sign detector knows red-flag categories the "
                f"rules do not ({', '.join(unknown)}). Retrain with a red-flag set that uses "
                "the categories of the rules file."
            )
        self.predictor = predictor
        self.engine = engine
        self.version = predictor.version
        # The words that make a text readable here (service/language.py).
        self.english_words = (
            predictor.known_words | engine.context.ordinary_words
        ) - engine.context.other_language_words

    def assess(self, text: str) -> dict[str, Any]:
        """The answer for one text, as the JSON the API returns."""
        return self.assess_many([text])[0]

    def assess_many(self, texts: list[str]) -> list[dict[str, Any]]:
        """The answers for many texts, in order; each the same as `assess` gives."""
        predictions = [
            self._unless_vague(text, p)
            for text, p in zip(texts, self.predictor.predict_many(texts), strict=True)
        ]
        # Red flags run on every text, whatever the model says or whether it abstains.
        return [
            self._answer(text, prediction, flags)
            for text, prediction, flags in zip(
                texts, predictions, self._red_flags_many(texts, predictions), strict=True
            )
        ]

    def is_english(self, text: str) -> bool:
        """Whether the text is English enough for the rules and model to read it."""
        return not mostly_not_english(text, self.english_words)

    def _unless_vague(self, text: str, prediction: Prediction) -> Prediction:
        """The prediction, or an abstention when the text is only words of ordinary back pain
        ("back pain for 3 weeks", "lower back pain"): on so few words the classifier is as sure
        as it ever is (spinal infection at 0.9995 for "back pain for 3 weeks"), which says
        nothing about the person, so no condition is named and the probabilities are even."""
        if prediction.abstained:
            return prediction
        plain, has_words = self.engine.context.plain_words, False
        # Read up to the first word that says more: on every request, and most texts have one
        # within a few words. A number alone ("for 3 weeks, I am 45") says no more than the
        # plain words around it.
        for word in _words(text):
            if word not in plain and not word.isdigit():
                return prediction
            has_words = True
        if not has_words:
            return prediction
        even = 1.0 / len(prediction.probabilities)
        return replace(
            prediction,
            condition=None,
            abstained=True,
            probabilities=dict.fromkeys(prediction.probabilities, even),
            explanation=[],
            vague=True,
        )

    def red_flags(self, text: str, prediction: Prediction) -> list[RedFlag]:
        """The rules' flags, then the sign detector's for categories the rules did not flag."""
        return self._red_flags_many([text], [prediction])[0]

    def _red_flags_many(
        self, texts: list[str], predictions: list[Prediction]
    ) -> list[list[RedFlag]]:
        """red_flags for many texts, in order: the detector's part is scored for all at once."""
        judged = [self.engine.explain(text) for text in texts]
        detected = self._detected(
            texts,
            [prediction.signs for prediction in predictions],
            [{flag.category for flag in flags} for flags, _ in judged],
            [_reasons(suppressed) for _, suppressed in judged],
            [[(flag.start, flag.end) for flag in flags] for flags, _ in judged],
        )
        return [flags + more for (flags, _), more in zip(judged, detected, strict=True)]

    def detected_signs(
        self,
        text: str,
        prediction: Prediction,
        already: set[str],
        ruled_out: dict[str, set[str]] | None = None,
    ) -> list[RedFlag]:
        """Flags from the learned sign detector for categories not in `already`.

        The detector only ever adds: it catches paraphrases the rules do not know yet, and
        never overrules a rule. For a category in `ruled_out` (the rules found its sign and
        judged, for these reasons, that it does not apply) it must be surer. Unless it is very
        sure, and always when the rules gave the sign to someone else, its strongest words go
        through the rules' context step, so "my dad had bowel cancer" or "no fever" does not
        raise a flag; the flag is dropped only when every one of those words is ruled out. And
        some of the words that pushed it must be other than the rules file's ordinary words, so
        "back pain for 3 weeks" is never an emergency. The evidence is the sentence the detector
        scores highest.
        """
        return self._detected([text], [prediction.signs], [already], [ruled_out or {}], [[]])[0]

    def _detected(
        self,
        texts: list[str],
        signs: list[dict[str, float]],
        already: list[set[str]],
        ruled_out: list[dict[str, set[str]]],
        read: list[list[tuple[int, int]]],
    ) -> list[list[RedFlag]]:
        """detected_signs for many texts, in order: the detector's words and evidence sentences
        for all of them are scored together (a few numpy calls instead of a few per flag).
        `read` holds each text's spans the rules flagged, for any category."""
        threshold = self.predictor.sign_threshold
        # No category may flag below this: most of a batch's probabilities stop at this one
        # comparison instead of a call of detector_may_flag.
        floor = min([threshold, *LOWER_THRESHOLDS.values()])
        # (text, category, whether its words must survive the context step): below SURE, and
        # always when the rules gave the sign to someone else ("my mum had breast cancer years
        # ago" reads to the detector like the writer's own past cancer).
        candidates = [
            (i, category, probability < SURE or OTHER_PERSON in out.get(category, ()))
            for i, (text_signs, flagged, out) in enumerate(
                zip(signs, already, ruled_out, strict=True)
            )
            for category, probability in text_signs.items()
            if probability >= floor
            and category not in flagged
            and detector_may_flag(category, probability, threshold, category in out)
        ]
        flags: list[list[RedFlag]] = [[] for _ in texts]
        if not candidates:
            return flags
        pushed = self.predictor.sign_terms_many(
            [(texts[i], category) for i, category, _ in candidates], limit=ORDINARY_CHECKED
        )
        # Each candidate text's words, read once for all its categories.
        words = {i: list(_words(texts[i])) for i, _, _ in candidates}
        standing = []
        for (i, category, check), terms in zip(candidates, pushed, strict=True):
            if (
                self._only_ordinary(words[i], terms)
                or (signs[i][category] < SURE and len(words[i]) < SHORT_TEXT_WORDS)
                or self._read_by_rules(texts[i], terms, read[i])
            ):
                continue
            if not check or not self._ruled_out(texts[i], category, terms[:CONTEXT_CHECKED]):
                standing.append((i, category))
        # The evidence a reviewer reads: the sentence the detector scores highest.
        spans = self.predictor.sign_sentences([(texts[i], category) for i, category in standing])
        for (i, category), (start, end) in zip(standing, spans, strict=True):
            flags[i].append(RedFlag(category, SIGN_DETECTOR, texts[i][start:end], start, end))
        return flags

    def _only_ordinary(self, words: list[str], terms: list[str]) -> bool:
        """The detector was pushed up by words of ordinary back pain alone ("back pain for 3
        weeks"): the balanced detector reads a text without sign words as a coin toss, and a
        short text weighs each word most. Not when the text has a word the detector's word
        list does not know (a misspelt sign shows only in its character n-grams)."""
        ordinary = self.engine.context.ordinary_words
        known = self.predictor.known_words
        return all(word in ordinary for term in terms for word in term.split()) and all(
            word in ordinary or word in known for word in words
        )

    def _read_by_rules(self, text: str, terms: list[str], spans: list[tuple[int, int]]) -> bool:
        """Every word that pushed the detector, other than ordinary words, is inside a sign the
        rules already flagged: "I wet myself without noticing" is the rules' cauda equina sign,
        not also the sweats of an infection (the detector learned "wet" from "wet through")."""
        ordinary = self.engine.context.ordinary_words
        telling = [term for term in terms if any(w not in ordinary for w in term.split())]
        if not spans or not telling:
            return False
        # As in _ruled_out, words not found in the text never drop a flag.
        located = list(_term_spans(text, telling))
        return bool(located) and all(
            any(a <= start and end <= b for a, b in spans) for start, end in located
        )

    def _ruled_out(self, text: str, category: str, terms: list[str]) -> bool:
        """The detector's strongest words (`terms`) are in the text, and the context step rules
        out every one of them (another person's, negated, hypothetical, past)."""
        located = False
        for start, end in _term_spans(text, terms):
            if self.engine.context_of(text, start, end, category) is None:
                return False
            located = True
        return located

    def _answer(self, text: str, prediction: Prediction, flags: list[RedFlag]) -> dict[str, Any]:
        english = self.is_english(text)
        decision = decide(text, prediction, flags, english)
        return {
            "condition": prediction.condition,
            "probabilities": prediction.probabilities,
            "abstained": prediction.abstained,
            "red_flags": [
                {
                    "category": f.category,
                    "rule": f.rule,
                    "evidence": f.evidence,
                    "start": f.start,
                    "end": f.end,
                }
                for f in flags
            ],
            "triage": decision.level.value,
            "advice": decision.advice,
            "explanation": [{"term": t.term, "weight": t.weight} for t in prediction.explanation],
            "model_version": self.version,
            "notices": [] if english else [NOT_ENGLISH_NOTICE],
        }


def _words(text: str) -> Iterator[str]:
    """The words of a text as the detector's word block reads them, one at a time."""
    return (match.group() for match in _TOKENS.finditer(normalise(text)))


def detector_may_flag(category: str, probability: float, threshold: float, ruled_out: bool) -> bool:
    """The detector's probability is high enough to consider a flag: from the model's stored
    `threshold` (lower for LOWER_THRESHOLDS), and from SURE_AGAINST_RULES where the rules found
    the category's sign and ruled it out."""
    lowest = min(threshold, LOWER_THRESHOLDS.get(category, threshold))
    return probability >= lowest and not (ruled_out and probability < SURE_AGAINST_RULES)


def _reasons(suppressed: list[SuppressedSign]) -> dict[str, set[str]]:
    """Category -> why the rules ruled its signs out."""
    reasons: dict[str, set[str]] = {}
    for sign in suppressed:
        reasons.setdefault(sign.category, set()).add(sign.reason)
    return reasons


def _freeze_loaded_objects() -> None:
    """Keep the garbage collector away from the loaded model and rules.

    They are ~150,000 long-lived objects (vocabularies, patterns, caches); a full collection
    walks them all, ~40 ms here, a pause in the middle of whichever requests are in flight.
    After a reload the old model's cycles are collected first. Young collections, too, come
    less often (YOUNG_COLLECTION).
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION, *gc.get_threshold()[1:])
    _return_freed_memory()


def _return_freed_memory() -> None:
    """Give the C heap freed while loading back to the system.

    Compiling the rules (Hyperscan, RE2, `re`) and unpickling the model free ~30 MiB that glibc
    keeps in the process otherwise, so each worker would start 30 MiB bigger than it needs.
    A no-op where the C library has no `malloc_trim` (not glibc).
    """
    trim = getattr(_C_LIBRARY, "malloc_trim", None)
    if trim is not None:
        trim(0)


class ServiceState:
    """Holds the current Assessor; loading happens beside it and the swap is one assignment."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.assessor: Assessor | None = None
        self.batch_helper = BatchHelper(settings.batch_helper, settings.worker_memory_mb or None)
        self._reload_lock = threading.Lock()

    def _build(self) -> Assessor:
        engine = RedFlagEngine.from_file(self.settings.rules_file)
        return Assessor(Predictor.load(self.settings.model_dir), engine)

    def load(self) -> None:
        identifier()  # loaded before the first request, not during it
        self.assessor = self._build()
        _freeze_loaded_objects()
        log.info(
            "model loaded", extra={"event": "model_loaded", "model_version": self.assessor.version}
        )

    def reload(self) -> str:
        """Load the new model; on any failure keep serving the old one and re-raise."""
        with self._reload_lock:
            try:
                fresh = self._build()
            except Exception as err:
                log.error(
                    "reload failed; kept the current model",
                    extra={"event": "reload_failed", "reason": str(err)},
                )
                raise
            self.assessor = fresh
            _freeze_loaded_objects()
            log.info(
                "model reloaded", extra={"event": "model_reloaded", "model_version": fresh.version}
            )
            return fresh.version

    def require(self) -> Assessor:
        assessor = self.assessor
        if assessor is None:
            raise HTTPException(503, "The model is not loaded yet.")
        return assessor
