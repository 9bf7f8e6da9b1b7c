"""Save, verify and load a model folder: model.joblib and weights.npz with metadata.json.

model.joblib holds the fitted scikit-learn objects (for evaluation and inspection); weights.npz
holds the same numbers as plain arrays, which is all the service reads. Loading the weights
needs numpy only: importing scikit-learn (and the SciPy it pulls in) would cost each service
worker ~110 MiB of its 250 MB budget, so this module imports them only where it needs them.
"""

import hashlib
import json
import os
import platform
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from training.text import normalise

ARTIFACT_FILE = "model.joblib"
WEIGHTS_FILE = "weights.npz"
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


@dataclass(frozen=True)
class FeatureBlock:
    """One TF-IDF block of the features, as the service recomputes it: normalised text,
    sublinear term frequency, idf, L2 norm per block."""

    name: str
    analyzer: str  # "word" (tokens by token_pattern, joined n-grams) or "char_wb"
    ngram_range: tuple[int, int]
    token_pattern: str | None
    vocabulary: dict[str, int]


@dataclass(frozen=True)
class ModelWeights:
    """What the service computes with: the numbers of model.joblib, without scikit-learn."""

    folder: Path
    metadata: dict[str, Any]
    labels: list[str]
    blocks: list[FeatureBlock]
    idf: np.ndarray  # one per feature, the blocks one after another
    # One row per feature, one column per linear output: the classifier's (one column for two
    # labels), then the in-scope check's (if trained), then one per sign-detector category.
    weights: np.ndarray
    intercepts: np.ndarray  # one per column of weights
    beta: float  # the classifier's inverse temperature
    has_scope: bool

    @property
    def version(self) -> str:
        return self.metadata["version"]

    @property
    def sign_categories(self) -> list[str]:
        info = self.metadata.get("sign_detector") or {}
        return list(info.get("categories", []))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def runtime_versions() -> dict[str, str]:
    import joblib
    import sklearn

    return {
        "python": platform.python_version(),
        "scikit_learn": sklearn.__version__,
        "joblib": joblib.__version__,
    }


def _block_settings(name: str, vectorizer: Any) -> dict[str, Any]:
    """A vectorizer's settings as the service recomputes them; a clear error for any other."""
    expected = {
        "preprocessor": normalise,
        "tokenizer": None,
        "stop_words": None,
        "binary": False,
        "sublinear_tf": True,
        "use_idf": True,
        "norm": "l2",
    }
    for key, value in expected.items():
        if getattr(vectorizer, key) != value:
            raise ModelError(
                f"feature block {name!r}: {key}={getattr(vectorizer, key)!r}; the service "
                f"computes features only with {key}={value!r} (see training/pipeline.py)."
            )
    if vectorizer.analyzer not in ("word", "char_wb"):
        raise ModelError(
            f"feature block {name!r}: analyzer={vectorizer.analyzer!r}; the service computes "
            "only 'word' and 'char_wb' features."
        )
    return {
        "name": name,
        "analyzer": vectorizer.analyzer,
        "ngram_range": list(vectorizer.ngram_range),
        "token_pattern": vectorizer.token_pattern if vectorizer.analyzer == "word" else None,
        "size": len(vectorizer.vocabulary_),
    }


def _terms(vocabulary: dict[str, int]) -> np.ndarray:
    """A vocabulary's terms in index order as UTF-8 bytes joined by newlines (a term never
    holds whitespace other than single spaces); plain bytes keep the file free of pickles."""
    terms = [""] * len(vocabulary)
    for term, index in vocabulary.items():
        terms[index] = term
    if any("\n" in term for term in terms):
        raise ModelError("a vocabulary term holds a line break; weights.npz cannot store it.")
    return np.frombuffer("\n".join(terms).encode("utf-8"), dtype=np.uint8)


def serving_weights(
    bundle: dict[str, Any], metadata: dict[str, Any]
) -> tuple[list[dict[str, Any]], dict[str, np.ndarray]]:
    """The feature blocks' settings (for metadata.json) and the arrays of weights.npz."""
    features = bundle["pipeline"].named_steps["features"]
    calibrated = bundle["pipeline"].named_steps["classifier"]
    linear, scope, signs = calibrated.estimator, bundle.get("scope"), bundle.get("signs") or []
    categories = (metadata.get("sign_detector") or {}).get("categories", [])
    if len(signs) != len(categories):
        raise ModelError(f"{len(signs)} sign detectors for {len(categories)} categories.")
    blocks = [_block_settings(name, v) for name, v in features.transformer_list]
    extra = ([scope] if scope is not None else []) + list(signs)
    arrays = {
        "labels": np.array([str(c) for c in linear.classes_]),
        "idf": np.concatenate([v.idf_ for _, v in features.transformer_list]),
        "weights": np.column_stack([linear.coef_.T, *(m.coef_[0] for m in extra)]),
        "intercepts": np.concatenate([linear.intercept_, [m.intercept_[0] for m in extra]]),
        "beta": np.array(float(calibrated.beta)),
        "has_scope": np.array(scope is not None),
    }
    for name, vectorizer in features.transformer_list:
        arrays[f"terms_{name}"] = _terms(vectorizer.vocabulary_)
    return blocks, arrays


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
    import joblib

    models_dir.mkdir(parents=True, exist_ok=True)
    staging = models_dir / f".tmp-{version}"
    final = models_dir / version
    if final.exists():
        raise ModelError(f"{final} already exists; refusing to overwrite a model version.")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    artifact = staging / ARTIFACT_FILE
    joblib.dump(bundle, artifact, compress=3)
    features, arrays = serving_weights(bundle, metadata)
    weights = staging / WEIGHTS_FILE
    np.savez_compressed(weights, **arrays)
    metadata = {
        **metadata,
        "features": features,
        "artifact_sha256": sha256_of(artifact),
        "weights_sha256": sha256_of(weights),
    }
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


def _verified(folder: str | Path, name: str, key: str) -> tuple[Path, dict[str, Any]]:
    """The path of a model folder's file whose SHA-256 matches the metadata, and the metadata."""
    folder = Path(folder)
    if not folder.exists():
        raise ModelError(f"{folder}: no model here. Train one with `make train`.")
    metadata = read_metadata(folder)
    path = folder / name
    if not path.exists():
        raise ModelError(
            f"{folder}: {name} is missing (a model trained before it was written needs "
            "`make train` again)."
        )
    expected = metadata.get(key)
    actual = sha256_of(path)
    if actual != expected:
        raise ModelError(
            f"{path}: SHA-256 {actual[:12]}... does not match the metadata "
            f"({str(expected)[:12]}...). The file was changed or corrupted; "
            "retrain or restore it. It was not loaded."
        )
    return path, metadata


def load_weights(folder: str | Path) -> ModelWeights:
    """Verify weights.npz's hash, then read it as plain arrays (no pickles, no scikit-learn)."""
    path, metadata = _verified(folder, WEIGHTS_FILE, "weights_sha256")
    with np.load(path, allow_pickle=False) as arrays:
        loaded = {key: arrays[key] for key in arrays.files}
    blocks = []
    for block in metadata["features"]:
        terms = loaded[f"terms_{block['name']}"].tobytes().decode("utf-8").split("\n")
        if len(terms) != block["size"]:
            raise ModelError(f"{path}: {len(terms)} terms for block {block['name']!r}.")
        blocks.append(
            FeatureBlock(
                block["name"],
                block["analyzer"],
                tuple(block["ngram_range"]),
                block["token_pattern"],
                dict(zip(terms, range(len(terms)), strict=True)),
            )
        )
    return ModelWeights(
        folder=Path(folder).resolve(),
        metadata=metadata,
        labels=loaded["labels"].tolist(),
        blocks=blocks,
        idf=loaded["idf"],
        weights=np.ascontiguousarray(loaded["weights"]),
        intercepts=loaded["intercepts"],
        beta=float(loaded["beta"]),
        has_scope=bool(loaded["has_scope"]),
    )


def load_model(folder: str | Path) -> ModelBundle:
    """Verify the artifact's hash and library versions, and only then unpickle it."""
    import joblib
    import sklearn

    artifact, metadata = _verified(folder, ARTIFACT_FILE, "artifact_sha256")
    folder = Path(folder)
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
