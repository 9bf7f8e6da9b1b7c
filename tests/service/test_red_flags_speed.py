"""The red-flag engine's shortcuts give what the plain definitions give."""

import re

import pandas as pd
import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from service.red_flags import (
    _BACK_COMPLAINT,
    _BACK_COMPLAINT_RE2,
    _BUDGET_AFTER_SEARCHES,
    _CASELESS_ASCII,
    _COMPLAINT,
    _COMPLAINT_RE2,
    _NO_CAPTURE,
    _PATIENT_NOUN,
    _PATIENT_RELATIVE,
    _PATIENT_RELATIVE_RE2,
    _PROXY,
    _PROXY_RE2,
    _RELATIVE_NOUN,
    _RELATIVE_NOUN_RE2,
    _REPORTING_RELATIVE,
    _REPORTING_RELATIVE_RE2,
    _SENTENCE_END,
    _SETS_ASIDE,
    _SETS_ASIDE_RE2,
    _SPACE_RUN,
    _SUBJECT_NAMED,
    _SUBJECT_NAMED_RE2,
    _TELLING_RELATIVE,
    _TELLING_RELATIVE_RE2,
    _THIRD_PERSON,
    _THIRD_PERSON_LOWERCASE,
    _UNANCHORED,
    _UNBUDGETED,
    _WORD,
    _WRITER_COMPLAINT,
    _WRITER_COMPLAINT_RE2,
    _WRITER_FOCUS,
    _WRITER_FOCUS_RE2,
    Reading,
    RedFlagEngine,
    RulePatternRE2,
    _finditer,
    _first_match,
    _first_start,
    _third_persons,
    _windows,
    ascii_shadow,
    ends_only,
    fold,
    loosened,
    one_space,
    single_spaced,
)
from tests.conftest import DATASETS


def test_loosened_drops_anchors_boundaries_and_lookarounds_but_not_classes() -> None:
    assert loosened(r"^\s*(no|nil)\b(?!\s+more)$") == r"\s*(no|nil)"
    assert loosened(r"[^.!?\n]{0,40}\bgone[$^]") == r"[^.!?\n]{0,40}gone[$^]"
    assert loosened(r"[]^]\\b") == r"[]^]\\b"


def test_a_parenthesis_in_a_class_does_not_end_a_lookaround() -> None:
    assert loosened(r"a(?![)(]b)c") == "ac"


def test_ends_only_drops_what_may_repeat_zero_times_at_the_start() -> None:
    assert ends_only(r"[^.!?\n]{0,40}not\s+(me|mine)") == r"not\s+(me|mine)"
    assert ends_only(r"\W*(\w+\s+){0,2}(advice|card)") == r"(advice|card)"
    assert ends_only(r"(the\s+)?vets?|some\s+guy") == r"vets?|some\s+guy"
    assert ends_only(r"[\]a]*?b") == "b"
    # Kept: a minimum, a possessive repeat, a named group, nothing left after it.
    for kept in (r"\s+no", r"x*+y", r"(?P<a>x)*y", r"x*", r"\n*x"):
        assert ends_only(kept) == kept


def test_one_space_reads_a_repeat_of_spaces_as_one_space_at_most() -> None:
    assert one_space(r"legs\s+gave\s*way") == r"legs\sgave\s?way"
    assert one_space(r"a[ \t]+b\s{0,}c\s{1,}d\s*?e") == r"a[ \t]b\s?c\sd\s??e"
    # Kept: repeats of more than spaces, possessive repeats, an escaped backslash, groups.
    for kept in (r"[\s,]+x", r"a\s++b", r"a\\s+b", r"(\s)+", r"\s{2,}"):
        assert one_space(kept) == kept


SPACES = " \t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u3000"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=SPACES + "ab.é", max_size=30))
def test_a_single_spaced_shadow_has_no_two_spaces_side_by_side(text: str) -> None:
    assert re.search(rb"\s\s", ascii_shadow(fold(single_spaced(text)[0]))) is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x1fab.", max_size=30))
def test_an_ascii_text_is_single_spaced_where_re_finds_runs_of_spaces(text: str) -> None:
    expected = _SPACE_RUN.sub(lambda run: "\n" if "\n" in run.group(0) else " ", text)
    assert single_spaced(text)[0] == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=SPACES + "ab.", max_size=30))
def test_offsets_map_between_a_text_and_its_single_spaced_form(text: str) -> None:
    spaced, spacing = single_spaced(text)
    if spacing is None:
        assert spaced == text and re.search(r"\s\s", text) is None
        return
    for offset, char in enumerate(spaced):
        at = spacing.original(offset)  # a run's first character stands for the run
        assert spacing.single_spaced(at) == offset
        assert text[at] == char or (char.isspace() and (at == 0 or not text[at - 1].isspace()))
    for offset, char in enumerate(text):
        assert spaced[spacing.single_spaced(offset)] == char or char.isspace()


def match_ends(pattern: str, text: str) -> set[int]:
    return {
        end
        for start in range(len(text) + 1)
        for end in range(start, len(text) + 1)
        if re.fullmatch(pattern, text[start:end])
    }


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab .?\n", max_size=12))
def test_ends_only_ends_where_the_pattern_ends(text: str) -> None:
    for pattern in (r"[^.?\n]{0,3}ab|\s*b", r"(a\s+)?b+", r"\W*(\w\s){0,2}a\.", r"a*?b?\?"):
        assert match_ends(ends_only(pattern), text) == match_ends(pattern, text)


def plain_sentence(text: str, start: int, end: int) -> tuple[int, int, bool]:
    begin = (
        max((m.start() for m in _SENTENCE_END.finditer(text) if m.start() < start), default=-1) + 1
    )
    stop = _SENTENCE_END.search(text, end)
    finish = stop.start() if stop else len(text)
    return begin, finish, bool(stop and stop.group(0) == "?")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab1. !?\n\u2028é\x0b", max_size=40), st.data())
def test_sentence_bounds_match_the_plain_definition(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    reading = Reading(text, None)  # type: ignore[arg-type]  # no cue scan needed
    assert reading.sentence(start, end) == plain_sentence(text, start, end)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abno .,?!\n-:'", max_size=60))
def test_each_costly_cue_is_found_wherever_re_finds_it(engine: RedFlagEngine, text: str) -> None:
    text = single_spaced(text)[0]
    reading = Reading(text, engine._cues)
    for cue in [getattr(engine.context, n) for n in ("negation_before", "negation_after")]:
        for begin in range(len(text) + 1):
            expected = cue.pattern.search(text[begin:])
            found = cue.search(reading, begin, len(text))
            assert (found and found.span()) == (expected and expected.span())


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["but", "now", "and", "i", "my", "so", "he", "know", "apart", "from"])
        | st.text(alphabet=" \t.,;:!?\n'x1é", max_size=3),
        max_size=20,
    ).map("".join)
)
def test_terminators_are_found_where_re_finds_them(engine: RedFlagEngine, text: str) -> None:
    text, terminators = single_spaced(text)[0], engine.context.terminators
    starts, ends = Reading(text, engine._cues).stops(terminators)
    expected = [m.span() for m in terminators.pattern.finditer(text)]
    assert list(zip(starts, ends, strict=True)) == expected


def phrases(words: list[str], alphabet: str, size: int) -> st.SearchStrategy[str]:
    """Texts of up to 30 pieces, each one of `words` or a short run of `alphabet`."""
    return st.lists(
        st.sampled_from(words) | st.text(alphabet=alphabet, max_size=size), max_size=30
    ).map(" ".join)


SIGN_WORDS = ["back", "pain", "fever", "no", "fell", "numb", "bum", "legs", "weak"]


CUE_WORDS = [
    *("no", "not", "know", "nothing", "denies", "if", "in case", "what if", "years ago", "my"),
    *("dad's", "mum", "she", "recovered", "all gone", "- no", "? no", "nurse:", "caller: no"),
    *("unless", "would", "cause", "sign of", "watch for", "x fever", "☐", "—", "×", "é", "ı"),
]


@settings(max_examples=150, deadline=None)
@given(phrases(CUE_WORDS, " .,?!\n-:'", 2), st.data())
def test_every_cue_finds_in_a_stretch_what_re_finds_there(
    engine: RedFlagEngine, text: str, data: st.DataObject
) -> None:
    """Each list, checked first by the scan, by RE2 or both, finds what `re` finds."""
    text = fold(single_spaced(text)[0])
    reading = Reading(text, engine._cues)
    cues = [getattr(engine.context, name) for name in ("negation_before", "negation_after")]
    cues += [getattr(engine.context, name) for name in ("negation_answer", "negation_list")]
    cues += [getattr(engine.context, name) for name in ("resolved_history", "hypothetical")]
    cues += [getattr(engine.context, name) for name in ("hypothetical_after", "other_person")]
    cues += [engine.context.resolved_history_after, engine.context.safety_netting]
    cues += [rule.unless for rule in engine.rules if rule.unless is not None]
    for _ in range(5):
        begin = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(begin, len(text) + 5))
        for cue in cues:
            expected = cue.pattern.search(text[begin:end])
            found = cue.search(reading, begin, end)
            assert (found and found.span()) == (expected and expected.span())
            spans = [m.span() for m in cue.finditer(reading, begin, end)]
            assert spans == [m.span() for m in cue.pattern.finditer(text[begin:end])]


@settings(max_examples=300, deadline=None)
@given(phrases(["word", "it's", "a/b", "+", "-", "x", "é", "\u0663", "°", "→", "_"], " .,\n", 3))
def test_word_windows_are_those_re_counts(text: str) -> None:
    text, shadow = fold(text), ascii_shadow(fold(text))
    for begin in range(0, len(text) + 1, 3):
        for start in range(begin, len(text) + 1, 5):
            tokens = list(_WORD.finditer(text, begin, start))
            expected = [tokens[-n].start() if len(tokens) > n else begin for n in (1, 3, 10)]
            assert _windows(shadow, begin, start, 1, 3, 10) == expected
            if tokens:
                assert _windows(shadow, begin, start, 0) == [tokens[0].start()]


@settings(max_examples=300, deadline=None)
@given(
    phrases(
        ["she", "he's", "a man", "the old lady", "one guy", "his", "K", "é", "ı", "’s"], " .,'", 2
    )
)
def test_third_persons_are_those_re_finds_in_the_stretch(engine: RedFlagEngine, text: str) -> None:
    text = fold(text)
    reading = Reading(text, engine._cues)
    plain = _THIRD_PERSON if reading.caseless else _THIRD_PERSON_LOWERCASE
    for begin in range(0, len(text) + 1, 4):
        for end in range(begin, len(text) + 1, 7):
            spans = [m.span() for m in _third_persons(reading, begin, end)]
            assert spans == [m.span() for m in plain.finditer(text[begin:end])]


@settings(max_examples=100, deadline=None)
@given(phrases(SIGN_WORDS, " .,?\n'x1", 3))
def test_rule_search_bounded_by_hyperscan_ends_finds_what_re2_alone_finds(
    engine: RedFlagEngine, text: str
) -> None:
    reading = Reading(single_spaced(text)[0], engine._cues)
    ends: dict[int, list[int]] = {}
    for part, _, end in engine._any_part.matches(reading.shadow):
        ends.setdefault(part, []).append(end)
    for part, (number, index) in enumerate(engine._part_of):
        pattern, prefilter = engine.rules[number].parts[index]
        plain = engine._search(pattern, prefilter, reading)
        bounded = engine._search(pattern, prefilter, reading, sorted(ends.get(part, [-1])))
        assert [m.span() for m in bounded if m.end() > m.start()] == [
            m.span() for m in plain if m.end() > m.start()
        ]


def test_a_rule_pattern_gets_an_automaton_once_it_is_searched_often() -> None:
    form = RulePatternRE2(r"\bnumb\w*\s+down\s+there\b")
    first = [form._regexp for _ in range(_BUDGET_AFTER_SEARCHES - 1)]
    assert all(regexp is first[0] for regexp in first)
    assert form._regexp is not first[0]


@pytest.fixture(scope="module")
def forms_without_and_with_automaton(engine: RedFlagEngine) -> list[tuple[re2._Regexp, ...]]:
    forms = [prefilter.pattern for rule in engine.rules for _, prefilter in rule.parts]
    return [(re2.compile(f, _UNBUDGETED), re2.compile(f, _NO_CAPTURE)) for f in forms]


@settings(max_examples=30, deadline=None)
@given(phrases(SIGN_WORDS, " .,?\n'x1", 3))
def test_rule_patterns_find_the_same_matches_without_an_automaton(
    forms_without_and_with_automaton: list[tuple[re2._Regexp, ...]], text: str
) -> None:
    shadow = ascii_shadow(fold(single_spaced(text)[0]))
    for without, with_automaton in forms_without_and_with_automaton:
        assert without._regexp.Match(_UNANCHORED, shadow, 0, len(shadow)) == (
            with_automaton._regexp.Match(_UNANCHORED, shadow, 0, len(shadow))
        )


RELATIVES_AND_COMPLAINTS = [
    *("my", "mum", "dad's", "our", "son", "toddler", "grandma", "writing", "for", "i", "have"),
    *("im", "34"),
    *("back", "pain", "legs", "sore", "ſore", "can't", "get", "up"),
    # Whole mentions, so that texts name several relatives before a complaint.
    *("my mum", "our son", "my dad's", "writing for my grandma", "on behalf of my dad"),
    *("son rang", "call from", "says", "pt's", "daughter:"),
]


def plain_patient_relatives(text: str) -> frozenset[str]:
    """The definition read off the whole text: for each complaint, the relative named last
    within 300 characters before it (each relative word of that mention); and then the first
    relative named; and the relative whose words the writer passes on. None when the writer
    describes pain of their own, unless they pass on a relative's words. A relative who rings
    (or says) is added, with the first other relative named after them, unless they ring about
    themselves."""
    if _WRITER_COMPLAINT.search(text) and not _PROXY.search(text):
        return frozenset()
    mentions = list(_PATIENT_RELATIVE.finditer(text))
    patients = set()
    for complaint in _COMPLAINT.finditer(text):
        before = [m for m in mentions if m.end() <= complaint.start() < m.end() + 300]
        if before:  # every relative word of it: "my cousin brother" is one person
            patients.update(m.group(0) for m in _PATIENT_NOUN.finditer(before[-1].group(0)))
    # The first relative named, unless the writer names another one as the subject.
    named = {
        _PATIENT_NOUN.search(m.group(0)).group(0).lower() for m in _SUBJECT_NAMED.finditer(text)
    }
    if patients and (not named or mentions[0].group(1).lower() in named):
        patients.add(mentions[0].group(1))
    # The relative the writer asks on behalf of is a patient however the pain is told.
    proxy = _PROXY.search(text)
    if proxy and (named := _RELATIVE_NOUN.search(proxy.group(0))):
        patients.add(named.group(0).lower())
    reporter = _REPORTING_RELATIVE.search(text)
    told = reporter or _TELLING_RELATIVE.search(text)
    if told is None:
        return frozenset(patients)
    caller = _RELATIVE_NOUN.search(told.group(0))
    if caller and re.search(rf"\b{re.escape(caller.group(0))}\s+(herself|himself)\b", text, re.I):
        return frozenset(patients)
    if reporter and caller:
        patients.add(caller.group(0).lower())
    others = [
        m.group(0).lower()
        for m in _RELATIVE_NOUN.finditer(text, told.end())
        if caller is None or m.group(0).lower() != caller.group(0).lower()
    ]
    return frozenset(patients | set(others[:1]))


@settings(max_examples=300, deadline=None)
@given(phrases([*RELATIVES_AND_COMPLAINTS, "x" * 120], " .,?\n'", 2))
def test_patient_relatives_are_those_of_the_plain_definition(
    engine: RedFlagEngine, text: str
) -> None:
    reading = Reading(text, engine._cues)
    assert engine._patient_relatives(reading) == plain_patient_relatives(text)


@settings(max_examples=300, deadline=None)
@given(phrases([*RELATIVES_AND_COMPLAINTS, "stepdad", "grand", "ſon", "x" * 120], " .,?\n'", 2))
def test_first_relative_is_where_re_finds_it(engine: RedFlagEngine, text: str) -> None:
    relative = _RELATIVE_NOUN.search(text)
    found = Reading(text, engine._cues).writer_and_relative()[1]
    assert found == (relative.start() if relative else len(text))


# Letters `re` matches to ASCII ones when ignoring case (ı, ſ, İ), others it does not (é, µ),
# a decimal digit, a combining mark, a symbol a rule names and spaces outside ASCII.
NON_ASCII = ["\u0131", "\u017f", "\u0130", "é", "µ", "\u0663", "\u0307", "→", "°", "\xa0", "\u2028"]


# The patterns read over a whole text from where RE2 says a match can start.
WHOLE_TEXT_PATTERNS = (
    (_WRITER_COMPLAINT, _WRITER_COMPLAINT_RE2),
    (_PATIENT_RELATIVE, _PATIENT_RELATIVE_RE2),
    (_RELATIVE_NOUN, _RELATIVE_NOUN_RE2),
    (_WRITER_FOCUS, _WRITER_FOCUS_RE2),
    (_PROXY, _PROXY_RE2),
    (_REPORTING_RELATIVE, _REPORTING_RELATIVE_RE2),
    (_TELLING_RELATIVE, _TELLING_RELATIVE_RE2),
    (_SETS_ASIDE, _SETS_ASIDE_RE2),
    (_COMPLAINT, _COMPLAINT_RE2),
    (_BACK_COMPLAINT, _BACK_COMPLAINT_RE2),
    (_SUBJECT_NAMED, _SUBJECT_NAMED_RE2),
)
WHOLE_TEXT_WORDS = [
    *RELATIVES_AND_COMPLAINTS,
    *NON_ASCII,
    *("i'm 34 ", "ſon", "hubby’s back", "hıs back", "mum's back door", "sciatica", "ignore me"),
    *("it's my dad", "asking about my mum", "worried about my daughter's back", "both"),
]


@settings(max_examples=300, deadline=None)
@given(phrases(WHOLE_TEXT_WORDS, " .,?\n'é", 2))
def test_first_start_is_never_after_the_first_match(engine: RedFlagEngine, text: str) -> None:
    text = fold(text)  # as the engine reads it
    reading = Reading(text, engine._cues)
    for pattern, prefilter in WHOLE_TEXT_PATTERNS:
        first, start = pattern.search(text), _first_start(prefilter, reading)
        if first is None:
            assert start is None or pattern.search(text, start) is None
        else:
            assert start is not None and start <= first.start()


@settings(max_examples=300, deadline=None)
@given(phrases(WHOLE_TEXT_WORDS, " .,?\n'é", 2))
def test_matches_read_from_re2_starts_are_those_re_finds(engine: RedFlagEngine, text: str) -> None:
    text = fold(text)
    reading = Reading(text, engine._cues)
    for pattern, prefilter in WHOLE_TEXT_PATTERNS:
        for begin in range(0, len(text) + 1, 3):
            found, expected = (
                _first_match(pattern, prefilter, reading, begin),
                pattern.search(text, begin),
            )
            assert (found and found.span()) == (expected and expected.span())
        assert [m.span() for m in _finditer(pattern, prefilter, reading)] == [
            m.span() for m in pattern.finditer(text)
        ]


def test_folded_text_has_no_other_letter_that_ignorecase_reads_as_ascii() -> None:
    """Every code point, folded: only _CASELESS_ASCII are read as an ASCII letter by `re`
    ignoring case (so a lowercase pattern without IGNORECASE finds the same elsewhere)."""
    letter = re.compile("[a-z]", re.IGNORECASE)
    found = set()
    for code in range(0x80, 0x110000):
        folded = fold(chr(code))
        if not folded.isascii():
            found.update(char for char in folded if letter.match(char))
    assert found == set(_CASELESS_ASCII)


@settings(max_examples=300, deadline=None)
@given(
    phrases(
        ["she", "he's", "a man", "the old lady", "one guy", "HE", "K", "é", "ı", "’s"], " .,'", 2
    )
)
def test_third_person_lowercase_finds_what_ignorecase_finds(text: str) -> None:
    folded = fold(text)
    reading = Reading(folded, None, b"")  # type: ignore[arg-type]  # no cue scan needed
    if not reading.caseless:
        expected = [m.span() for m in _THIRD_PERSON.finditer(folded)]
        assert [m.span() for m in _THIRD_PERSON_LOWERCASE.finditer(folded)] == expected
    assert reading.caseless == any(char in folded for char in "ıİſ")


def test_hyperscan_reports_every_rule_pattern_re2_finds_in_the_labelled_texts(
    engine: RedFlagEngine,
) -> None:
    """`re` runs only the patterns the Hyperscan pass reports, so a pattern it fails to report
    is a missed red flag, and Hyperscan has bugs: with a literal space for `\\s+`,
    `\\b(feel\\w*|felt|i.?m) (very )?fluey` is not reported in "back has comebackworsethan
    beforethe op and i feel fluey" (hyperscan 0.9.1). On every labelled red-flag text, the same
    patterns as Hyperscan's, read by RE2 sets; equal both ways, so a set RE2 gave up on (it
    answers no match) shows too."""
    patterns = [prefilter.pattern for rule in engine.rules for _, prefilter in rule.parts]
    options = re2.Options()
    options.never_capture = True
    sets = []
    # RE2 cannot compile one set of them all in its default memory; sets of 100 match fastest.
    for first in range(0, len(patterns), 100):
        found = re2.Set.SearchSet(options)
        for pattern in patterns[first : first + 100]:
            found.Add(pattern)
        found.Compile()
        sets.append((first, found))
    differences = []
    for path in sorted(DATASETS.glob("red_flags*.csv")):
        for row, text in enumerate(pd.read_csv(path, keep_default_na=False)["text"], start=2):
            shadow = ascii_shadow(fold(single_spaced(text)[0]))
            expected = {first + i for first, found in sets for i in found.Match(shadow) or ()}
            reported = {part for part, _, _ in engine._any_part.matches(shadow)}
            if reported != expected:
                differences += [(path.name, row, patterns[p][:60]) for p in reported ^ expected]
    assert differences == []
