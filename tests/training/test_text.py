"""The one text-normalisation function, shared by training and serving."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from training.text import _TRANSLATE, _WHITESPACE, normalise


def _full_normalisation(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE).casefold()
    return _WHITESPACE.sub(" ", text).strip()


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_the_ascii_shortcut_gives_the_full_normalisation(text: str) -> None:
    assert normalise(text) == _full_normalisation(text)


def test_curly_quotes_case_and_spaces_are_folded() -> None:
    assert normalise("  I CAN\u2019T  bend\u2014at all\n") == "i can't bend-at all"
