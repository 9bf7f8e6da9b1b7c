"""The verified loaders refuse a model folder they cannot trust, before reading anything."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from tests.conftest import ROOT
from training.artifacts import ModelError, _block_settings, load_model, load_weights
from training.text import normalise
from training.train import train


@pytest.fixture()
def model_folder(tiny_csv: Path, tmp_path: Path) -> Path:
    return train(tiny_csv, tmp_path / "models", folds=3, grid={"C": [10.0]})


def test_a_missing_folder_says_how_to_train(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="make train"):
        load_model(tmp_path / "nothing-here")


@pytest.mark.parametrize(
    ("name", "load"), [("model.joblib", load_model), ("weights.npz", load_weights)]
)
def test_a_changed_file_is_refused(model_folder: Path, name: str, load) -> None:
    with (model_folder / name).open("ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ModelError, match="does not match the metadata"):
        load(model_folder)


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


def test_missing_weights_ask_for_a_retrain(model_folder: Path) -> None:
    (model_folder / "weights.npz").unlink()
    with pytest.raises(ModelError, match=r"weights\.npz is missing.*make train"):
        load_weights(model_folder)


def test_a_feature_setting_the_service_cannot_compute_is_refused_at_training() -> None:
    vectorizer = TfidfVectorizer(analyzer="char", preprocessor=normalise, sublinear_tf=True)
    with pytest.raises(ModelError, match="feature block 'chars': analyzer='char'"):
        _block_settings("chars", vectorizer)


def test_the_service_loads_a_model_without_importing_scikit_learn(model_folder: Path) -> None:
    # Importing scikit-learn and SciPy would cost each worker ~110 MiB (the budget is 250).
    script = (
        "import sys; from service.app import create_app; from service.predictor import Predictor;"
        f"Predictor.load({str(model_folder)!r}).predict_one('my back hurts');"
        "print(sorted(m for m in ('sklearn', 'scipy', 'pandas', 'joblib') if m in sys.modules))"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert found.stdout.strip() == "[]"
