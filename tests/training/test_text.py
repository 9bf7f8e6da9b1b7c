"""The one text-normalisation function, shared by training and serving."""

import re
import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from training.text import _TRANSLATE, normalise, normalised_words

_WHITESPACE = re.compile(r"\s+")


def _full_normalisation(text: str) -> str:
    """The definition: what normalise computed before its whitespace shortcut."""
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE).casefold()
    return _WHITESPACE.sub(" ", text).strip()


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_the_ascii_shortcut_gives_the_full_normalisation(text: str) -> None:
    assert normalise(text) == _full_normalisation(text)


def test_str_split_and_the_regex_agree_on_every_whitespace_character() -> None:
    # So " ".join(text.split()) is _WHITESPACE.sub(" ", text).strip() for every string.
    characters = map(chr, range(sys.maxunicode + 1))
    assert [c for c in characters if c.isspace() != bool(_WHITESPACE.fullmatch(c))] == []


_SPACES = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())


@given(st.text(alphabet=st.sampled_from(_SPACES) | st.characters(), max_size=80))
def test_any_text_gets_the_full_normalisation(text: str) -> None:
    assert normalise(text) == _full_normalisation(text)


@given(st.text(alphabet=st.sampled_from(_SPACES) | st.characters(), max_size=80))
def test_normalised_words_are_the_normalised_texts_words(text: str) -> None:
    assert normalised_words(text) == normalise(text).split()
    assert normalised_words(text.encode("ascii", "replace").decode()) == (
        normalise(text.encode("ascii", "replace").decode()).split()
    )


def test_curly_quotes_case_and_spaces_are_folded() -> None:
    assert normalise("  I CAN\u2019T  bend\u2014at all\n") == "i can't bend-at all"
