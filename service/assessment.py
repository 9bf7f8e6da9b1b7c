"""One assessment: model prediction + red flags -> the public answer, and the swappable state."""

import logging
import threading
from typing import Any

from fastapi import HTTPException

from service.predictor import Prediction, Predictor
from service.red_flags import RedFlag, RedFlagEngine
from service.settings import Settings
from service.triage import decide

log = logging.getLogger("service")


class Assessor:
    """A loaded model and rules engine; immutable, so a reload swaps the whole object."""

    def __init__(self, predictor: Predictor, engine: RedFlagEngine) -> None:
        self.predictor = predictor
        self.engine = engine
        self.version = predictor.version

    def assess(self, text: str) -> dict[str, Any]:
        """The answer for one text, as the JSON the API returns."""
        return self.assess_many([text])[0]

    def assess_many(self, texts: list[str]) -> list[dict[str, Any]]:
        """The answers for many texts, in order; each the same as `assess` gives."""
        predictions = self.predictor.predict_many(texts)
        return [
            # Red flags run on every text, whatever the model says or whether it abstains.
            self._answer(text, prediction, self.engine.find(text))
            for text, prediction in zip(texts, predictions, strict=True)
        ]

    def _answer(self, text: str, prediction: Prediction, flags: list[RedFlag]) -> dict[str, Any]:
        decision = decide(text, prediction, flags)
        return {
            "condition": prediction.condition,
            "probabilities": prediction.probabilities,
            "abstained": prediction.abstained,
            "red_flags": [
                {
                    "category": f.category,
                    "rule": f.rule,
                    "evidence": f.evidence,
                    "start": f.start,
                    "end": f.end,
                }
                for f in flags
            ],
            "triage": decision.level.value,
            "advice": decision.advice,
            "explanation": [{"term": t.term, "weight": t.weight} for t in prediction.explanation],
            "model_version": self.version,
        }


class ServiceState:
    """Holds the current Assessor; loading happens beside it and the swap is one assignment."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.assessor: Assessor | None = None
        self._reload_lock = threading.Lock()

    def _build(self) -> Assessor:
        engine = RedFlagEngine.from_file(self.settings.rules_file)
        return Assessor(Predictor.load(self.settings.model_dir), engine)

    def load(self) -> None:
        self.assessor = self._build()
        log.info(
            "model loaded", extra={"event": "model_loaded", "model_version": self.assessor.version}
        )

    def reload(self) -> str:
        """Load the new model; on any failure keep serving the old one and re-raise."""
        with self._reload_lock:
            try:
                fresh = self._build()
            except Exception as err:
                log.error(
                    "reload failed; kept the current model",
                    extra={"event": "reload_failed", "reason": str(err)},
                )
                raise
            self.assessor = fresh
            log.info(
                "model reloaded", extra={"event": "model_reloaded", "model_version": fresh.version}
            )
            return fresh.version

    def require(self) -> Assessor:
        assessor = self.assessor
        if assessor is None:
            raise HTTPException(503, "The model is not loaded yet.")
        return assessor
