"""Well-formed prediction requests, answered without FastAPI's per-request machinery.

FastAPI's routing, dependency solving and body handling cost more per request than the model
and the rules together (`make bench`). This ASGI layer answers a `POST /v1/predict` or
`/v1/predict/batch` whose JSON body validates, with the same request models and the same
`Assessor.assess`; everything else (bad input, other routes, a service not ready yet) goes on
to the FastAPI app, which owns the error answers and the OpenAPI contract. `tests/service`
checks that both give the same answer.
"""

from typing import Any

import orjson
from pydantic import BaseModel, ValidationError
from starlette.types import ASGIApp, Receive, Scope, Send

from service.schemas import BatchRequest, PredictRequest

BODY_KEY = "triage.body"  # set by RequestObserver, which has already read the body
RESULTS_KEY = "triage.results"  # read by RequestObserver for logs and metrics


def _is_json(headers: list[tuple[bytes, bytes]]) -> bool:
    """As FastAPI decides: no content type, application/json or application/*+json."""
    for name, value in headers:
        if name == b"content-type":
            media = value.split(b";", 1)[0].strip().lower()
            return media == b"application/json" or (
                media.startswith(b"application/") and media.endswith(b"+json")
            )
    return True


class FastPredictions:
    def __init__(self, app: ASGIApp, state: Any) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        answer = self._answer(scope) if scope["type"] == "http" else None
        if answer is None:
            await self.app(scope, receive, send)
            return
        body = orjson.dumps(answer)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-length", str(len(body)).encode()),
                    (b"content-type", b"application/json"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _answer(self, scope: Scope) -> dict[str, Any] | None:
        path = scope["path"]
        if scope["method"] != "POST" or path not in ("/v1/predict", "/v1/predict/batch"):
            return None
        body, assessor = scope.get(BODY_KEY), self.state.assessor
        if body is None or assessor is None or not _is_json(scope["headers"]):
            return None
        try:
            request: BaseModel = (
                PredictRequest if path == "/v1/predict" else BatchRequest
            ).model_validate_json(body)
        except ValidationError:
            return None
        if isinstance(request, PredictRequest):
            result = assessor.assess(request.text)
            scope[RESULTS_KEY] = (result,)
            return result
        results = self.state.batch_helper.assess_many(assessor, request.texts)
        scope[RESULTS_KEY] = results
        return {"results": results}
