"""The workers' metric files: each worker counts in its own, and /metrics sums them all.

prometheus_client's multiprocess mode keeps one file per process and kind (`counter_<pid>.db`,
`histogram_<pid>.db`), and a scrape reads every file in the folder. A worker replaced for memory
leaves its files behind, so without care a long-running service would gather one pair per
replacement and each scrape would read more. The supervisor instead adds a finished worker's
counts into one file per kind (`counter_retired.db`) and removes its own: the totals stay, the
files do not pile up. Counts and histogram buckets both sum, so folding them in is exact.

A scrape that read a file while it was being folded would count it twice or not at all, or fail
on a file removed under it; scrapes hold a shared lock and folding an exclusive one.
"""

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from prometheus_client.mmap_dict import MmapedDict

# The kinds of metric the service has (it has no gauges, whose files carry a mode).
KINDS = ("counter", "histogram")
RETIRED = "retired"
_LOCK_FILE = "lock"  # not *.db, so the collector never reads it


@contextlib.contextmanager
def _locked(directory: Path, mode: int) -> Iterator[None]:
    with open(directory / _LOCK_FILE, "a") as lock:
        fcntl.flock(lock, mode)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def collect(directory: Path) -> bytes:
    """The summed metrics of every worker, past and present, in Prometheus's text format."""
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(directory))
    with _locked(directory, fcntl.LOCK_SH):
        return generate_latest(registry)


def retire(directory: Path, pid: int) -> None:
    """Fold the files of a worker that has ended into the retired totals, and remove them."""
    with _locked(directory, fcntl.LOCK_EX):
        for kind in KINDS:
            finished = directory / f"{kind}_{pid}.db"
            if not finished.exists():
                continue
            retired = MmapedDict(str(directory / f"{kind}_{RETIRED}.db"))
            try:
                for key, value, timestamp, _ in MmapedDict.read_all_values_from_file(str(finished)):
                    total, _ = retired.read_value(key)
                    retired.write_value(key, total + value, timestamp)
            finally:
                retired.close()
            os.remove(finished)
