"""Build the scikit-learn Pipeline from hyperparameters."""

from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline

from training.text import normalise

DEFAULT_PARAMS: dict[str, Any] = {
    "C": 10.0,
    "word_ngrams": (1, 2),
    "char_ngrams": (2, 5),
    "min_df": 2,
}

# A small grid: the corpus is a few thousand rows, so breadth beats depth here.
PARAM_GRID: dict[str, list[Any]] = {
    "C": [3.0, 10.0, 30.0],
    "char_ngrams": [(2, 4), (2, 5)],
}


def build_features(params: dict[str, Any]) -> FeatureUnion:
    """Word n-grams carry meaning; character n-grams survive typos and shorthand."""
    common = {
        "preprocessor": normalise,
        "sublinear_tf": True,
        "min_df": params["min_df"],
        "dtype": np.float64,
    }
    return FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    analyzer="word", ngram_range=tuple(params["word_ngrams"]), **common
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=tuple(params["char_ngrams"]),
                    max_features=150_000,
                    **common,
                ),
            ),
        ]
    )


def build_linear(params: dict[str, Any], seed: int) -> LogisticRegression:
    """The linear classifier whose weights the service reads directly."""
    return LogisticRegression(C=params["C"], max_iter=2000, random_state=seed)


def build_pipeline(params: dict[str, Any], seed: int, calibration_folds: int = 5) -> Pipeline:
    """TF-IDF features and a temperature-calibrated multinomial logistic regression."""
    calibrated = CalibratedClassifierCV(
        build_linear(params, seed),
        method="temperature",
        cv=StratifiedKFold(calibration_folds, shuffle=True, random_state=seed),
        # One model plus one temperature: the service can compute it from the weights.
        ensemble=False,
    )
    return Pipeline([("features", build_features(params)), ("classifier", calibrated)])


def build_search_pipeline(params: dict[str, Any], seed: int) -> Pipeline:
    """The uncalibrated pipeline, for the cross-validated grid search (ranking is unaffected)."""
    return Pipeline(
        [("features", build_features(params)), ("classifier", build_linear(params, seed))]
    )
