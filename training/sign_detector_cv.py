"""What the sign detector adds on writers it has never seen (python -m training.sign_detector_cv).

Leaves one writer's development set out at a time (column `writer` of the red-flag
development set), fits the detector on the others exactly as `make train` does (on the
condition model's features, which never saw red-flag data, and with the condition corpus's
sign-free texts as ordinary back pain in every fold), and scores the left-out texts:
the rules alone, and the rules plus the detector at several thresholds. As in the service, the
detector's probability is judged by the service's own `detector_may_flag` (a lower threshold for
cauda equina, a higher one where the rules ruled the sign out). The
rules were written against every development set, so "rules alone" is optimistic and what the
detector adds is understated. The detector's words are not put through the context step here,
which in the service removes a few more false alarms.
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from service.assessment import detector_may_flag
from service.red_flags import CATEGORIES, RedFlagEngine
from training.artifacts import load_model
from training.train import (
    DEFAULT_DATA,
    DEFAULT_SIGNS,
    SIGN_THRESHOLD,
    fit_sign_model,
    sign_free_texts,
)

THRESHOLDS = (0.3, 0.4, SIGN_THRESHOLD, 0.6, 0.7, 0.8)


def _detector_flags(detected: np.ndarray, ruled_out: np.ndarray, threshold: float) -> np.ndarray:
    """What the service's detector would consider flagging, at this stored threshold."""
    return np.array(
        [
            [
                detector_may_flag(category, probability, threshold, out)
                for category, probability, out in zip(CATEGORIES, row, outs, strict=True)
            ]
            for row, outs in zip(detected, ruled_out, strict=True)
        ],
        dtype=bool,
    ).reshape(detected.shape)


def leave_one_writer_out(
    model: Path, data: list[Path], conditions: Path = DEFAULT_DATA, seed: int = 42
) -> pd.DataFrame:
    frames = [pd.read_csv(path, dtype=str, keep_default_na=False) for path in data]
    for path, frame in zip(data, frames, strict=True):
        if "writer" not in frame.columns:
            raise SystemExit(f"error: {path}: needs a 'writer' column to leave writers out.")
    frame = pd.concat(frames, ignore_index=True)
    transform = load_model(model).pipeline.named_steps["features"].transform
    features = transform(frame["text"])
    # As in `make train`: ordinary back pain from the condition corpus is in every fold.
    corpus = pd.read_csv(conditions, dtype=str, keep_default_na=False)
    sign_free = transform(sign_free_texts(list(corpus["text"]), list(corpus["label"])))
    truth = np.array([[c in row.split(";") for c in CATEGORIES] for row in frame["red_flags"]])
    engine = RedFlagEngine.from_file()
    rules = np.zeros_like(truth)
    ruled_out = np.zeros_like(truth)
    for row, text in enumerate(frame["text"]):
        flags, suppressed = engine.explain(text)
        rules[row] = [c in {f.category for f in flags} for c in CATEGORIES]
        ruled_out[row] = [c in {s.category for s in suppressed} for c in CATEGORIES]
    detected = np.zeros_like(truth, dtype=float)
    writers = sorted(frame["writer"].unique())
    for number, writer in enumerate(writers, 1):
        held = (frame["writer"] == writer).to_numpy()
        print(f"[cv] {number}/{len(writers)}: leaving out {writer}", file=sys.stderr, flush=True)
        train_x = sparse.vstack([features[~held], sign_free]).tocsr()
        none = np.zeros(sign_free.shape[0], dtype=bool)
        for j in range(len(CATEGORIES)):
            if len(set(truth[~held, j])) < 2:  # nothing to learn for this category
                continue
            model = fit_sign_model(train_x, np.concatenate([truth[~held, j], none]), seed)
            detected[held, j] = model.predict_proba(features[held])[:, 1]
    traps = (frame["kind"] == "trap").to_numpy()
    rows = []
    for name, flagged in [("rules alone", rules)] + [
        (f"rules + detector at {t}", rules | _detector_flags(detected, ruled_out, t))
        for t in THRESHOLDS
    ]:
        present = truth.sum(axis=0) > 0  # a small set may lack a category
        recall = (flagged & truth).sum(axis=0)[present] / truth.sum(axis=0)[present]
        rows.append(
            {
                "setting": name,
                "recall": (flagged & truth).sum() / truth.sum(),
                "worst category recall": recall.min(),
                "false alarms on traps": flagged[traps].any(axis=1).mean(),
            }
        )
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("models/latest"))
    parser.add_argument("--data", type=Path, nargs="+", default=list(DEFAULT_SIGNS))
    args = parser.parse_args(argv)
    table = leave_one_writer_out(args.model, args.data)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
