"""The learned sign detector: a recall backstop that adds red flags and never removes one."""

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from service.assessment import (
    LOWER_THRESHOLDS,
    SIGN_DETECTOR,
    SURE,
    SURE_AGAINST_RULES,
    Assessor,
)
from service.predictor import Predictor
from service.red_flags import RedFlagEngine
from tests.conftest import DATASETS, write_csv
from training.artifacts import ModelError
from training.train import train

# Written for this test: no rule knows "the feeling is switched off" for the bladder.
UNRULED = (
    "back pain for a week, and now going to the toilet feels completely different, like the "
    "feeling is switched off"
)


@pytest.fixture(scope="module")
def assessor(predictor: Predictor, engine: RedFlagEngine) -> Assessor:
    return Assessor(predictor, engine)


def _flags(assessor: Assessor, text: str):
    return assessor.red_flags(text, assessor.predictor.predict_one(text))


def test_the_detector_adds_a_sign_the_rules_do_not_know(assessor: Assessor) -> None:
    assert assessor.engine.find(UNRULED) == []
    (flag,) = _flags(assessor, UNRULED)
    assert flag.category == "cauda_equina" and flag.rule == SIGN_DETECTOR
    assert UNRULED[flag.start : flag.end] == flag.evidence and flag.evidence


def test_the_detector_must_be_surer_where_the_rules_ruled_the_sign_out(
    assessor: Assessor,
) -> None:
    prediction = dataclasses.replace(
        assessor.predictor.predict_one(UNRULED),
        signs={"cauda_equina": (assessor.predictor.sign_threshold + SURE_AGAINST_RULES) / 2},
    )
    ruled_out = {"cauda_equina": {"negated"}}
    assert assessor.detected_signs(UNRULED, prediction, set(), ruled_out) == []
    (flag,) = assessor.detected_signs(UNRULED, prediction, set(), {})
    assert flag.category == "cauda_equina"


def test_the_detector_does_not_flag_a_relatives_past_cancer_however_sure_it_is(
    assessor: Assessor,
) -> None:
    text = "My mum had breast cancer years ago. My lower back aches after gardening, no fever."
    prediction = assessor.predictor.predict_one(text)
    sure = dataclasses.replace(prediction, signs={**prediction.signs, "malignancy": SURE + 0.05})
    assert assessor.red_flags(text, sure) == []


def test_the_detector_flags_cauda_equina_from_a_lower_probability(assessor: Assessor) -> None:
    between = (LOWER_THRESHOLDS["cauda_equina"] + assessor.predictor.sign_threshold) / 2
    prediction = dataclasses.replace(
        assessor.predictor.predict_one(UNRULED),
        signs={"cauda_equina": between, "infection": between},
    )
    assert [f.category for f in assessor.detected_signs(UNRULED, prediction, set())] == [
        "cauda_equina"
    ]


def test_the_detector_does_not_flag_a_relatives_illness(assessor: Assessor) -> None:
    text = "My dad had bowel cancer. My lower back aches after a day in the garden."
    assert _flags(assessor, text) == []


def test_the_detector_never_removes_a_rule_flag(assessor: Assessor) -> None:
    frame = pd.read_csv(DATASETS / "red_flags_dev.csv", dtype=str, keep_default_na=False)
    for text in frame["text"][:400]:
        flags = _flags(assessor, text)
        assert set(assessor.engine.find(text)) <= set(flags)


def test_a_model_trained_without_red_flag_data_uses_the_rules_alone(
    tiny_csv: Path, tmp_path: Path, engine: RedFlagEngine
) -> None:
    predictor = Predictor.load(train(tiny_csv, tmp_path / "models", folds=3, grid={"C": [10.0]}))
    assert predictor.sign_categories == [] and predictor.predict_one("wet myself").signs == {}
    text = "I wet myself this morning without noticing and my back hurts"
    assert Assessor(predictor, engine).red_flags(text, predictor.predict_one(text)) == (
        engine.find(text)
    )


def test_a_detector_for_categories_the_rules_lack_is_refused(
    tiny_csv: Path, tmp_path: Path, engine: RedFlagEngine
) -> None:
    rows = [[f"my back hurts and sign {i}", "made_up" if i % 2 else ""] for i in range(20)]
    signs = write_csv(tmp_path / "signs.csv", ["text", "red_flags"], rows)
    folder = train(tiny_csv, tmp_path / "models", signs_paths=[signs], folds=3, grid={"C": [10.0]})
    with pytest.raises(ModelError, match="made_up"):
        Assessor(Predictor.load(folder), engine)


class _EverythingElsewhere(RedFlagEngine):
    """A context step that rules out every sign, to isolate the detector's own policy."""

    def context_of(self, text: str, start: int, end: int, category: str) -> str | None:
        return "other_person"


def test_only_a_very_sure_detection_stands_when_the_context_step_rules_its_words_out(
    predictor: Predictor,
) -> None:
    assessor = Assessor(predictor, _EverythingElsewhere.from_file())

    def detected(probability: float) -> list:
        prediction = predictor.predict_one(UNRULED)
        sure = dataclasses.replace(prediction, signs={"cauda_equina": probability})
        return assessor.detected_signs(UNRULED, sure, set())

    assert detected(SURE) != []
    assert detected(SURE - 0.01) == []


@pytest.mark.parametrize(
    "text",
    [
        "lower back pain",
        "back hurts",
        "hurts",
        "my back is sore",
        "back pain for 3 weeks",
        "back pain since monday",
        "back pain for a month",
        "my back has been hurting for a few days",
        "dull ache in my back for a month now",
        "my lower back hurts when I cough",
        "LBP 3/52",
        "Kamar mein dard bahut hai, kal se uthne mein takleef ho rahi hai. Kya karu?",
    ],
)
def test_the_detector_does_not_flag_plain_back_pain(assessor: Assessor, text: str) -> None:
    assert _flags(assessor, text) == []


def test_a_misspelt_sign_beside_ordinary_words_still_reaches_the_detector(
    assessor: Assessor,
) -> None:
    text = "incontinense since monday"
    assert assessor.engine.find(text) == []
    assert [flag.category for flag in _flags(assessor, text)] == ["cauda_equina"]


def test_the_detector_adds_no_category_from_words_the_rules_read_as_another_sign(
    assessor: Assessor,
) -> None:
    text = "My back has been agony for three days and this morning I wet myself without noticing."
    assert [flag.category for flag in _flags(assessor, text)] == ["cauda_equina"]


def test_words_the_detector_cannot_find_in_the_text_never_drop_its_flag(
    assessor: Assessor,
) -> None:
    text = "This morning I wet myself without noticing."
    assert not assessor._read_by_rules(text, ["feverish"], [(15, 42)])
