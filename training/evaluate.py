"""Offline evaluation: metrics, plots and a readable report (python -m training.evaluate).

Evaluation is the last stage: it reads a model folder and judges the served path itself
(the service's predictor and red-flag engine), so the figures describe what users get.
"""

import argparse
import base64
import html
import json
import sys
import time
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no screen needed
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    log_loss,
    precision_recall_fscore_support,
)

from service.assessment import Assessor
from service.predictor import Predictor
from service.red_flags import CATEGORIES, RedFlagEngine
from training.artifacts import MODEL_CARD_FILE, ModelError
from training.data import DataError, load_labelled_data, load_texts
from training.model_card import render_model_card

DATASETS = Path("datasets")
TARGETS = {
    "macro_f1": (">=", 0.90),
    "top3_accuracy": (">=", 0.98),
    "red_flag_min_recall": (">=", 0.99),
    "red_flag_trap_false_alarm_rate": ("<=", 0.05),
    "out_of_scope_abstention": (">=", 0.90),
    "in_scope_abstention": ("<=", 0.05),
}


def expected_calibration_error(
    confidence: np.ndarray, correct: np.ndarray, bins: int = 15
) -> float:
    """Weighted gap between confidence and accuracy over equal-width confidence bins."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            total += mask.mean() * abs(confidence[mask].mean() - correct[mask].mean())
    return float(total)


def classification_metrics(
    labels: list[str], truth: list[str], probs: np.ndarray
) -> dict[str, Any]:
    predicted = np.array(labels)[probs.argmax(axis=1)]
    order = np.argsort(-probs, axis=1)[:, :3]
    truth_index = np.array([labels.index(t) if t in labels else -1 for t in truth])
    top3 = float(np.mean([t in row for t, row in zip(truth_index, order, strict=True)]))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    confidence = probs.max(axis=1)
    correct = predicted == np.array(truth)
    return {
        "rows": len(truth),
        "accuracy": float(accuracy_score(truth, predicted)),
        "macro_f1": float(f1_score(truth, predicted, labels=labels, average="macro")),
        "top3_accuracy": top3,
        "log_loss": float(log_loss(truth, np.clip(probs, 1e-15, 1), labels=labels)),
        "ece": expected_calibration_error(confidence, correct),
        "per_class": {
            label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
            for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
        },
    }


def red_flag_metrics(assessor: Assessor, path: Path) -> dict[str, Any]:
    """Recall, precision and specificity per category, and false alarms on traps: for what the
    service answers (rules and sign detector together) and for the rules alone."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    both = {c: {"tp": 0, "fp": 0, "fn": 0, "tn": 0} for c in CATEGORIES}
    rules_only = {c: {"tp": 0, "fp": 0, "fn": 0, "tn": 0} for c in CATEGORIES}
    suppressed_reasons: dict[str, int] = {}
    traps = frame["kind"].eq("trap") if "kind" in frame else frame["red_flags"].eq("")
    trap_alarms = trap_alarms_rules = 0
    started = time.perf_counter()
    for text, expected, trap in zip(frame["text"], frame["red_flags"], traps, strict=True):
        gold = {c for c in expected.split(";") if c}
        flags, suppressed = assessor.engine.explain(text)
        by_rules = {flag.category for flag in flags}
        # What the service answers, through the same code path.
        prediction = assessor.predictor.predict_one(text)
        found = {flag.category for flag in assessor.red_flags(text, prediction)}
        trap_alarms += bool(trap and found)
        trap_alarms_rules += bool(trap and by_rules)
        for counts, flagged in ((both, found), (rules_only, by_rules)):
            for category in CATEGORIES:
                key = (
                    ("tp" if category in flagged else "fn")
                    if category in gold
                    else ("fp" if category in flagged else "tn")
                )
                counts[category][key] += 1
        for sign in suppressed:
            suppressed_reasons[sign.reason] = suppressed_reasons.get(sign.reason, 0) + 1
    elapsed = time.perf_counter() - started

    def per_category(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, float]]:
        return {
            category: {
                "recall": c["tp"] / max(1, c["tp"] + c["fn"]),
                "precision": c["tp"] / max(1, c["tp"] + c["fp"]),
                "specificity": c["tn"] / max(1, c["tn"] + c["fp"]),
                "positives": c["tp"] + c["fn"],
            }
            for category, c in counts.items()
        }

    combined, rules = per_category(both), per_category(rules_only)
    n_traps = max(1, int(traps.sum()))
    return {
        "data": str(path),
        "rows": len(frame),
        "sign_detector": bool(assessor.predictor.sign_categories),
        "per_category": combined,
        "min_recall": min(v["recall"] for v in combined.values()),
        "traps": int(traps.sum()),
        "trap_false_alarm_rate": trap_alarms / n_traps,
        "rules_only": {
            "recall": {category: v["recall"] for category, v in rules.items()},
            "min_recall": min(v["recall"] for v in rules.values()),
            "trap_false_alarm_rate": trap_alarms_rules / n_traps,
        },
        "suppressed_by_reason": suppressed_reasons,
        "microseconds_per_text": elapsed / max(1, len(frame)) * 1e6,
    }


def _plot_confusion(labels: list[str], truth: list[str], predicted: list[str], path: Path) -> None:
    matrix = confusion_matrix(truth, predicted, labels=labels, normalize="true")
    fig, ax = plt.subplots(figsize=(7.5, 6.5))
    image = ax.imshow(matrix, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels, rotation=40, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    for i in range(len(labels)):
        for j in range(len(labels)):
            value = matrix[i, j]
            if value >= 0.005:
                ax.text(
                    j,
                    i,
                    f"{value:.2f}",
                    ha="center",
                    va="center",
                    color="white" if value > 0.5 else "black",
                    fontsize=9,
                )
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title("Confusion matrix (each row sums to 1)")
    fig.colorbar(image, ax=ax, fraction=0.046)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _plot_calibration(confidence: np.ndarray, correct: np.ndarray, path: Path) -> None:
    edges = np.linspace(0, 1, 11)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, 9)
    xs, ys, ns = [], [], []
    for b in range(10):
        mask = which == b
        if mask.any():
            xs.append(confidence[mask].mean())
            ys.append(correct[mask].mean())
            ns.append(int(mask.sum()))
    fig, ax = plt.subplots(figsize=(6, 5.5))
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
    ax.plot(xs, ys, "o-", color="tab:blue", label="model")
    for x, y, n in zip(xs, ys, ns, strict=True):
        ax.annotate(str(n), (x, y), textcoords="offset points", xytext=(4, -12), fontsize=8)
    ax.set_xlabel("confidence (top probability)")
    ax.set_ylabel("accuracy")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_title("Reliability diagram (numbers: texts per bin)")
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _plot_coverage(confidence: np.ndarray, correct: np.ndarray, chosen: float, path: Path) -> None:
    thresholds = np.unique(
        np.concatenate([[0.0], np.quantile(confidence, np.linspace(0, 0.99, 100))])
    )
    coverage = [(confidence >= t).mean() for t in thresholds]
    accuracy = [
        correct[confidence >= t].mean() if (confidence >= t).any() else 1.0 for t in thresholds
    ]
    fig, ax = plt.subplots(figsize=(6.5, 5))
    ax.plot(coverage, accuracy, color="tab:blue")
    kept = confidence >= chosen
    ax.plot(
        [kept.mean()],
        [correct[kept].mean() if kept.any() else 1.0],
        "o",
        color="tab:red",
        label=f"chosen threshold {chosen:.2f}",
    )
    ax.set_xlabel("coverage (share of texts answered)")
    ax.set_ylabel("accuracy on answered texts")
    ax.set_title("Accuracy against coverage as the abstention threshold rises")
    ax.invert_xaxis()
    ax.legend(loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _targets(metrics: dict[str, Any]) -> list[dict[str, Any]]:
    values = {
        "macro_f1": metrics["classification"]["macro_f1"],
        "top3_accuracy": metrics["classification"]["top3_accuracy"],
        "red_flag_min_recall": (metrics.get("red_flags") or {}).get("min_recall"),
        "red_flag_trap_false_alarm_rate": (metrics.get("red_flags") or {}).get(
            "trap_false_alarm_rate"
        ),
        "out_of_scope_abstention": (metrics.get("abstention") or {}).get("out_of_scope"),
        "in_scope_abstention": (metrics.get("abstention") or {}).get("in_scope"),
    }
    rows = []
    for name, (op, target) in TARGETS.items():
        value = values[name]
        met = None if value is None else (value >= target if op == ">=" else value <= target)
        rows.append({"metric": name, "target": f"{op} {target}", "value": value, "met": met})
    return rows


def _render_markdown(metrics: dict[str, Any], mistakes: list[dict[str, Any]]) -> str:
    c = metrics["classification"]
    lines = [
        f"# Evaluation report: model {metrics['model_version']}",
        "",
        f"Data: `{metrics['data']}` ({c['rows']} rows). Generated {metrics['generated_at']} in "
        f"{metrics['evaluation_seconds']:.1f}s. **Decision support, not a diagnosis.**",
        "",
        "## Targets",
        "",
        "| metric | target | value | met |",
        "|---|---|---|---|",
    ]
    for row in metrics["targets"]:
        value = "n/a" if row["value"] is None else f"{row['value']:.3f}"
        met = "n/a" if row["met"] is None else ("yes" if row["met"] else "**no**")
        lines.append(f"| {row['metric']} | {row['target']} | {value} | {met} |")
    lines += [
        "",
        "## Classification",
        "",
        f"accuracy {c['accuracy']:.3f} · macro-F1 {c['macro_f1']:.3f} · top-3 accuracy "
        f"{c['top3_accuracy']:.3f} · log loss {c['log_loss']:.3f} · expected calibration error "
        f"{c['ece']:.3f}",
        "",
        "| label | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
    ]
    for label, m in c["per_class"].items():
        lines.append(
            f"| `{label}` | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | "
            f"{m['support']} |"
        )
    lines += [
        "",
        "![confusion matrix](confusion_matrix.png)",
        "",
        "![calibration](calibration.png)",
        "",
        "![coverage](coverage.png)",
        "",
    ]
    abstention = metrics.get("abstention")
    if abstention:
        lines += [
            "## Abstention",
            "",
            f"Thresholds chosen at training time on held-out folds of the training data (not "
            f"this split) and stored with the model: confidence "
            f"{abstention['confidence_threshold']:.3f}, scope {abstention['scope_threshold']}.",
            "",
            f"- out-of-scope texts abstained on: {abstention['out_of_scope']:.1%} "
            f"({abstention['out_of_scope_rows']} texts, `{abstention['out_of_scope_data']}`)",
            f"- in-scope texts abstained on: {abstention['in_scope']:.1%}",
            "",
        ]
    flags = metrics.get("red_flags")
    if flags:
        rules = flags["rules_only"]
        lines += [
            "## Red flags",
            "",
            f"On `{flags['data']}` ({flags['rows']} texts, {flags['traps']} traps), "
            f"{flags['microseconds_per_text']:.0f} µs per text (rules, model and sign detector). "
            f"False alarms on traps: {flags['trap_false_alarm_rate']:.1%} "
            f"(rules alone: {rules['trap_false_alarm_rate']:.1%}). "
            + (
                "The sign detector adds flags for categories the rules missed; it never removes "
                "one."
                if flags["sign_detector"]
                else "This model has no sign detector: the rules alone."
            ),
            "",
            "| category | recall | recall, rules alone | precision | specificity | positives |",
            "|---|---|---|---|---|---|",
        ]
        for category, m in flags["per_category"].items():
            lines.append(
                f"| `{category}` | {m['recall']:.3f} | {rules['recall'][category]:.3f} | "
                f"{m['precision']:.3f} | {m['specificity']:.3f} | {m['positives']} |"
            )
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(flags["suppressed_by_reason"].items()))
        lines += ["", f"Signs suppressed by context, by reason: {reasons}.", ""]
    lines += [
        "## The 20 most confident mistakes",
        "",
        "| true | predicted | confidence | text |",
        "|---|---|---|---|",
    ]
    for m in mistakes:
        text = m["text"].replace("|", "\\|").replace("\n", " ")
        lines.append(f"| `{m['true']}` | `{m['predicted']}` | {m['confidence']:.3f} | {text} |")
    missed = [row["metric"] for row in metrics["targets"] if row["met"] is False]
    lines += ["", "## Targets missed", ""]
    lines.append(
        "None."
        if not missed
        else "Missed: " + ", ".join(missed) + ". See the closing "
        "notes in the README for what would move them."
    )
    return "\n".join(lines) + "\n"


def _render_html(markdown: str, folder: Path) -> str:
    """A self-contained page: the Markdown as pre-formatted text with the plots inline."""
    body = []
    for line in markdown.splitlines():
        if line.startswith("![") and "](" in line:
            name = line[line.index("](") + 2 : -1]
            data = base64.b64encode((folder / name).read_bytes()).decode()
            body.append(f'<img alt="{html.escape(name)}" src="data:image/png;base64,{data}">')
        elif line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            body.append(f"<h{level}>{html.escape(line.lstrip('# '))}</h{level}>")
        else:
            body.append(f"<div>{html.escape(line) or '&nbsp;'}</div>")
    return (
        "<!doctype html><html lang='en'><meta charset='utf-8'><title>Evaluation report</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
        "padding:0 1rem}div{font-family:ui-monospace,monospace;white-space:pre-wrap}"
        "img{max-width:100%}</style><body>" + "\n".join(body) + "</body></html>\n"
    )


def evaluate(
    model_dir: Path,
    data_path: Path,
    reports_dir: Path,
    text_col: str = "text",
    label_col: str = "label",
    red_flags_path: Path | None = None,
    out_of_scope_path: Path | None = None,
) -> Path:
    """Write reports/<version>/<data file's stem>/ and complete the model card; return the
    report folder (one per evaluated file: evaluating other data keeps the test split's)."""
    started = time.perf_counter()
    predictor = Predictor.load(model_dir)
    data = load_labelled_data(data_path, text_col, label_col)
    labels = predictor.labels
    print(
        f"[evaluate] {data_path}: {len(data.frame)} rows, model {predictor.version}",
        file=sys.stderr,
    )
    predictions = [predictor.predict_one(text) for text in data.texts]
    probs = np.array([[p.probabilities[label] for label in labels] for p in predictions])
    metrics: dict[str, Any] = {
        "model_version": predictor.version,
        "data": str(data_path),
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "classification": classification_metrics(labels, data.labels, probs),
    }
    folder = reports_dir / predictor.version / data_path.stem
    folder.mkdir(parents=True, exist_ok=True)
    predicted = [labels[i] for i in probs.argmax(axis=1)]
    confidence = probs.max(axis=1)
    correct = np.array(predicted) == np.array(data.labels)
    _plot_confusion(labels, data.labels, predicted, folder / "confusion_matrix.png")
    _plot_calibration(confidence, correct, folder / "calibration.png")
    _plot_coverage(confidence, correct, predictor.confidence_threshold, folder / "coverage.png")

    if out_of_scope_path is not None:
        outside = [predictor.predict_one(text) for text in load_texts(out_of_scope_path)]
        metrics["abstention"] = {
            "confidence_threshold": predictor.confidence_threshold,
            "scope_threshold": predictor.scope_threshold,
            "out_of_scope": float(np.mean([p.abstained for p in outside])),
            "out_of_scope_rows": len(outside),
            "out_of_scope_data": str(out_of_scope_path),
            "in_scope": float(np.mean([p.abstained for p in predictions])),
        }
    if red_flags_path is not None:
        assessor = Assessor(predictor, RedFlagEngine.from_file())
        metrics["red_flags"] = red_flag_metrics(assessor, red_flags_path)
    order = np.argsort(-confidence)
    mistakes = [
        {
            "true": data.labels[i],
            "predicted": predicted[i],
            "confidence": float(confidence[i]),
            "text": data.texts[i][:200],
        }
        for i in order
        if not correct[i]
    ][:20]
    metrics["evaluation_seconds"] = time.perf_counter() - started
    metrics["targets"] = _targets(metrics)
    (folder / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    markdown = _render_markdown(metrics, mistakes)
    (folder / "report.md").write_text(markdown, encoding="utf-8")
    (folder / "report.html").write_text(_render_html(markdown, folder), encoding="utf-8")
    card = render_model_card(
        predictor.metadata, {**metrics["classification"], "data": str(data_path)}
    )
    (Path(predictor.folder) / MODEL_CARD_FILE).write_text(card, encoding="utf-8")
    print(
        f"[evaluate] wrote {folder}/ (report.md, report.html, metrics.json, plots) in "
        f"{metrics['evaluation_seconds']:.1f}s",
        file=sys.stderr,
    )
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("models/latest"))
    parser.add_argument("--data", type=Path, default=DATASETS / "test.csv")
    parser.add_argument("--text-col", default="text")
    parser.add_argument("--label-col", default="label")
    parser.add_argument("--reports-dir", type=Path, default=Path("reports"))
    shipped = {
        "red_flags": DATASETS / "red_flags.csv",
        "out_of_scope": DATASETS / "out_of_scope.csv",
    }
    parser.add_argument(
        "--red-flags",
        type=Path,
        help=f"red-flag set to score the rules on (default {shipped['red_flags']}; '' to skip)",
    )
    parser.add_argument(
        "--out-of-scope",
        type=Path,
        help=f"texts the model should abstain on (default {shipped['out_of_scope']}; '' to skip)",
    )
    args = parser.parse_args(argv)
    optional = []
    for name, default in shipped.items():
        path = getattr(args, name)
        if path is None:  # not named: the shipped set when this checkout has it
            optional.append(default if default.exists() else None)
        elif str(path) in ("", "."):
            optional.append(None)
        elif not path.exists():
            # A named file that is not there is a typo, not a request to skip the section.
            print(f"error: {path}: no such file ('' skips that section)", file=sys.stderr)
            return 2
        else:
            optional.append(path)
    try:
        folder = evaluate(
            args.model, args.data, args.reports_dir, args.text_col, args.label_col, *optional
        )
    except (DataError, ModelError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(folder / "report.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
