"""create_app(settings): wiring only. Run with `uvicorn service.app:create_app --factory`."""

import asyncio
import contextlib
import logging
import secrets
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

import orjson
from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.assessment import Assessor, ServiceState
from service.fast_path import RESULTS_KEY, FastPredictions
from service.observability import RequestObserver, configure_logging, metrics_response
from service.red_flags import RulesError
from service.schemas import (
    BatchRequest,
    BatchResponse,
    ModelInfo,
    PredictRequest,
    PredictResponse,
    Problem,
)
from service.settings import Settings
from training.artifacts import ModelError

log = logging.getLogger("service")
PAGE = Path(__file__).with_name("static") / "index.html"


def _json(content: object, status: int = 200) -> Response:
    return Response(orjson.dumps(content), status_code=status, media_type="application/json")


def _problem(status: int, title: str, detail: str, errors: list[dict] | None = None) -> Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    return Response(orjson.dumps(body), status_code=status, media_type="application/problem+json")


def _describe(errors: list[dict]) -> list[dict]:
    """Validation errors without the submitted input, which may be health data."""
    return [
        {
            "loc": [str(part) for part in e.get("loc", ())],
            "msg": e.get("msg", ""),
            "type": e.get("type", ""),
        }
        for e in errors
    ]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings.log_level)
    state = ServiceState(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            state.load()
        except (ModelError, RulesError) as err:
            log.error("model not loaded", extra={"event": "startup_failed", "reason": str(err)})
            print(f"error: cannot start: {err}", file=sys.stderr)
            raise SystemExit(3) from None
        loop = asyncio.get_running_loop()
        # Not available off the main thread (tests) or on every platform.
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signal.SIGHUP, lambda: asyncio.ensure_future(reload()))
        yield
        state.batch_helper.stop()

    async def reload() -> str:
        return await asyncio.to_thread(state.reload)

    app = FastAPI(
        title="Back and leg pain triage",
        version="1",
        summary="Decision support, not a diagnosis: resemblance to seven conditions, red flags "
        "decided by rules, and a triage level.",
        lifespan=lifespan,
        default_response_class=JSONResponse,
    )
    app.state.service = state
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["*"],
        )

    async def get_assessor() -> Assessor:  # async: a plain def would hop to a thread
        return state.require()

    AssessorDep = Annotated[Assessor, Depends(get_assessor)]

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        errors = _describe(exc.errors())
        if any(e["type"] == "json_invalid" for e in errors):
            return _problem(400, "Invalid JSON", "The request body is not valid JSON.", errors)
        detail = "; ".join(f"{'.'.join(e['loc'][1:]) or 'body'}: {e['msg']}" for e in errors[:5])
        return _problem(422, "Invalid request", detail, errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _problem(
            exc.status_code, str(exc.detail) if exc.status_code < 500 else "Error", str(exc.detail)
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.error("unhandled error", extra={"event": "error", "error_type": type(exc).__name__})
        return _problem(500, "Internal error", "Something went wrong on our side.")

    @app.get("/healthz", tags=["operations"])
    async def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"], responses={503: {"model": Problem}})
    async def readyz() -> Response:
        if state.assessor is None:
            return _problem(503, "Not ready", "The model is not loaded yet.")
        return _json({"status": "ready", "model_version": state.assessor.version})

    @app.post(
        "/v1/predict",
        response_model=PredictResponse,
        tags=["prediction"],
        responses={400: {"model": Problem}, 413: {"model": Problem}, 422: {"model": Problem}},
    )
    async def predict(body: PredictRequest, assessor: AssessorDep, request: Request) -> Response:
        """Assess one description. Red flags always win: any red flag makes triage `emergency`."""
        result = assessor.assess(body.text)
        request.scope[RESULTS_KEY] = (result,)
        return _json(result)

    @app.post(
        "/v1/predict/batch",
        response_model=BatchResponse,
        tags=["prediction"],
        responses={400: {"model": Problem}, 413: {"model": Problem}, 422: {"model": Problem}},
    )
    async def predict_batch(
        body: BatchRequest, assessor: AssessorDep, request: Request
    ) -> Response:
        """Assess up to 256 descriptions; results come back in the same order."""
        results = state.batch_helper.assess_many(assessor, body.texts)
        request.scope[RESULTS_KEY] = results
        return _json({"results": results})

    @app.get("/v1/model", response_model=ModelInfo, tags=["operations"])
    async def model_info(assessor: AssessorDep) -> Response:
        meta = assessor.predictor.metadata
        return _json(
            {
                "version": meta["version"],
                "labels": meta["labels"],
                "created_at": meta["created_at"],
                "metadata": meta,
            }
        )

    @app.get("/metrics", tags=["operations"])
    async def metrics() -> Response:
        return metrics_response()

    page_html = PAGE.read_text(encoding="utf-8") if PAGE.exists() else None

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page() -> Response:
        """The triage page for people: type a description, see the answer."""
        if page_html is None:
            raise HTTPException(404, "No page is installed.")
        return HTMLResponse(page_html)

    if settings.admin_token:

        @app.post(
            "/admin/reload",
            tags=["operations"],
            responses={401: {"model": Problem}, 409: {"model": Problem}},
        )
        async def admin_reload(authorization: Annotated[str | None, Header()] = None) -> Response:
            """Load the model at the configured path beside the old one, then swap atomically."""
            expected = f"Bearer {settings.admin_token}"
            if not authorization or not secrets.compare_digest(authorization, expected):
                raise HTTPException(401, "A valid bearer token is required.")
            try:
                version = await reload()
            except (ModelError, RulesError) as err:
                return _problem(409, "Reload failed", f"Kept the current model. {err}")
            return _json({"status": "reloaded", "model_version": version})

    app.add_middleware(FastPredictions, state=state)
    # Outermost, so it sees every request, including those refused by validation.
    app.add_middleware(RequestObserver, state=state, max_body_bytes=settings.max_body_bytes)
    return app
