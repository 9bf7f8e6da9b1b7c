"""Request and response models: the public HTTP contract."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from service.triage import TriageLevel

MAX_TEXT_CHARS = 5000
MAX_BATCH = 256

SymptomText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_TEXT_CHARS, pattern=r"\S"),
    Field(
        description="Free-text description of the symptoms (never logged).",
        examples=["Sharp pain from my lower back down the back of my left leg, worse sitting."],
    ),
]


class PredictRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: SymptomText


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    texts: list[SymptomText] = Field(min_length=1, max_length=MAX_BATCH)


class RedFlagOut(BaseModel):
    category: str = Field(description="red-flag category id")
    rule: str = Field(description="id of the rule that matched")
    evidence: str = Field(description="the matched words, as submitted")
    start: int = Field(description="offset of the evidence in the submitted text")
    end: int


class TermOut(BaseModel):
    term: str
    weight: float


class NoticeOut(BaseModel):
    code: str = Field(description="a stable id to act on, e.g. not_english")
    message: str


class PredictResponse(BaseModel):
    condition: str | None = Field(description="label id, or null when the service abstains")
    probabilities: dict[str, float]
    abstained: bool
    red_flags: list[RedFlagOut]
    triage: TriageLevel
    advice: str
    explanation: list[TermOut]
    model_version: str
    notices: list[NoticeOut] = Field(
        description="what limits this answer: `not_english` when most of the text is in "
        "another language (the triage is then at least see_doctor)"
    )


class BatchResponse(BaseModel):
    results: list[PredictResponse]


class Problem(BaseModel):
    """An error body (RFC 9457 style); it never contains the submitted text."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[dict] | None = None


class ModelInfo(BaseModel):
    version: str
    labels: list[str]
    created_at: str
    metadata: dict
