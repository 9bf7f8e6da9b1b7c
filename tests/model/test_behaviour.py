"""Model behaviour: the fast path matches the pipeline, and the answers make clinical sense."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from service.predictor import Predictor
from tests.conftest import DATASETS
from training.artifacts import load_model
from training.train import train

SCIATICA = (
    "Sharp shooting pain from my lower back through my right buttock and down the back of my "
    "leg to my calf, with pins and needles in my toes. Worse when I sit or sneeze."
)


def test_fast_path_gives_the_pipelines_probabilities(predictor: Predictor) -> None:
    texts = pd.read_csv(DATASETS / "test.csv", keep_default_na=False)["text"].tolist()[:150]
    texts += ["", "   ", "x", "é ñ 中文 🙂", "back " * 900]
    expected = load_model(predictor.folder).pipeline.predict_proba(texts)
    actual = np.array([predictor.probabilities(text) for text in texts])
    np.testing.assert_allclose(actual, expected, atol=1e-9)


def test_a_text_gets_the_same_prediction_alone_or_in_a_batch(predictor: Predictor) -> None:
    texts = pd.read_csv(DATASETS / "test.csv", keep_default_na=False)["text"].tolist()[:60]
    texts[10:10] = ["", "zzzz qqqq", "é ñ 中文 🙂"]  # texts with no known features, mid-batch
    assert predictor.predict_many(texts) == [predictor.predict_one(text) for text in texts]


def test_probabilities_cover_every_label_and_sum_to_one(predictor: Predictor) -> None:
    prediction = predictor.predict_one(SCIATICA)
    assert set(prediction.probabilities) == set(predictor.labels)
    assert sum(prediction.probabilities.values()) == pytest.approx(1.0)


def test_a_classic_sciatica_description_ranks_sciatica_first(predictor: Predictor) -> None:
    assert predictor.predict_one(SCIATICA).condition == "sciatica"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        (
            "Hurt my back deadlifting at the gym yesterday, muscles in spasm, can't bend.",
            "muscle_strain",
        ),
        (
            "Aching lower back by the end of every day at my desk, better when I walk about.",
            "poor_posture",
        ),
        (
            "I'm 29 and my back is stiff for two hours every morning, better with exercise, "
            "and my heels hurt too.",
            "ankylosing_spondylitis",
        ),
        (
            "Back pain with a high temperature and shivers since my kidney infection.",
            "spinal_infection",
        ),
        (
            "My lower back and both legs ache all the time, so do my neck and shoulders, and I'm "
            "exhausted, sleep badly and my memory is foggy.",
            "fibromyalgia",
        ),
        (
            "72 years old, stiff creaky lower back and hips, worse after walking, grinding "
            "when I move.",
            "arthritis",
        ),
    ],
)
def test_minimum_functionality_per_condition(predictor: Predictor, text: str, label: str) -> None:
    assert predictor.predict_one(text).condition == label


def test_typos_and_case_do_not_change_the_answer(predictor: Predictor) -> None:
    messy = "SHARP SHOOTIN pain frm my lowr back down the bak of my leg to my calf, pins n needls"
    assert predictor.predict_one(messy).condition == "sciatica"


def test_adding_fever_pushes_towards_infection(predictor: Predictor) -> None:
    base = "My lower back has been very sore and tender for a week."
    before = predictor.predict_one(base).probabilities["spinal_infection"]
    after = predictor.predict_one(base + " I have a fever and chills.").probabilities[
        "spinal_infection"
    ]
    assert after > before


@pytest.mark.parametrize(
    "text",
    [
        "hello",
        "What time do you open on Saturday?",
        "asdkjh qwe zzz",
        "I have a sore throat and a runny nose",
    ],
)
def test_text_that_is_not_about_back_pain_is_abstained_on(predictor: Predictor, text: str) -> None:
    prediction = predictor.predict_one(text)
    assert prediction.abstained and prediction.condition is None


def test_explanation_names_words_from_the_text(predictor: Predictor) -> None:
    terms = [term.term for term in predictor.predict_one(SCIATICA).explanation]
    assert terms
    assert all(word in SCIATICA.lower() for term in terms for word in term.split())


def test_a_batch_explains_each_text_as_it_is_explained_alone(
    predictor: Predictor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also where two terms push a label up exactly as much ("lots" and "lots of" occur
    together in training, so they get the same weight): such ties are ordered as alone."""
    texts = pd.read_csv(DATASETS / "test.csv", keep_default_na=False)["text"].tolist()
    alone = [predictor.predict_one(text).explanation for text in texts]
    one_by_one = predictor._explain
    tied = []  # the texts of a batch that _explain_many hands to _explain: those with a tie

    def explain(*args: object) -> list:
        tied.append(args)
        return one_by_one(*args)

    monkeypatch.setattr(predictor, "_explain", explain)
    together = [prediction.explanation for prediction in predictor.predict_many(texts)]
    assert together == alone
    assert tied
    # A batch in which no text has a known word.
    assert predictor.predict_many(["zzzz qqqq"] * 9) == [predictor.predict_one("zzzz qqqq")] * 9


def test_word_trigrams_are_served_by_the_slow_path_with_the_pipelines_probabilities(
    tiny_csv: Path, tmp_path: Path
) -> None:
    grid = {"C": [10.0], "word_ngrams": [(1, 3)], "min_df": [1]}  # trigrams kept
    folder = train(tiny_csv, tmp_path / "models", folds=3, grid=grid)
    predictor = Predictor.load(folder)
    assert predictor._ids.__qualname__.startswith("_blocks_ids")  # not the per-word fast path
    texts = ["my parcel has not arrived after two weeks", "refund the duplicate payment", ""]
    expected = load_model(folder).pipeline.predict_proba(texts)
    actual = np.array([predictor.probabilities(text) for text in texts])
    np.testing.assert_allclose(actual, expected, atol=1e-9)
