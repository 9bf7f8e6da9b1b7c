"""The workers: several serve, /metrics counts for all of them, and one that dies or grows past
its memory limit is replaced."""

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

from service import workers
from service.workers import SHORTEST_LIFE_SECONDS
from tests.conftest import DATASETS, ROOT
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


def _start(
    port: int,
    model: Path,
    stderr: int = subprocess.DEVNULL,
    workers: int = 2,
    env: dict[str, str] | None = None,
) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "service", "--port", str(port), "--workers", str(workers)],
        cwd=ROOT,
        env={
            **os.environ,
            "TRIAGE_MODEL_DIR": str(model),
            "TRIAGE_LOG_LEVEL": "WARNING",
            **(env or {}),
        },
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        start_new_session=True,
    )


@contextmanager
def _serving(
    model: Path, workers: int = 2, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen, str]]:
    """A ready server and its URL; stopped with SIGTERM to the whole group."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = _start(port, model, workers=workers, env=env)
    try:
        _wait_ready(url)
        yield server, url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_metrics_sum_the_requests_of_every_worker(shipped_model: Path) -> None:
    with _serving(shipped_model) as (_, url):
        # Each request opens its own connection, so both workers answer some of them.
        for _ in range(40):
            status, body = _post(url + "/v1/predict", {"text": TEXT})
            assert status == 200 and body["condition"] == "sciatica", json.dumps(body)
        # Whichever worker answers the scrape, it reports all 40.
        assert [_predictions_counted(url) for _ in range(6)] == [40.0] * 6


def _workers_of(pid: int) -> list[int]:
    workers = []
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        try:
            command = Path(f"/proc/{child}/cmdline").read_text()
        except OSError:  # a replaced worker that has just ended
            continue
        # The spawn start method adds a resource tracker beside the workers.
        if "resource_tracker" not in command:
            workers.append(int(child))
    return workers


def test_a_worker_that_dies_is_started_again(shipped_model: Path) -> None:
    with _serving(shipped_model) as (server, url):
        first = _workers_of(server.pid)
        assert len(first) == 2
        time.sleep(SHORTEST_LIFE_SECONDS)  # younger workers that die are not restarted
        os.kill(first[0], signal.SIGKILL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and first[0] in _workers_of(server.pid):
            time.sleep(0.2)
        # Until the new worker listens, the kernel sends every connection to the other one.
        for _ in range(10):
            status, _ = _post(url + "/v1/predict", {"text": TEXT})
            assert status == 200
        workers = _workers_of(server.pid)
        assert len(workers) == 2 and first[0] not in workers


def test_workers_that_cannot_listen_stop_the_server_with_a_clear_message(
    shipped_model: Path,
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:  # held without SO_REUSEPORT
        port = taken.getsockname()[1]
        server = _start(port, shipped_model, stderr=subprocess.PIPE)
        try:
            code = server.wait(timeout=120)
            message = server.stderr.read().decode()
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
    assert code == 3
    assert f"cannot listen on 127.0.0.1:{port}" in message


def _resident_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024


def test_a_worker_past_its_memory_limit_is_replaced_without_failing_a_request(
    shipped_model: Path,
) -> None:
    with _serving(shipped_model, workers=1) as (server, _):
        fresh = _resident_mb(_workers_of(server.pid)[0])
    # A limit the worker passes after a few hundred texts it has not read before: the pattern
    # engines' caches grow with the variety of texts.
    limit = {"TRIAGE_WORKER_MEMORY_MB": str(round(fresh) + 24)}
    texts = pd.read_csv(DATASETS / "red_flags_dev.csv", keep_default_na=False)["text"].tolist()
    with _serving(shipped_model, workers=1, env=limit) as (server, url):
        [first] = _workers_of(server.pid)
        statuses = []

        def ask(text: str) -> None:
            try:
                statuses.append(_post(url + "/v1/predict", {"text": text})[0])
            except OSError as err:  # a refused or dropped connection
                statuses.append(repr(err))

        deadline = time.monotonic() + 180
        with ThreadPoolExecutor(4) as pool:
            for start in range(0, len(texts), 40):
                list(pool.map(ask, texts[start : start + 40]))
                if first not in _workers_of(server.pid) or time.monotonic() > deadline:
                    break
        # Its successor may by now be growing past the limit and being replaced in turn.
        assert first not in _workers_of(server.pid)
        assert _post(url + "/v1/predict", {"text": TEXT})[0] == 200
        answered = statuses.count(200) + 1
        # The replaced worker's counts stay in the totals; its own metric files are gone.
        metrics_dir = _metrics_dir(_workers_of(server.pid)[0])
        deadline = time.monotonic() + 15  # it finishes its requests first
        while list(metrics_dir.glob(f"*_{first}.db")) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not list(metrics_dir.glob(f"*_{first}.db"))
        assert _predictions_counted(url) == answered
        assert (metrics_dir / "counter_retired.db").exists()
    assert len(statuses) > 40 and set(statuses) == {200}


def _metrics_dir(worker: int) -> Path:
    environ = Path(f"/proc/{worker}/environ").read_bytes().split(b"\0")
    [found] = [v for v in environ if v.startswith(b"PROMETHEUS_MULTIPROC_DIR=")]
    return Path(found.split(b"=", 1)[1].decode())


def _watched(monkeypatch: pytest.MonkeyPatch, resident_once_released: float) -> threading.Event:
    """A worker at 300 MiB against a limit of 224, watched for a moment; its `retire` event."""
    released: list[bool] = []
    monkeypatch.setattr(workers, "resident_mb", lambda: resident_once_released if released else 300)
    monkeypatch.setattr(workers, "MEMORY_CHECK_SECONDS", 0.01)
    retire = threading.Event()
    worker = workers.Worker(threading.Event(), retire, 224, lambda: released.append(True))

    async def watch_briefly() -> None:
        watching = asyncio.create_task(worker._watch_memory(224))
        await asyncio.sleep(0.1)
        watching.cancel()

    asyncio.run(watch_briefly())
    assert released
    return retire


def test_a_worker_back_under_its_limit_once_mapped_pages_are_released_is_not_replaced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert not _watched(monkeypatch, resident_once_released=200).is_set()


def test_a_worker_still_over_its_limit_once_mapped_pages_are_released_is_replaced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _watched(monkeypatch, resident_once_released=260).is_set()
