"""Build the scikit-learn Pipeline from hyperparameters."""

from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from training.text import normalise

DEFAULT_PARAMS: dict[str, Any] = {
    "C": 30.0,
    "word_ngrams": (1, 2),
    "char_ngrams": (2, 5),
    "min_df": 2,
}

# A small grid: the corpus is a few thousand rows, so breadth beats depth here.
PARAM_GRID: dict[str, list[Any]] = {
    "C": [3.0, 10.0, 30.0],
    "char_ngrams": [(2, 4), (2, 5)],
}
FEATURE_PARAMS = ("word_ngrams", "char_ngrams", "min_df")


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


def as_logits(decision: np.ndarray) -> np.ndarray:
    """Decision values as one logit per class (a binary model's single column becomes two)."""
    decision = np.asarray(decision, dtype=np.float64)
    return np.column_stack([-decision, decision]) if decision.ndim == 1 else decision


def fit_temperature(decision: np.ndarray, y: np.ndarray, classes: np.ndarray) -> float:
    """The inverse temperature that minimises log loss on held-out decision values."""
    logits = as_logits(decision)
    target = np.searchsorted(classes, y)

    def loss(log_beta: float) -> float:
        return -log_softmax(np.exp(log_beta) * logits, axis=1)[
            np.arange(len(target)), target
        ].mean()

    return float(np.exp(minimize_scalar(loss, bounds=(-10, 10), method="bounded").x))


class TemperatureCalibrated(ClassifierMixin, BaseEstimator):
    """A fitted linear classifier with probabilities softmax(beta * decision).

    beta is fitted on out-of-fold decision values (temperature scaling, Guo et al. 2017), so
    one model and one number give calibrated probabilities the service can compute directly.
    """

    def __init__(self, estimator: LogisticRegression, beta: float = 1.0) -> None:
        self.estimator = estimator
        self.beta = beta

    @property
    def classes_(self) -> np.ndarray:
        return self.estimator.classes_

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self.estimator, "coef_")

    def fit(self, X, y):
        """Present for the estimator API; the model arrives fitted (see training.train)."""
        return self

    def decision_function(self, X) -> np.ndarray:
        return self.estimator.decision_function(X)

    def predict_proba(self, X) -> np.ndarray:
        return softmax(self.beta * as_logits(self.decision_function(X)), axis=1)

    def predict(self, X) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def assemble(features: FeatureUnion, linear: LogisticRegression, beta: float) -> Pipeline:
    """The served pipeline: one normalising feature step, one calibrated classifier."""
    return Pipeline([("features", features), ("classifier", TemperatureCalibrated(linear, beta))])
