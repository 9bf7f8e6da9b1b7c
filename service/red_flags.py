"""The red-flag engine: load and validate the rules file, match signs, read their context.

Context follows the spirit of ConText (Harkema et al., 2009): a sign is suppressed only when
a cue in its own clause says it is negated, resolved history, hypothetical, or someone else's.
A scope ends at sentence punctuation and at words such as "but". When in doubt, it flags.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CATEGORIES = (
    "cauda_equina",
    "neurological_deficit",
    "infection",
    "malignancy",
    "fracture",
    "vascular",
)
DEFAULT_RULES_FILE = Path(__file__).with_name("red_flags.yaml")
_FLAGS = re.IGNORECASE
_WORD = re.compile(r"[\w'’/+-]+")
_FIRST_PERSON = re.compile(r"\b(i|i'm|i’m|im|i've|i’ve|ive|me|myself)\b", _FLAGS)
_RELATIVE = (
    r"(father|mother|dad|daddy|mum|mummy|mom|mommy|parents?|brother|sister|grand\w+|gran|nan|"
    r"nana|granny|aunt|auntie|uncle|cousin|son|daughter|husband|wife|partner|boyfriend|"
    r"girlfriend|friend|mate|colleague|neighbou?r|boss|flatmate|housemate|fianc\w*)"
)
_PATIENT_RELATIVE = re.compile(rf"\b(?:my|our)\s+(?:\w+\s+)?{_RELATIVE}\b", _FLAGS)
_COMPLAINT = re.compile(
    r"\b(back|spine|spinal|legs?|hips?|buttocks?|pain\w*|ache\w*|aching|hurt\w*|sore|sciatica|"
    r"stiff\w*|numb\w*|agony|walk\w*|limp\w*)\b",
    _FLAGS,
)
_RELATIVE_NOUN = re.compile(rf"\b{_RELATIVE}\b", _FLAGS)
# Signs written as a clause of their own ("can't feel ...") are not in a preceding "no" list.
_CLAUSAL_START = re.compile(
    r"^(can'?t|can’t|cannot|can not|couldn'?t|unable|not able|haven'?t|hasn'?t|didn'?t|don'?t|"
    r"doesn'?t|lost|losing|wet|wetting|leak\w*|fell|legs?|foot|feet|pain|it)\b",
    _FLAGS,
)
_SENTENCE_END = re.compile(r"[.!?\n]")
_TOKEN = re.compile(r"\w+")
# Rules are looked up by the first letters of the words in a text, so most rules never run.
TRIGGER_PREFIX = 3


def trigger_keys(text: str) -> set[str]:
    """The word prefixes that decide which rules can possibly match a text."""
    return {token[:TRIGGER_PREFIX] for token in _TOKEN.findall(text.lower())}


class RulesError(ValueError):
    """The rules file is unusable; the message names the rule and what is wrong."""


@dataclass(frozen=True)
class RedFlag:
    """A sign that applies to the person now, with where it stands in the submitted text."""

    category: str
    rule: str
    evidence: str
    start: int
    end: int


@dataclass(frozen=True)
class SuppressedSign:
    """A sign that matched but that its context says does not apply now, and why."""

    category: str
    rule: str
    evidence: str
    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    description: str
    pattern: re.Pattern[str]
    history_counts: bool
    triggers: frozenset[str]


@dataclass(frozen=True)
class Context:
    window_words: int
    terminators: re.Pattern[str]
    negation_before: re.Pattern[str]
    negation_after: re.Pattern[str]
    resolved_history: re.Pattern[str]
    hypothetical: re.Pattern[str]
    other_person: re.Pattern[str]


def _compile(patterns: Any, where: str) -> re.Pattern[str]:
    if (
        not isinstance(patterns, list)
        or not patterns
        or not all(isinstance(p, str) for p in patterns)
    ):
        raise RulesError(f"{where}: needs a non-empty list of pattern strings.")
    for pattern in patterns:
        try:
            re.compile(pattern, _FLAGS)
        except re.error as err:
            raise RulesError(f"{where}: pattern {pattern!r} does not compile: {err}.") from None
    return re.compile("|".join(f"(?:{p})" for p in patterns), _FLAGS)


def parse_rules(document: Any, source: str = "rules") -> tuple[list[Rule], Context]:
    """Validate a loaded rules document; raise RulesError naming the rule at fault."""
    if not isinstance(document, dict) or "rules" not in document or "context" not in document:
        raise RulesError(f"{source}: expected a mapping with 'rules' and 'context'.")
    rules: list[Rule] = []
    seen: set[str] = set()
    for number, entry in enumerate(document["rules"] or [], 1):
        rule_id = entry.get("id") if isinstance(entry, dict) else None
        where = f"{source}: rule {rule_id or f'#{number}'}"
        if not rule_id or not isinstance(rule_id, str):
            raise RulesError(f"{where}: missing 'id'.")
        if rule_id in seen:
            raise RulesError(f"{where}: duplicate rule id.")
        seen.add(rule_id)
        category = entry.get("category")
        if category not in CATEGORIES:
            raise RulesError(
                f"{where}: unknown category {category!r}; one of {', '.join(CATEGORIES)}."
            )
        description = entry.get("description")
        if not description:
            raise RulesError(f"{where}: missing 'description'.")
        triggers = trigger_keys(str(entry.get("triggers") or ""))
        if not triggers:
            raise RulesError(
                f"{where}: needs 'triggers', the words one of which every match holds."
            )
        rules.append(
            Rule(
                rule_id,
                category,
                description,
                _compile(entry.get("patterns"), where),
                bool(entry.get("history_counts", False)),
                frozenset(triggers),
            )
        )
    if not rules:
        raise RulesError(f"{source}: no rules.")
    cues = document["context"]
    try:
        context = Context(
            window_words=int(cues["window_words"]),
            **{
                name: _compile(cues[name], f"{source}: context {name}")
                for name in (
                    "terminators",
                    "negation_before",
                    "negation_after",
                    "resolved_history",
                    "hypothetical",
                    "other_person",
                )
            },
        )
    except KeyError as err:
        raise RulesError(f"{source}: context is missing {err}.") from None
    return rules, context


class RedFlagEngine:
    """Applies every rule to a text and keeps the signs whose context says they apply now."""

    def __init__(self, rules: list[Rule], context: Context) -> None:
        self.rules = rules
        self.context = context
        self._rules_by_key: dict[str, list[int]] = {}
        for number, rule in enumerate(rules):
            for key in rule.triggers:
                self._rules_by_key.setdefault(key, []).append(number)

    @classmethod
    def from_file(cls, path: str | Path = DEFAULT_RULES_FILE) -> "RedFlagEngine":
        path = Path(path)
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise RulesError(f"{path}: rules file not found.") from None
        except yaml.YAMLError as err:
            raise RulesError(f"{path}: is not valid YAML ({err}).") from None
        return cls(*parse_rules(document, str(path)))

    @property
    def rule_ids(self) -> list[str]:
        return [rule.id for rule in self.rules]

    def find(self, text: str) -> list[RedFlag]:
        """The red flags that apply to the person now, in order of position."""
        return self.explain(text)[0]

    def explain(self, text: str) -> tuple[list[RedFlag], list[SuppressedSign]]:
        """Red flags, plus the matches that were suppressed and the reason for each."""
        candidates: set[int] = set()
        for key in trigger_keys(text):
            candidates.update(self._rules_by_key.get(key, ()))
        flags: list[RedFlag] = []
        suppressed: list[SuppressedSign] = []
        if not candidates:
            return flags, suppressed
        patient_relative = self._patient_relative(text)
        for number in sorted(candidates):
            rule = self.rules[number]
            for match in rule.pattern.finditer(text):
                start, end = match.span()
                if start == end:
                    continue
                reason = self._suppression(text, start, end, rule, patient_relative)
                if reason is None:
                    flags.append(RedFlag(rule.category, rule.id, text[start:end], start, end))
                else:
                    suppressed.append(
                        SuppressedSign(rule.category, rule.id, text[start:end], start, end, reason)
                    )
        flags.sort(key=lambda f: (f.start, f.end))
        return flags, suppressed

    def _patient_relative(self, text: str) -> str | None:
        """The relative a text is written about ("my mum, 74, ..."), whose signs do count."""
        first = _SENTENCE_END.search(text)
        opening = text[: first.start() if first else 160][:160]
        found = _PATIENT_RELATIVE.search(opening)
        if found and _COMPLAINT.search(opening) and not _FIRST_PERSON.search(opening):
            return found.group(1).lower()
        return None

    def _clause(self, text: str, start: int, end: int) -> tuple[int, int]:
        before = max(0, start - 250)
        begin = before
        for stop in self.context.terminators.finditer(text, before, start):
            begin = stop.end()
        after = self.context.terminators.search(text, end, min(len(text), end + 250))
        return begin, after.start() if after else min(len(text), end + 250)

    def _window(self, text: str, begin: int, start: int, words: int) -> str:
        """The last `words` words before the sign, within its clause."""
        tokens = list(_WORD.finditer(text, begin, start))
        if len(tokens) > words:
            begin = tokens[-words].start()
        return text[begin:start]

    def _suppression(
        self, text: str, start: int, end: int, rule: Rule, patient_relative: str | None
    ) -> str | None:
        context = self.context
        begin, finish = self._clause(text, start, end)
        evidence = text[start:end]
        before = self._window(text, begin, start, context.window_words)

        negations = list(context.negation_before.finditer(before))
        if negations:
            negation = negations[-1]
            gap = before[negation.end() :]
            if "," not in gap or not _CLAUSAL_START.match(evidence):
                return "negated"
        if context.negation_after.search(text[end:finish]):
            return "negated"

        wide = self._window(text, begin, start, context.window_words + 4) + evidence
        if context.hypothetical.search(wide):
            return "hypothetical"
        for cue in context.other_person.finditer(wide):
            relative = _RELATIVE_NOUN.search(cue.group(0))
            if relative and patient_relative and relative.group(0).lower() == patient_relative:
                continue
            if not _FIRST_PERSON.search(wide[cue.end() :]):
                return "other_person"
        if not rule.history_counts and context.resolved_history.search(text[begin:finish]):
            return "resolved_history"
        return None
