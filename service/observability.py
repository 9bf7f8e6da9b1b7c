"""JSON-line logs, Prometheus metrics and the request-size limit, as one ASGI middleware.

Nothing here ever reads or records the submitted text.
"""

import collections
import itertools
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

import orjson
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service import metrics_files
from service.fast_path import BODY_KEY, RESULTS_KEY

log = logging.getLogger("service")

REQUESTS = Counter("triage_requests_total", "HTTP requests", ["method", "path", "status"])
LATENCY = Histogram(
    "triage_request_seconds",
    "HTTP request latency",
    ["path"],
    buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
PREDICTIONS = Counter("triage_predictions_total", "Predictions by condition", ["condition"])
RED_FLAGS = Counter("triage_red_flags_total", "Red flags raised by category", ["category"])
TRIAGE = Counter("triage_levels_total", "Answers by triage level", ["level"])
ERRORS = Counter("triage_errors_total", "Error responses by status", ["status"])
NOTICES = Counter("triage_notices_total", "Answers with a notice, by its code", ["code"])
KNOWN_PATHS = frozenset(
    {
        "/",
        "/healthz",
        "/readyz",
        "/v1/predict",
        "/v1/predict/batch",
        "/v1/model",
        "/metrics",
        "/admin/reload",
        "/docs",
        "/openapi.json",
    }
)
# Request ids: a random tag per process and a counter, cheaper than a uuid4 per request.
_PROCESS_TAG = os.urandom(4).hex()
_REQUEST_NUMBERS = itertools.count(1)
# prometheus_client's labels() validates and locks on every call; label values here are few.
_CHILDREN: dict[tuple, Any] = {}


def _child(metric: Any, *values: str) -> Any:
    key = (metric, values)
    child = _CHILDREN.get(key)
    if child is None:
        child = _CHILDREN[key] = metric.labels(*values)
    return child


_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message"}


def _timestamp(created: float) -> str:
    return (
        time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created))
        + f".{int(created % 1 * 1000):03d}Z"
    )


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": _timestamp(record.created),
            "level": record.levelname.lower(),
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        return orjson.dumps(entry, default=str).decode()


def log_request(fields: dict[str, Any]) -> None:
    """One JSON line per request, in the JsonFormatter's format.

    Written straight to stderr: building a LogRecord for every request costs more than the
    red-flag rules do. The `service` logger's level still decides (WARNING silences it).
    """
    if log.isEnabledFor(logging.INFO):
        entry = {"time": _timestamp(time.time()), "level": "info", "message": "request", **fields}
        sys.stderr.write(orjson.dumps(entry, option=orjson.OPT_APPEND_NEWLINE).decode())


def configure_logging(level: str = "INFO") -> None:
    """Called by create_app, not at import, so importing never changes logging."""
    if any(isinstance(h.formatter, JsonFormatter) for h in log.handlers):
        log.setLevel(level.upper())
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    log.addHandler(handler)
    log.setLevel(level.upper())
    log.propagate = False


def metrics_response() -> Response:
    """The metrics of the whole service: with several workers, summed over all of them."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")  # set by `python -m service`
    body = metrics_files.collect(Path(directory)) if directory else generate_latest()
    return Response(body, media_type=CONTENT_TYPE_LATEST)


def _problem(status: int, title: str, detail: str) -> bytes:
    return orjson.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail})


class RequestObserver:
    """Times, counts and logs every HTTP request, and refuses bodies over the size limit."""

    def __init__(self, app: ASGIApp, state: Any, max_body_bytes: int) -> None:
        self.app = app
        self.state = state
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _request_id(scope)
        status = 500
        path = scope["path"] if scope["path"] in KNOWN_PATHS else "other"

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            if scope["method"] in ("POST", "PUT", "PATCH"):
                body = await self._read_body(receive)
                if body is None:
                    await _send_problem(
                        send_observed,
                        413,
                        "Request too large",
                        f"The body is over {self.max_body_bytes} bytes.",
                    )
                    return
                receive = _replay(body)
                scope[BODY_KEY] = body
            await self.app(scope, receive, send_observed)
        finally:
            self._record(scope, path, status, time.perf_counter() - started, request_id)

    async def _read_body(self, receive: Receive) -> bytes | None:
        """The whole body, or None once it passes the limit (the rest is not kept)."""
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    def _record(
        self, scope: Scope, path: str, status: int, seconds: float, request_id: str
    ) -> None:
        _child(REQUESTS, scope["method"], path, str(status)).inc()
        _child(LATENCY, path).observe(seconds)
        if status >= 400:
            _child(ERRORS, str(status)).inc()
        results = scope.get(RESULTS_KEY) or ()
        labels = [result["condition"] or "abstained" for result in results]
        # Counted first, then one increment per label value: a batch's 256 answers would
        # otherwise cost ~800 locked increments.
        flags = collections.Counter(
            flag["category"] for result in results for flag in result["red_flags"]
        )
        for metric, counts in (
            (PREDICTIONS, collections.Counter(labels)),
            (TRIAGE, collections.Counter(result["triage"] for result in results)),
            (RED_FLAGS, flags),
            (NOTICES, collections.Counter(n["code"] for r in results for n in r["notices"])),
        ):
            for value, count in counts.items():
                _child(metric, value).inc(count)
        assessor = getattr(self.state, "assessor", None)
        fields: dict[str, Any] = {
            "event": "request",
            "request_id": request_id,
            "method": scope["method"],
            "path": path,
            "status": status,
            "latency_ms": round(seconds * 1000, 3),
            "model_version": assessor.version if assessor else None,
        }
        if results:
            fields["labels"] = labels if len(labels) > 1 else labels[0]
            fields["red_flag_categories"] = sorted(flags)
        log_request(fields)


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id" and 0 < len(value) <= 64 and value.isascii():
            return value.decode()
    return f"{_PROCESS_TAG}{next(_REQUEST_NUMBERS):08x}"


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _send_problem(send: Send, status: int, title: str, detail: str) -> None:
    body = _problem(status, title, detail)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
