"""The model card (Mitchell et al., "Model Cards for Model Reporting"), as Markdown."""

from pathlib import Path
from typing import Any

INTENDED_USE = """\
Decision support for lower back and leg pain: given a free-text description written by a
person or a nurse, it says which of the trained conditions the text most resembles, with
calibrated probabilities and the terms behind the answer. Red flags are decided by a
separate rules engine whose verdict always wins; a sign detector trained with the model
(one logistic regression per red-flag category) can add flags the rules missed, never remove
one. **It is not a diagnosis** and must not replace a clinician's assessment."""

USERS = """\
Health-tech teams embedding it behind a triage app or nurse line; clinicians reviewing its
answers; ML engineers retraining it on their own labelled data."""

OUT_OF_SCOPE = """\
Diagnosis or treatment decisions without a clinician; emergencies (call emergency services);
children; pain outside the lower back and legs; languages other than English; any use that
treats the probabilities as the chance that a person has a disease (they describe how much a
text resembles the training texts)."""

LIMITATIONS = """\
The training texts were written for this project, not taken from real patient records, so
real-world wording, prevalence and case mix differ. Conditions overlap (sciatica can come
from arthritis; fibromyalgia and posture pain share vocabulary), and a text with few clues
gets an uncertain answer. Probabilities are calibrated on held-out folds of the training
corpus; on other populations they may be over- or under-confident. The model abstains on
texts that do not look like back or leg pain, but an unusual in-scope text can be abstained
on too. The classifier reads words, not their context: a denied sign still counts as a word
("no fever, just back pain after a bike crash" leans to spinal infection, 0.77); the red-flag
rules, not the classifier, read negation."""

ETHICS = """\
Symptom text is health data: the service never logs or stores it by default. A missed red
flag is the worst failure, so red flags come from reviewed rules, not from the condition
classifier, and they err towards flagging: the sign detector only adds flags, which raises
false alarms as the price of fewer misses. The corpus is English, mostly UK/US phrasing;
people who write differently (other dialects, low literacy, translated text) may get worse
answers."""


def _table(rows: dict[str, Any]) -> str:
    lines = ["| label | rows |", "|---|---|"]
    lines += [f"| `{label}` | {count} |" for label, count in rows.items()]
    return "\n".join(lines)


def render_model_card(metadata: dict[str, Any], evaluation: dict[str, Any] | None = None) -> str:
    """Render the card from metadata; `evaluation` (metrics.json) completes the metrics part."""
    cv = metadata.get("cv_scores", {})
    if evaluation is None:
        evaluation_text = (
            "Not evaluated yet: `make evaluate` writes the test-split metrics "
            "here and in `reports/<version>/test/`."
        )
    else:
        data = evaluation.get("data", "?")
        evaluation_text = (
            "\n".join(
                f"- {name}: {evaluation[key]:.3f}"
                for name, key in (
                    ("accuracy", "accuracy"),
                    ("macro-F1", "macro_f1"),
                    ("top-3 accuracy", "top3_accuracy"),
                    ("log loss", "log_loss"),
                    ("expected calibration error", "ece"),
                )
                if key in evaluation
            )
            + f"\n\nOn `{data}`; full report in `reports/{metadata['version']}/{Path(data).stem}/`."
        )
    thresholds = metadata.get("thresholds", {})
    signs = metadata.get("sign_detector")
    # Models trained before 2026-11-27 name one file at the top level.
    sign_files = (signs.get("files") or [signs]) if signs else []
    signs_text = (
        "Trained on "
        + ", ".join(
            f"`{f['path']}` (SHA-256 `{f['sha256'][:16]}…`, {f['rows']} rows)" for f in sign_files
        )
        + f" and {signs.get('sign_free_rows', 0)} condition texts whose label has no red-flag "
        f"sign, for {', '.join(f'`{c}`' for c in signs['categories'])}; it raises a flag at "
        f"probability {signs['threshold']} or more, after the rules' context step."
        if signs
        else "None: red flags come from the rules alone."
    )
    return f"""# Model card: {metadata["version"]}

## Model details
TF-IDF word and character n-grams, multinomial logistic regression with temperature
calibration (scikit-learn {metadata["runtime"]["scikit_learn"]}), created {metadata["created_at"]}.
Hyperparameters (chosen by {cv.get("folds", "?")}-fold stratified cross-validation):
`{metadata["hyperparameters"]}`; seed {metadata["seed"]}.

## Intended use
{INTENDED_USE}

Intended users: {USERS}

## Out-of-scope uses
{OUT_OF_SCOPE}

## Training data
`{metadata["training_data"]["path"]}` (SHA-256 `{metadata["training_data"]["sha256"][:16]}…`),
{metadata["training_data"]["rows"]} rows. See `datasets/README.md` for how it was made.

{_table(metadata["rows_per_label"])}

## Red-flag sign detector
{signs_text}

## Metrics
Cross-validated on the training data (held-out folds): accuracy {cv.get("accuracy", 0):.3f},
macro-F1 {cv.get("macro_f1", 0):.3f}, log loss {cv.get("log_loss", 0):.3f}.
Abstention thresholds: confidence {thresholds.get("confidence", 0):.3f}, scope
{thresholds.get("scope")}.

### Evaluation on the independent test split
{evaluation_text}

## Limitations
{LIMITATIONS}

## Ethical considerations
{ETHICS}
"""
