"""The verified loader refuses a model folder it cannot trust, before unpickling anything."""

import json
import shutil
from pathlib import Path

import pytest

from training.artifacts import ModelError, load_model
from training.train import train


@pytest.fixture()
def model_folder(tiny_csv: Path, tmp_path: Path) -> Path:
    return train(tiny_csv, tmp_path / "models", folds=3, grid={"C": [10.0]})


def test_a_missing_folder_says_how_to_train(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="make train"):
        load_model(tmp_path / "nothing-here")


def test_a_changed_artifact_is_refused(model_folder: Path) -> None:
    with (model_folder / "model.joblib").open("ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ModelError, match="does not match the metadata"):
        load_model(model_folder)


def test_a_different_scikit_learn_version_is_refused(model_folder: Path) -> None:
    path = model_folder / "metadata.json"
    metadata = json.loads(path.read_text())
    metadata["runtime"]["scikit_learn"] = "0.0.1"
    path.write_text(json.dumps(metadata))
    with pytest.raises(ModelError, match=r"trained with scikit-learn 0\.0\.1"):
        load_model(model_folder)


def test_a_missing_artifact_is_refused(model_folder: Path, tmp_path: Path) -> None:
    copy = shutil.copytree(model_folder, tmp_path / "copy")
    (copy / "model.joblib").unlink()
    with pytest.raises(ModelError, match=r"model\.joblib is missing"):
        load_model(copy)
