"""The shipped corpora load, validate, are big enough, and do not repeat themselves."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from service.red_flags import CATEGORIES
from tests.conftest import DATASETS
from training.data import load_labelled_data, load_texts

LABELS = {
    "muscle_strain",
    "poor_posture",
    "fibromyalgia",
    "arthritis",
    "sciatica",
    "spinal_infection",
    "ankylosing_spondylitis",
}
VOICES = {
    "patient",
    "relative",
    "question",
    "forum",
    "clinical_note",
    "clinical_letter",
    "non_native",
    "other",
}
# Words that name a condition outright; at most one row in ten may use them.
NAMES = {
    "muscle_strain": r"muscle strain|pulled (a|my) muscle|strained (a|my) muscle",
    "poor_posture": r"posture|postural",
    "fibromyalgia": r"fibromyalgia|\bfibro\b",
    "arthritis": r"arthritis|osteoarthritis|\boa\b",
    "sciatica": r"sciatica",
    "spinal_infection": r"spinal infection|discitis|osteomyelitis",
    "ankylosing_spondylitis": r"ankylosing|spondylitis|\bas\b(?= (is|was|diagnos|flare))",
}


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATASETS / name, dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def train() -> pd.DataFrame:
    return read("train.csv")


@pytest.fixture(scope="module")
def test_split() -> pd.DataFrame:
    return read("test.csv")


def test_training_corpus_validates_with_400_rows_per_label() -> None:
    data = load_labelled_data(DATASETS / "train.csv", min_rows_per_label=400)
    assert set(data.counts()) == LABELS
    assert data.dropped_duplicates == []


@pytest.mark.parametrize("name", ["test.csv", "conditions_fresh.csv"])
def test_evaluation_sets_validate_with_60_rows_per_label(name: str) -> None:
    data = load_labelled_data(DATASETS / name, min_rows_per_label=60)
    assert set(data.counts()) == LABELS


@pytest.mark.parametrize("name", ["train.csv", "test.csv"])
def test_corpus_columns_and_voices(name: str) -> None:
    frame = read(name)
    assert list(frame.columns) == ["text", "label", "voice", "source"]
    assert set(frame["voice"]) <= VOICES
    assert set(frame["source"]) == {"handwritten"}


@pytest.mark.parametrize("name", ["test.csv", "conditions_fresh.csv"])
def test_no_evaluation_text_has_a_near_twin_in_training(name: str, train) -> None:
    held_out = read(name)
    vectorizer = TfidfVectorizer(sublinear_tf=True).fit(pd.concat([train.text, held_out.text]))
    similarity = cosine_similarity(
        vectorizer.transform(held_out.text), vectorizer.transform(train.text)
    )
    assert similarity.max() < 0.9


def test_at_most_two_percent_of_training_rows_have_a_twin(train) -> None:
    matrix = TfidfVectorizer(sublinear_tf=True).fit_transform(train.text)
    similarity = cosine_similarity(matrix)
    np.fill_diagonal(similarity, 0)
    assert (similarity.max(axis=1) >= 0.9).mean() <= 0.02


@pytest.mark.parametrize("name", ["train.csv", "test.csv"])
def test_at_most_one_row_in_ten_names_its_condition(name: str) -> None:
    frame = read(name)
    for label, pattern in NAMES.items():
        texts = frame.loc[frame.label == label, "text"].str.lower()
        named = texts.map(lambda t, p=pattern: bool(re.search(p, t))).mean()
        assert named <= 0.10, f"{label}: {named:.0%} of rows name the condition"


@pytest.mark.parametrize(
    "name",
    [
        "red_flags.csv",
        "red_flags_dev.csv",
        "red_flags_unseen.csv",
        "red_flags_read.csv",
        "red_flags_pending.csv",
    ],
)
def test_red_flag_sets_cover_every_category_and_traps(name: str) -> None:
    frame = read(name)
    assert {"text", "red_flags", "kind"} <= set(frame.columns)
    assert all(frame.text.str.strip() != "")
    categories = frame.red_flags.str.split(";").explode()
    counts = categories[categories != ""].value_counts()
    assert set(counts.index) == set(CATEGORIES)
    assert counts.min() >= 25
    assert (frame.kind == "trap").sum() >= 80
    assert (frame.loc[frame.kind == "trap", "red_flags"] == "").all()


@pytest.mark.parametrize("name", ["out_of_scope.csv", "out_of_scope_train.csv"])
def test_out_of_scope_sets_load(name: str) -> None:
    texts = load_texts(DATASETS / name)
    assert len(texts) >= 150


def test_evaluation_sets_are_not_in_training(train, test_split) -> None:
    training = set(train.text.str.strip().str.lower())
    for name in (
        "test.csv",
        "conditions_fresh.csv",
        "red_flags.csv",
        "red_flags_fresh.csv",
        "red_flags_unseen.csv",
        "out_of_scope.csv",
    ):
        held_out = set(read(name).text.str.strip().str.lower())
        assert not training & held_out, name
    development = set(read("red_flags_dev.csv").text.str.strip().str.lower())
    development_read = set(read("red_flags_read.csv").text.str.strip().str.lower())
    pending = set(read("red_flags_pending.csv").text.str.strip().str.lower())
    for name in ("red_flags.csv", "red_flags_fresh.csv", "red_flags_unseen.csv"):
        held_out = set(read(name).text.str.strip().str.lower())
        assert not development & held_out, name
        assert not development_read & held_out, name
        assert not pending & held_out, name
    assert not development & development_read
    assert not pending & (development | development_read)
    out_of_scope_training = set(read("out_of_scope_train.csv").text.str.strip().str.lower())
    assert not out_of_scope_training & set(read("out_of_scope.csv").text.str.strip().str.lower())
