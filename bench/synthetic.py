"""A large labelled CSV for timing training, recombined from the shipped corpus (seeded)."""

import csv
import random
import re
from pathlib import Path

import pandas as pd

_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def write_synthetic_csv(source: Path, target: Path, rows: int, seed: int = 7) -> Path:
    """Rows that recombine sentences of the same label, so vocabulary and labels stay realistic."""
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    rng = random.Random(seed)
    sentences = {
        label: [s for text in group["text"] for s in _SENTENCE.split(text) if s.strip()]
        for label, group in frame.groupby("label")
    }
    labels = sorted(sentences)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        for i in range(rows):
            label = labels[i % len(labels)]
            picked = rng.sample(sentences[label], k=rng.randint(1, 4))
            writer.writerow([" ".join(picked) + f" ({i})", label])
    return target
