"""The evaluation report: readable files for a person, figures for a machine."""

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from service.assessment import Assessor
from service.predictor import Predictor
from service.red_flags import RedFlagEngine
from tests.conftest import DATASETS, write_csv
from training.evaluate import evaluate, expected_calibration_error, main, red_flag_metrics
from training.sign_detector_cv import THRESHOLDS, leave_one_writer_out
from training.train import train


def test_a_users_own_model_and_csv_are_evaluated(tiny_csv: Path, tmp_path: Path) -> None:
    model = train(tiny_csv, tmp_path / "models", folds=3, grid={"C": [10.0]})
    folder = evaluate(model, tiny_csv, tmp_path / "reports")
    assert (folder.parent.name, folder.name) == (model.name, tiny_csv.stem)
    expected = {
        "metrics.json",
        "report.md",
        "report.html",
        "confusion_matrix.png",
        "calibration.png",
        "coverage.png",
    }
    assert expected <= {p.name for p in folder.iterdir()}
    metrics = json.loads((folder / "metrics.json").read_text())
    assert set(metrics["classification"]["per_class"]) == {"billing", "shipping", "returns"}
    for key in ("accuracy", "macro_f1", "top3_accuracy", "log_loss", "ece"):
        assert metrics["classification"][key] >= 0.0
    assert "data:image/png;base64," in (folder / "report.html").read_text()


def test_evaluating_another_file_keeps_the_first_report(tiny_csv: Path, tmp_path: Path) -> None:
    model = train(tiny_csv, tmp_path / "models", folds=3, grid={"C": [10.0]})
    first = evaluate(model, tiny_csv, tmp_path / "reports")
    other = evaluate(model, shutil.copy(tiny_csv, tmp_path / "other.csv"), tmp_path / "reports")
    assert first != other
    assert (first / "report.md").exists() and (other / "report.md").exists()


def test_evaluation_completes_the_model_card(tiny_csv: Path, tmp_path: Path) -> None:
    model = train(tiny_csv, tmp_path / "models", folds=3, grid={"C": [10.0]})
    assert "Not evaluated yet" in (model / "MODEL_CARD.md").read_text()
    evaluate(model, tiny_csv, tmp_path / "reports")
    card = (model / "MODEL_CARD.md").read_text()
    assert "Not evaluated yet" not in card and "macro-F1" in card


def test_the_report_states_targets_and_whether_they_were_met(
    tiny_csv: Path, tmp_path: Path
) -> None:
    model = train(tiny_csv, tmp_path / "models", folds=3, grid={"C": [10.0]})
    report = (evaluate(model, tiny_csv, tmp_path / "reports") / "report.md").read_text()
    assert "| macro_f1 | >= 0.9 |" in report
    assert "The 20 most confident mistakes" in report


def test_red_flag_metrics_count_recall_and_trap_false_alarms(
    tmp_path: Path, predictor: Predictor
) -> None:
    rows = [
        ["back pain and a fever of 39", "infection", "positive"],
        ["no fever at all, just a stiff back", "", "trap"],
        ["my dad had bowel cancer", "", "trap"],
        ["sore back after gardening", "", "plain"],
    ]
    path = write_csv(tmp_path / "flags.csv", ["text", "red_flags", "kind"], rows)
    metrics = red_flag_metrics(Assessor(predictor, RedFlagEngine.from_file()), path)
    assert metrics["per_category"]["infection"]["recall"] == 1.0
    assert metrics["traps"] == 2
    assert metrics["trap_false_alarm_rate"] == 0.0


def test_expected_calibration_error_is_zero_when_confidence_matches_accuracy() -> None:
    confidence = np.array([0.75] * 4)
    correct = np.array([True, True, True, False])
    assert expected_calibration_error(confidence, correct) == 0.0
    assert expected_calibration_error(np.array([1.0, 1.0]), np.array([False, False])) == 1.0


def test_a_missing_model_is_a_clear_cli_error(tmp_path: Path, capsys) -> None:
    assert main(["--model", str(tmp_path / "none"), "--reports-dir", str(tmp_path)]) == 2
    assert "make train" in capsys.readouterr().err


def test_a_named_red_flag_set_that_is_missing_is_a_clear_cli_error(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "red_flags_typo.csv"
    assert main(["--red-flags", str(missing), "--reports-dir", str(tmp_path)]) == 2
    assert str(missing) in capsys.readouterr().err


def test_leaving_writers_out_scores_rules_alone_and_with_the_detector(
    tmp_path: Path, shipped_model: Path
) -> None:
    frame = pd.read_csv(DATASETS / "red_flags_dev.csv", dtype=str, keep_default_na=False)
    sample = frame.groupby(["writer", "kind"]).head(15)
    sample = sample[sample["writer"].isin(sorted(sample["writer"].unique())[:3])]
    sample.to_csv(tmp_path / "dev.csv", index=False)
    table = leave_one_writer_out(shipped_model, [tmp_path / "dev.csv"])
    assert table["setting"].iloc[0] == "rules alone" and len(table) == 1 + len(THRESHOLDS)
    # Adding flags can only raise recall and false alarms.
    assert (table["recall"].iloc[1:] >= table["recall"].iloc[0]).all()
    assert (table["false alarms on traps"].iloc[1:] >= table["false alarms on traps"].iloc[0]).all()
