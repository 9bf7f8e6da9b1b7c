"""Save, verify and load a model folder: model.joblib with metadata.json beside it."""

import hashlib
import json
import os
import platform
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import sklearn

ARTIFACT_FILE = "model.joblib"
METADATA_FILE = "metadata.json"
MODEL_CARD_FILE = "MODEL_CARD.md"
LATEST = "latest"


class ModelError(RuntimeError):
    """A model folder that is missing, incomplete, tampered with or built by other versions."""


@dataclass(frozen=True)
class ModelBundle:
    """What a model folder holds once verified and loaded."""

    folder: Path
    pipeline: Any  # sklearn Pipeline: features -> calibrated classifier
    scope: Any  # LogisticRegression on the same features (in scope = 1), or None
    metadata: dict[str, Any]
    # Red-flag sign detector: one LogisticRegression per category in metadata, or None.
    signs: Any = None

    @property
    def version(self) -> str:
        return self.metadata["version"]

    @property
    def labels(self) -> list[str]:
        return list(self.metadata["labels"])


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def runtime_versions() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "scikit_learn": sklearn.__version__,
        "joblib": joblib.__version__,
    }


def write_model_folder(
    models_dir: Path,
    version: str,
    bundle: dict[str, Any],
    metadata: dict[str, Any],
    model_card: str,
) -> Path:
    """Write into a hidden temporary folder, then rename it and repoint `latest` atomically.

    A failed or killed run leaves at most a `.tmp-*` folder that the service never looks at.
    """
    models_dir.mkdir(parents=True, exist_ok=True)
    staging = models_dir / f".tmp-{version}"
    final = models_dir / version
    if final.exists():
        raise ModelError(f"{final} already exists; refusing to overwrite a model version.")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    artifact = staging / ARTIFACT_FILE
    joblib.dump(bundle, artifact, compress=3)
    metadata = {**metadata, "artifact_sha256": sha256_of(artifact)}
    (staging / METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
    (staging / MODEL_CARD_FILE).write_text(model_card, encoding="utf-8")
    for path in staging.iterdir():
        with path.open("rb") as handle:
            os.fsync(handle.fileno())
    os.rename(staging, final)
    point_latest(models_dir, version)
    return final


def point_latest(models_dir: Path, version: str) -> None:
    """Swap the `latest` symlink in one rename, so readers see the old or the new, never none."""
    link = models_dir / LATEST
    temporary = models_dir / f".{LATEST}.{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(version)
    os.replace(temporary, link)


def read_metadata(folder: Path) -> dict[str, Any]:
    path = Path(folder) / METADATA_FILE
    if not path.exists():
        raise ModelError(f"{folder}: no {METADATA_FILE}; not a model folder (run `make train`).")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ModelError(f"{path}: is not valid JSON ({err}).") from None


def load_model(folder: str | Path) -> ModelBundle:
    """Verify the artifact's hash and library versions, and only then unpickle it."""
    folder = Path(folder)
    if not folder.exists():
        raise ModelError(f"{folder}: no model here. Train one with `make train`.")
    metadata = read_metadata(folder)
    artifact = folder / ARTIFACT_FILE
    if not artifact.exists():
        raise ModelError(f"{folder}: {ARTIFACT_FILE} is missing.")
    expected = metadata.get("artifact_sha256")
    actual = sha256_of(artifact)
    if actual != expected:
        raise ModelError(
            f"{artifact}: SHA-256 {actual[:12]}... does not match the metadata "
            f"({str(expected)[:12]}...). The file was changed or corrupted; "
            "retrain or restore it. It was not loaded."
        )
    recorded = metadata.get("runtime", {}).get("scikit_learn")
    if recorded != sklearn.__version__:
        raise ModelError(
            f"{folder}: trained with scikit-learn {recorded}, but {sklearn.__version__} is "
            "installed. Retrain with `make train` or install the recorded version. "
            "It was not loaded."
        )
    bundle = joblib.load(artifact)
    return ModelBundle(
        folder.resolve(), bundle["pipeline"], bundle.get("scope"), metadata, bundle.get("signs")
    )
