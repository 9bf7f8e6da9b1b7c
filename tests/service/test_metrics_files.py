"""The workers' metric files: a finished worker's counts stay in the totals, its files go."""

import re
import threading
from pathlib import Path

import pytest
from prometheus_client.mmap_dict import MmapedDict, mmap_key

from service import metrics_files

REQUESTS = ("triage_requests_total", "HTTP requests", ["method", "path", "status"])


def _count(directory: Path, pid: int | str, requests: int, seconds: float) -> None:
    """What a worker that answered `requests` predictions, each in `seconds`, leaves behind."""
    name, help_text, labels = REQUESTS
    counters = MmapedDict(str(directory / f"counter_{pid}.db"))
    key = mmap_key(name, name, labels, ["POST", "/v1/predict", "200"], help_text)
    counters.write_value(key, requests, 0.0)
    counters.close()
    histograms = MmapedDict(str(directory / f"histogram_{pid}.db"))
    # Each bucket holds its own count; a scrape makes them cumulative.
    for bound, count in (("0.001", 0), ("0.01", requests), ("+Inf", 0)):
        key = mmap_key(
            "triage_request_seconds",
            "triage_request_seconds_bucket",
            ["path", "le"],
            ["/v1/predict", bound],
            "HTTP request latency",
        )
        histograms.write_value(key, count, 0.0)
    key = mmap_key(
        "triage_request_seconds",
        "triage_request_seconds_sum",
        ["path"],
        ["/v1/predict"],
        "HTTP request latency",
    )
    histograms.write_value(key, requests * seconds, 0.0)
    histograms.close()


def _totals(directory: Path) -> dict[str, float]:
    text = metrics_files.collect(directory).decode()
    return {
        name: float(value)
        for name, value in re.findall(r"^(triage_\S+) (\S+)$", text, re.M)
        if "_created" not in name
    }


def test_a_finished_workers_counts_stay_in_the_totals(tmp_path: Path) -> None:
    _count(tmp_path, 101, requests=40, seconds=0.002)
    _count(tmp_path, 102, requests=25, seconds=0.004)
    before = _totals(tmp_path)
    metrics_files.retire(tmp_path, 101)
    assert _totals(tmp_path) == pytest.approx(before)
    assert before['triage_requests_total{method="POST",path="/v1/predict",status="200"}'] == 65


def test_a_finished_workers_files_are_removed(tmp_path: Path) -> None:
    _count(tmp_path, 101, requests=40, seconds=0.002)
    _count(tmp_path, 102, requests=25, seconds=0.004)
    metrics_files.retire(tmp_path, 101)
    remaining = sorted(path.name for path in tmp_path.glob("*.db"))
    assert remaining == [
        "counter_102.db",
        "counter_retired.db",
        "histogram_102.db",
        "histogram_retired.db",
    ]


def test_many_finished_workers_add_up_in_one_file_per_kind(tmp_path: Path) -> None:
    for pid in range(200, 230):
        _count(tmp_path, pid, requests=3, seconds=0.001)
        metrics_files.retire(tmp_path, pid)
    assert sorted(path.name for path in tmp_path.glob("*.db")) == [
        "counter_retired.db",
        "histogram_retired.db",
    ]
    totals = _totals(tmp_path)
    assert totals['triage_requests_total{method="POST",path="/v1/predict",status="200"}'] == 90
    assert totals['triage_request_seconds_count{path="/v1/predict"}'] == 90


def test_a_scrape_while_workers_are_folded_in_sees_every_count_once(tmp_path: Path) -> None:
    pids = range(300, 360)
    for pid in pids:
        _count(tmp_path, pid, requests=1, seconds=0.001)
    expected = _totals(tmp_path)

    def fold_all() -> None:
        for pid in pids:
            metrics_files.retire(tmp_path, pid)

    folding = threading.Thread(target=fold_all)
    folding.start()
    seen = []
    while folding.is_alive():
        seen.append(_totals(tmp_path))
    folding.join()
    seen.append(_totals(tmp_path))
    # Latency sums are added in another order once folded: equal up to rounding.
    assert all(totals == pytest.approx(expected) for totals in seen)


def test_a_worker_without_files_is_retired_quietly(tmp_path: Path) -> None:
    metrics_files.retire(tmp_path, 999)  # it ended before it counted anything
    assert list(tmp_path.glob("*.db")) == []
