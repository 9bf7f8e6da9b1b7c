"""Training writes a complete, versioned model folder, or nothing at all."""

import json
import os
from pathlib import Path

import numpy as np
import pytest
import sklearn

from tests.conftest import TINY_ROWS, write_csv
from training.artifacts import load_model
from training.train import main, train

TINY_GRID = {"C": [10.0]}


def test_training_writes_the_artifact_metadata_and_card(tiny_csv: Path, tmp_path: Path) -> None:
    folder = train(tiny_csv, tmp_path / "models", folds=3, grid=TINY_GRID)
    assert {p.name for p in folder.iterdir()} == {
        "model.joblib",
        "weights.npz",
        "metadata.json",
        "MODEL_CARD.md",
    }
    assert "Intended use" in (folder / "MODEL_CARD.md").read_text()


def test_latest_points_at_the_new_version(tiny_csv: Path, tmp_path: Path) -> None:
    folder = train(tiny_csv, tmp_path / "models", folds=3, grid=TINY_GRID)
    latest = tmp_path / "models" / "latest"
    assert latest.is_symlink() and latest.resolve() == folder.resolve()


def test_metadata_records_what_a_reviewer_needs(tiny_csv: Path, tmp_path: Path) -> None:
    metadata = json.loads(
        (train(tiny_csv, tmp_path / "m", folds=3, grid=TINY_GRID) / "metadata.json").read_text()
    )
    assert metadata["labels"] == sorted(TINY_ROWS)
    assert metadata["rows_per_label"] == {label: 6 for label in TINY_ROWS}
    assert metadata["runtime"]["scikit_learn"] == sklearn.__version__
    assert len(metadata["training_data"]["sha256"]) == 64
    assert len(metadata["artifact_sha256"]) == 64
    assert len(metadata["weights_sha256"]) == 64
    assert metadata["hyperparameters"]["C"] == 10.0
    assert 0.0 <= metadata["cv_scores"]["macro_f1"] <= 1.0
    assert 0.0 < metadata["thresholds"]["confidence"] < 1.0


def test_the_search_reports_every_candidate(tiny_csv: Path, tmp_path: Path) -> None:
    folder = train(tiny_csv, tmp_path / "m", folds=3, grid={"C": [1.0, 10.0]})
    search = json.loads((folder / "metadata.json").read_text())["search"]
    assert [entry["params"]["C"] for entry in search] == [1.0, 10.0]


def test_same_data_and_seed_give_the_same_model(tiny_csv: Path, tmp_path: Path) -> None:
    first = load_model(train(tiny_csv, tmp_path / "a", folds=3, grid=TINY_GRID, seed=7))
    second = load_model(train(tiny_csv, tmp_path / "b", folds=3, grid=TINY_GRID, seed=7))
    probe = ["my parcel never came", "charged twice", "send the coat back", "hello"]
    np.testing.assert_array_equal(
        first.pipeline.predict_proba(probe), second.pipeline.predict_proba(probe)
    )
    assert first.metadata["cv_scores"] == second.metadata["cv_scores"]
    assert first.metadata["thresholds"] == second.metadata["thresholds"]


def test_bad_data_exits_non_zero_and_writes_no_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write_csv(tmp_path / "bad.csv", ["text", "label"], [["only one", "a"], ["", "b"]])
    models = tmp_path / "models"
    assert main(["--data", str(bad), "--models-dir", str(models)]) == 2
    assert "bad.csv" in capsys.readouterr().err
    assert not models.exists() or not any(models.iterdir())


def test_a_killed_run_leaves_latest_on_the_previous_model(tiny_csv: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    first = train(tiny_csv, models, folds=3, grid=TINY_GRID)
    # What a run killed while writing leaves behind: a hidden staging folder only.
    (models / ".tmp-20990101T000000Z-deadbeef").mkdir()
    assert (models / "latest").resolve() == first.resolve()
    assert load_model(models / "latest").version == first.name


def test_cli_trains_with_other_column_names(tmp_path: Path) -> None:
    rows = [[text, label] for label, texts in TINY_ROWS.items() for text in texts]
    data = write_csv(tmp_path / "shop.csv", ["message", "topic"], rows)
    models = tmp_path / "models"
    argv = [
        "--data",
        str(data),
        "--text-col",
        "message",
        "--label-col",
        "topic",
        "--models-dir",
        str(models),
        "--folds",
        "3",
        "--params",
        '{"C": 10}',
    ]
    assert main(argv) == 0
    assert load_model(models / "latest").labels == sorted(TINY_ROWS)
    assert os.path.islink(models / "latest")


def test_the_sign_detector_records_each_file_it_learned_from(shipped_model: Path) -> None:
    signs = json.loads((shipped_model / "metadata.json").read_text())["sign_detector"]
    files = signs["files"]
    assert [Path(f["path"]).name for f in files] == ["red_flags_dev.csv", "red_flags_read.csv"]
    assert all(len(f["sha256"]) == 64 for f in files)
    assert signs["rows"] == sum(f["rows"] for f in files)
    card = (shipped_model / "MODEL_CARD.md").read_text()
    assert "red_flags_dev.csv" in card and "red_flags_read.csv" in card
