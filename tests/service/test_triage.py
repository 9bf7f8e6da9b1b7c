"""The fast check for signs that need a doctor finds exactly what SEE_DOCTOR_SIGNS finds."""

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from service.triage import SEE_DOCTOR_SIGNS, has_see_doctor_signs
from tests.conftest import DATASETS

# Pieces of the pattern in odd cases and spacings, so matches and near-misses both come up.
_PIECES = [
    "SEVERE",
    "Worst",
    "for  3 Weeks",
    "2/52",
    "Keeps coming",
    "NOT getting BETTER",
    "numbNESS",
    "Pins and Needles",
    "weak",
    "Stiff every",
    "painkillers don't",
    "é",
    "ſevere",
    "K",
    "x",
    " ",
    "\n",
    ".",
    "-",
    "I",
]


def test_the_pattern_has_no_upper_case_letters() -> None:
    # The fast path matches lower-cased ASCII text without IGNORECASE.
    assert SEE_DOCTOR_SIGNS.pattern == SEE_DOCTOR_SIGNS.pattern.lower()


def test_the_shipped_texts_get_the_same_answer() -> None:
    for name in ("test.csv", "train.csv", "red_flags.csv"):
        for text in pd.read_csv(DATASETS / name, keep_default_na=False)["text"]:
            assert has_see_doctor_signs(text) == bool(SEE_DOCTOR_SIGNS.search(text)), text


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=6), max_size=12).map("".join))
def test_any_text_gets_the_same_answer(text: str) -> None:
    assert has_see_doctor_signs(text) == bool(SEE_DOCTOR_SIGNS.search(text))
