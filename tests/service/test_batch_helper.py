"""A batch shared with a process forked from the worker answers as the worker alone would, and
nothing is lost or left behind when that process fails."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from service import workers
from service.assessment import Assessor, ServiceState
from service.batch_helper import BatchHelper
from service.settings import Settings
from tests.conftest import DATASETS, ROOT


@pytest.fixture(scope="module")
def state(shipped_model: Path) -> ServiceState:
    state = ServiceState(Settings(model_dir=shipped_model))
    state.load()
    return state


@pytest.fixture()
def helper() -> Iterator[BatchHelper]:
    helper = BatchHelper()
    yield helper
    helper.stop()


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """Texts of the test split and of the red-flag set: answers with and without red flags."""
    split = pd.read_csv(DATASETS / "test.csv", keep_default_na=False)["text"]
    flags = pd.read_csv(DATASETS / "red_flags.csv", keep_default_na=False)["text"]
    return [*split[:30], *flags[:30]]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child that has exited but not been waited for is a zombie: gone for our purpose.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_a_helper_past_its_memory_limit_is_replaced_at_the_next_batch(
    state: ServiceState, helper: BatchHelper, texts: list[str]
) -> None:
    assessor = state.require()
    helper.assess_many(assessor, texts)
    first = helper.pid
    assert first is not None
    helper.memory_limit_mb = 1  # any helper holds more
    assert helper.assess_many(assessor, texts) == assessor.assess_many(texts)
    assert helper.pid is None and not _alive(first)
    helper.memory_limit_mb = None  # the fresh one would pass 1 MiB as well
    helper.assess_many(assessor, texts)
    assert helper.pid is not None and helper.pid != first and _alive(helper.pid)


def _kept_after_a_batch(
    state: ServiceState, helper: BatchHelper, texts: list[str], limit_mb: int
) -> bool:
    assessor = state.require()
    helper.memory_limit_mb = limit_mb
    assert helper.assess_many(assessor, texts) == assessor.assess_many(texts)
    return helper.pid is not None and _alive(helper.pid)


def test_a_helper_under_its_memory_limit_is_kept(
    state: ServiceState, helper: BatchHelper, texts: list[str]
) -> None:
    assert _kept_after_a_batch(state, helper, texts, limit_mb=100_000)


def test_the_limit_holds_for_the_worker_and_its_helper_together(
    state: ServiceState, helper: BatchHelper, texts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "resident_mb", lambda pid="self": 200.0)
    monkeypatch.setattr(workers, "private_mb", lambda pid="self": 30.0)
    # Each is under 224 MiB on its own; together they are not.
    assert not _kept_after_a_batch(state, helper, texts, limit_mb=224)


def test_a_helper_that_leaves_its_worker_room_is_kept(
    state: ServiceState, helper: BatchHelper, texts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "resident_mb", lambda pid="self": 180.0)
    monkeypatch.setattr(workers, "private_mb", lambda pid="self": 30.0)
    assert _kept_after_a_batch(state, helper, texts, limit_mb=224)


def test_a_shared_batch_answers_as_the_worker_alone(
    state: ServiceState, helper: BatchHelper, texts: list[str]
) -> None:
    assessor = state.require()
    assert helper.assess_many(assessor, texts) == assessor.assess_many(texts)
    assert helper.pid is not None and _alive(helper.pid)


def test_a_batch_is_answered_when_the_helper_has_died(
    state: ServiceState, helper: BatchHelper, texts: list[str]
) -> None:
    assessor = state.require()
    helper.assess_many(assessor, texts)
    os.kill(helper.pid, 9)
    time.sleep(0.2)
    assert helper.assess_many(assessor, texts[::-1]) == assessor.assess_many(texts[::-1])


def test_a_batch_is_answered_when_the_helper_fails_on_it(
    state: ServiceState, helper: BatchHelper, texts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assessor, worker = state.require(), os.getpid()
    expected = assessor.assess_many(texts)
    assess_many = assessor.assess_many

    def fails_in_the_helper(batch: list[str]) -> list[dict]:
        if os.getpid() != worker:
            raise MemoryError
        return assess_many(batch)

    monkeypatch.setattr(assessor, "assess_many", fails_in_the_helper)
    assert helper.assess_many(assessor, texts) == expected


def test_a_reloaded_model_gets_a_new_helper_and_the_old_one_ends(
    state: ServiceState, helper: BatchHelper, texts: list[str]
) -> None:
    old = state.require()
    helper.assess_many(old, texts)
    old_pid = helper.pid
    fresh = Assessor(old.predictor, old.engine)
    assert helper.assess_many(fresh, texts) == fresh.assess_many(texts)
    assert helper.pid != old_pid and not _alive(old_pid)


def test_the_helper_ends_when_its_worker_is_killed(shipped_model: Path, tmp_path: Path) -> None:
    worker = (
        "import os, sys\n"
        "from service.assessment import ServiceState\n"
        "from service.settings import Settings\n"
        f"state = ServiceState(Settings(model_dir={str(shipped_model)!r}))\n"
        "state.load()\n"
        "state.batch_helper.assess_many(state.assessor, ['sore lower back after gardening'] * 20)\n"
        "print(state.batch_helper.pid, flush=True)\n"
        "os._exit(0)  # as a killed worker: no clean-up runs\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", worker], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    pid = int(done.stdout.split()[-1])
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)
