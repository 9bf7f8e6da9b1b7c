"""WORKERS=n: several processes serve, and /metrics counts for all of them."""

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.conftest import ROOT
from tests.service.test_shutdown import _free_port, _post, _wait_ready

TEXT = "Sharp pain from my lower back down my left leg to the calf, worse when I sit."


def _predictions_counted(url: str) -> float:
    with urllib.request.urlopen(url + "/metrics", timeout=10) as response:
        metrics = response.read().decode()
    found = re.search(
        r'^triage_requests_total\{[^}]*path="/v1/predict"[^}]*status="200"[^}]*\} (\S+)$',
        metrics,
        re.M,
    )
    return float(found.group(1)) if found else 0.0


def test_metrics_sum_the_requests_of_every_worker(shipped_model: Path) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "service", "--port", str(port), "--workers", "2"],
        cwd=ROOT,
        env={**os.environ, "TRIAGE_MODEL_DIR": str(shipped_model), "TRIAGE_LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_ready(url)
        # Each request opens its own connection, so both workers answer some of them.
        for _ in range(40):
            status, body = _post(url + "/v1/predict", {"text": TEXT})
            assert status == 200 and body["condition"] == "sciatica", json.dumps(body)
        # Whichever worker answers the scrape, it reports all 40.
        assert [_predictions_counted(url) for _ in range(6)] == [40.0] * 6
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
