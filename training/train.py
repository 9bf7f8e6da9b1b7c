"""Fit, cross-validate and write a versioned model folder (python -m training.train)."""

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from scipy import sparse
from scipy.special import softmax
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, log_loss
from sklearn.model_selection import (
    ParameterGrid,
    StratifiedKFold,
    cross_val_predict,
    cross_validate,
)
from sklearn.pipeline import Pipeline

from training.artifacts import runtime_versions, sha256_of, write_model_folder
from training.data import DataError, load_labelled_data, load_red_flag_data, load_texts
from training.model_card import render_model_card
from training.pipeline import (
    DEFAULT_PARAMS,
    FEATURE_PARAMS,
    PARAM_GRID,
    as_logits,
    assemble,
    build_features,
    build_linear,
    fit_temperature,
)

DEFAULT_DATA = Path("datasets/train.csv")
# The sign detector learns from every labelled red-flag set except the held-out and unseen ones
# (datasets/README.md), which stay for measuring it.
DEFAULT_SIGNS = (Path("datasets/red_flags_dev.csv"), Path("datasets/red_flags_read.csv"))
# The sign detector's threshold and strength, chosen by leaving out one writer's set at a time
# on the development sets (README, "Red flags"): it is a recall backstop, so it errs on flagging.
SIGN_THRESHOLD = 0.5
# Condition labels whose typical clues are red-flag signs (shared/domain.md: fever and night
# sweats point to spinal infection): their texts are not examples of back pain without a sign.
LABELS_WITH_SIGNS = frozenset({"spinal_infection"})
SIGN_C = 30.0  # 10 before: same leave-one-writer-out recall, 21.8% -> 20.8% false alarms
DEFAULT_MODELS = Path("models")
# In-scope texts we accept losing to each abstention rule, measured on held-out folds.
IN_SCOPE_LOSS_CONFIDENCE = 0.02
IN_SCOPE_LOSS_SCOPE = 0.02
# Above this many rows the grid search is skipped, to keep training within minutes.
LARGE_DATA_ROWS = 20_000
LARGE_DATA_FOLDS = 3


def progress(message: str) -> None:
    print(f"[train] {message}", file=sys.stderr, flush=True)


def search_hyperparameters(
    texts: list[str],
    y: np.ndarray,
    grid: dict[str, list[Any]],
    folds: int,
    seed: int,
    n_jobs: int,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Stratified k-fold over the grid; the best mean macro-F1 wins, earlier candidates on ties.

    Features are fitted once per feature setting on all rows (vocabulary and IDF only see the
    text, never the labels), so the search costs one vectorisation per setting, not per fold.
    """
    candidates = sorted(
        ParameterGrid(grid),
        key=lambda c: str([{**DEFAULT_PARAMS, **c}[k] for k in FEATURE_PARAMS]),
    )
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    results, cached_key, matrix = [], None, None
    for number, candidate in enumerate(candidates, 1):
        params = {**DEFAULT_PARAMS, **candidate}
        started = time.perf_counter()
        key = str([params[k] for k in FEATURE_PARAMS])
        if key != cached_key:
            matrix, cached_key = build_features(params).fit_transform(texts), key
        scores = cross_validate(
            build_linear(params, seed), matrix, y, cv=splitter, scoring="f1_macro", n_jobs=n_jobs
        )["test_score"]
        results.append(
            {
                "params": {k: list(v) if isinstance(v, tuple) else v for k, v in candidate.items()},
                "macro_f1_mean": float(scores.mean()),
                "macro_f1_std": float(scores.std()),
            }
        )
        progress(
            f"grid {number}/{len(candidates)} {candidate}: macro-F1 {scores.mean():.3f} "
            f"± {scores.std():.3f} ({time.perf_counter() - started:.1f}s)"
        )
    best = max(results, key=lambda r: r["macro_f1_mean"])
    return {**DEFAULT_PARAMS, **best["params"]}, results


def _fit_linear(
    params: dict[str, Any], seed: int, matrix: Any, y: np.ndarray, rows: np.ndarray | None
) -> LogisticRegression:
    model = build_linear(params, seed)
    return model.fit(matrix, y) if rows is None else model.fit(matrix[rows], y[rows])


def fit_calibrated(
    texts: list[str], y: np.ndarray, params: dict[str, Any], folds: int, seed: int, n_jobs: int
) -> tuple[Pipeline, np.ndarray, Any]:
    """Fit features, the linear model and its temperature; return held-out probabilities too.

    The temperature is fitted on out-of-fold decision values, and the same values give the
    held-out probabilities used for the cross-validation scores and abstention thresholds.
    """
    progress(f"vectorising {len(texts)} texts ...")
    features = build_features(params)
    matrix = features.fit_transform(texts)
    progress(f"fitting {folds} held-out folds and the final model, {n_jobs} at a time ...")
    splits = list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(matrix, y))
    # The final model does not depend on the folds, so it trains alongside them.
    jobs = [delayed(_fit_linear)(params, seed, matrix, y, rows) for rows, _ in splits]
    fitted = Parallel(n_jobs=n_jobs)([*jobs, delayed(_fit_linear)(params, seed, matrix, y, None)])
    linear = fitted[-1]
    decision = np.zeros((len(y), *np.shape(linear.decision_function(matrix[:1]))[1:]))
    for (_, rows), model in zip(splits, fitted[:-1], strict=True):
        decision[rows] = model.decision_function(matrix[rows])
    classes = np.unique(y)
    beta = fit_temperature(decision, y, classes)
    progress(f"temperature fitted on held-out folds (beta {beta:.3f})")
    held_out = softmax(beta * as_logits(decision), axis=1)
    return assemble(features, linear, beta), held_out, matrix


def lowest_quantile(values: np.ndarray, share: float) -> float:
    """A threshold below which about `share` of the values fall."""
    return float(np.quantile(values, share, method="lower")) if len(values) else 0.0


def fit_scope(
    pipeline: Pipeline, matrix: Any, out_of_scope: list[str] | None, folds: int, seed: int
) -> tuple[LogisticRegression | None, dict[str, Any]]:
    """A binary in-scope model on the classifier's own features, and its held-out threshold."""
    if out_of_scope is None:
        return None, {"scope": None}
    outside = pipeline.named_steps["features"].transform(out_of_scope)
    features = sparse.vstack([matrix, outside]).tocsr()
    in_scope = np.array([1] * matrix.shape[0] + [0] * outside.shape[0])
    model = LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000, random_state=seed)
    held_out = cross_val_predict(
        model,
        features,
        in_scope,
        method="predict_proba",
        cv=StratifiedKFold(folds, shuffle=True, random_state=seed),
    )[:, 1]
    threshold = lowest_quantile(held_out[in_scope == 1], IN_SCOPE_LOSS_SCOPE)
    model.fit(features, in_scope)
    caught = float((held_out[in_scope == 0] < threshold).mean())
    progress(f"scope model: threshold {threshold:.3f}, held-out out-of-scope caught {caught:.1%}")
    return model, {"scope": threshold, "scope_held_out_out_of_scope_abstention": caught}


def fit_sign_model(features: Any, applies: np.ndarray, seed: int) -> LogisticRegression:
    """One category of the sign detector: does this sign apply to the person now?"""
    model = LogisticRegression(C=SIGN_C, class_weight="balanced", max_iter=3000, random_state=seed)
    return model.fit(features, applies)


def sign_free_texts(texts: list[str], labels: list[str]) -> list[str]:
    """The condition corpus's texts whose label is not one told by red-flag signs."""
    return [
        text for text, label in zip(texts, labels, strict=True) if label not in LABELS_WITH_SIGNS
    ]


def fit_signs(
    pipeline: Pipeline,
    texts: list[str],
    found: list[set[str]],
    source: str,
    seed: int,
    sign_free: Sequence[str] = (),
) -> tuple[list[LogisticRegression], list[str]]:
    """The red-flag sign detector: one logistic regression per category on the classifier's own
    features, trained on texts labelled with the red flags that apply to the person now.

    The service adds its flags to the rules' (never removes any), so paraphrases the rules do
    not know yet are still caught. Ordinary back pain (`sign_free`, from the condition corpus)
    counts as no sign: trained on the red-flag set alone, whose texts nearly all carry a sign or
    a trap, the detector read "lower back pain" as malignancy at 0.78.
    """
    categories = sorted(set().union(*found))
    if not categories:
        raise DataError(f"{source}: no row has a red flag, so there is nothing to learn.")
    features = pipeline.named_steps["features"].transform([*texts, *sign_free])
    found = [*found, *(set() for _ in sign_free)]
    models = [
        fit_sign_model(features, np.array([category in row for row in found]), seed)
        for category in categories
    ]
    progress(
        f"sign detector: {len(categories)} categories from {len(texts)} rows of {source} and "
        f"{len(sign_free)} condition texts without a sign"
    )
    return models, categories


def version_id(data_shas: list[str], params: dict[str, Any], seed: int, created: datetime) -> str:
    """A timestamp and a fingerprint of the data files, hyperparameters and seed."""
    key = f"{'|'.join(data_shas)}|{sorted(params.items())}|{seed}"
    fingerprint = hashlib.sha256(key.encode()).hexdigest()
    return f"{created:%Y%m%dT%H%M%SZ}-{fingerprint[:8]}"


def train(
    data_path: Path,
    models_dir: Path,
    text_col: str = "text",
    label_col: str = "label",
    out_of_scope_path: Path | None = None,
    signs_paths: Sequence[Path] = (),
    seed: int = 42,
    folds: int = 5,
    grid: dict[str, list[Any]] | None = None,
    n_jobs: int = 2,
) -> Path:
    """Validate, search, fit, evaluate held-out folds, and write the model folder."""
    started = time.perf_counter()
    data = load_labelled_data(
        data_path, text_col, label_col, min_rows_per_label=folds, log=progress
    )
    out_of_scope = load_texts(out_of_scope_path) if out_of_scope_path else None
    # Read before minutes of fitting, so a bad file fails at once.
    sign_files = [(path, load_red_flag_data(path)) for path in signs_paths]
    progress(f"{data_path}: {len(data.frame)} rows, {len(data.counts())} labels")

    grid = PARAM_GRID if grid is None else grid
    y = np.array(data.labels)
    searching = any(len(values) > 1 for values in grid.values())
    if len(data.frame) > LARGE_DATA_ROWS and (searching or folds > LARGE_DATA_FOLDS):
        progress(
            f"{len(data.frame)} rows (over {LARGE_DATA_ROWS}): no grid search and at most "
            f"{LARGE_DATA_FOLDS} folds, to keep training within minutes (choose "
            "hyperparameters with --params)"
        )
        grid = {} if searching else grid
        searching, folds = False, min(folds, LARGE_DATA_FOLDS)
    if searching:
        params, search = search_hyperparameters(data.texts, y, grid, folds, seed, n_jobs)
    else:
        params, search = {**DEFAULT_PARAMS, **{k: v[0] for k, v in grid.items()}}, []
    progress(f"chosen hyperparameters: {params}")

    pipeline, held_out, matrix = fit_calibrated(data.texts, y, params, folds, seed, n_jobs)
    labels = [str(label) for label in pipeline.classes_]
    predicted = np.array(labels)[held_out.argmax(axis=1)]
    cv_scores = {
        "folds": folds,
        "accuracy": float(accuracy_score(y, predicted)),
        "macro_f1": float(f1_score(y, predicted, average="macro")),
        "log_loss": float(log_loss(y, held_out, labels=labels)),
    }
    progress(f"held-out macro-F1 {cv_scores['macro_f1']:.3f}, accuracy {cv_scores['accuracy']:.3f}")
    scope, scope_thresholds = fit_scope(pipeline, matrix, out_of_scope, folds, seed)
    thresholds = {
        "confidence": lowest_quantile(held_out.max(axis=1), IN_SCOPE_LOSS_CONFIDENCE),
        **scope_thresholds,
    }

    signs, signs_info = None, None
    if sign_files:
        sign_texts = [text for _, (texts, _) in sign_files for text in texts]
        sign_found = [found for _, (_, rows) in sign_files for found in rows]
        sign_free = sign_free_texts(data.texts, [str(label) for label in data.labels])
        names = ", ".join(str(path) for path, _ in sign_files)
        signs, categories = fit_signs(pipeline, sign_texts, sign_found, names, seed, sign_free)
        signs_info = {
            "files": [
                {"path": str(path), "sha256": sha256_of(path), "rows": len(texts)}
                for path, (texts, _) in sign_files
            ],
            "rows": len(sign_texts),
            "sign_free_rows": len(sign_free),
            "categories": categories,
            "threshold": SIGN_THRESHOLD,
            "C": SIGN_C,
        }

    created = datetime.now(UTC).replace(microsecond=0)
    data_sha = sha256_of(data_path)
    out_of_scope_sha = sha256_of(out_of_scope_path) if out_of_scope_path else None
    # The out-of-scope and red-flag sets shape the model too.
    shas = [data_sha, out_of_scope_sha, *(f["sha256"] for f in (signs_info or {}).get("files", []))]
    version = version_id([sha for sha in shas if sha], params, seed, created)
    metadata = {
        "version": version,
        "created_at": created.isoformat(),
        "runtime": runtime_versions(),
        "labels": labels,
        "rows_per_label": data.counts(),
        "training_data": {
            "path": str(data_path),
            "sha256": data_sha,
            "rows": len(data.frame),
            "text_col": text_col,
            "label_col": label_col,
            "dropped_duplicate_rows": data.dropped_duplicates,
        },
        "out_of_scope_data": (
            {
                "path": str(out_of_scope_path),
                "sha256": out_of_scope_sha,
                "rows": len(out_of_scope),
            }
            if out_of_scope
            else None
        ),
        "sign_detector": signs_info,
        "seed": seed,
        "hyperparameters": {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()},
        "search": search,
        "cv_scores": cv_scores,
        "thresholds": thresholds,
        "training_seconds": round(time.perf_counter() - started, 1),
    }
    bundle = {"pipeline": pipeline, "scope": scope, "signs": signs}
    folder = write_model_folder(models_dir, version, bundle, metadata, render_model_card(metadata))
    progress(f"wrote {folder} in {metadata['training_seconds']}s; {models_dir}/latest -> {version}")
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="labelled CSV")
    parser.add_argument("--text-col", default="text")
    parser.add_argument("--label-col", default="label")
    parser.add_argument(
        "--out-of-scope",
        type=Path,
        default=None,
        help="CSV of texts the model should abstain on (column 'text')",
    )
    parser.add_argument(
        "--signs",
        type=Path,
        nargs="*",
        default=list(DEFAULT_SIGNS),
        help="CSVs of texts with the red flags that apply (columns text, red_flags) for the "
        "learned sign detector; none (or '') to train without one",
    )
    parser.add_argument("--models-dir", type=Path, default=DEFAULT_MODELS)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2, help="parallel fits")
    parser.add_argument(
        "--params",
        type=json.loads,
        default=None,
        help="fixed hyperparameters as JSON, skipping the search, e.g. '{\"C\": 10}'",
    )
    args = parser.parse_args(argv)
    grid = {k: [v] for k, v in args.params.items()} if args.params else None
    try:
        train(
            args.data,
            args.models_dir,
            args.text_col,
            args.label_col,
            args.out_of_scope,
            [path for path in args.signs if str(path) not in ("", ".")],
            args.seed,
            args.folds,
            grid,
            args.jobs,
        )
    except DataError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
