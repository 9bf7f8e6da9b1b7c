"""SIGTERM lets the requests in flight finish before the server exits."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from tests.conftest import DATASETS, ROOT


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not become ready")


def _post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, json.loads(response.read())


def test_sigterm_finishes_the_request_in_flight(shipped_model: Path) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "service", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "TRIAGE_MODEL_DIR": str(shipped_model), "TRIAGE_LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_ready(url)
        # Long texts, so the batch takes long enough (hundreds of ms) to be cut off by SIGTERM.
        corpus = pd.read_csv(DATASETS / "test.csv", keep_default_na=False)["text"].tolist()
        texts = [(text + " ") * (4900 // (len(text) + 1)) for text in corpus[:190]]
        with ThreadPoolExecutor(1) as pool:
            answer = pool.submit(_post, url + "/v1/predict/batch", {"texts": texts})
            time.sleep(0.3)
            server.send_signal(signal.SIGTERM)
            status, body = answer.result(timeout=60)
        assert status == 200 and len(body["results"]) == len(texts)
        # uvicorn re-raises the signal once it has shut down, as a well-behaved process should.
        assert server.wait(timeout=20) in (0, -signal.SIGTERM)
    finally:
        if server.poll() is None:
            server.kill()
