"""The obvious FastAPI endpoint a user would write around the same model: the reference.

Run: TRIAGE_MODEL_DIR=models/latest uvicorn bench.naive_service:app
"""

import os

import joblib
from fastapi import FastAPI
from pydantic import BaseModel

bundle = joblib.load(
    os.path.join(os.environ.get("TRIAGE_MODEL_DIR", "models/latest"), "model.joblib")
)
pipeline = bundle["pipeline"]
app = FastAPI()


class Query(BaseModel):
    text: str


@app.post("/v1/predict")
def predict(query: Query) -> dict:
    probabilities = pipeline.predict_proba([query.text])[0]
    return {
        "probabilities": dict(zip(pipeline.classes_.tolist(), probabilities.tolist(), strict=False))
    }
