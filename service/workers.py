"""The workers that serve: one or more processes, each answering on the same port.

The supervisor makes one listening socket per worker (SO_REUSEPORT: the kernel spreads
connections over them) and keeps it for as long as it runs, so a worker can be replaced
without a single waiting connection being refused: the new worker listens on its predecessor's
socket, and the old one stops only once the new one is ready.

uvicorn's own supervisor hands every worker one shared socket. With it the stdlib event loop
accepts connections in bursts (in `make bench` one worker took all 64 clients: 1,846 req/s
instead of ~3,000) and leaves Nagle on (the inherited socket's `proto` is 0: small answers
waited ~40 ms), so several workers ran on uvloop, which served 64 keep-alive clients unevenly
(p99 101-158 ms, the slowest ~350). With a socket per worker, made as TCP, asyncio turns Nagle
off by itself: 64 clients 3,010-3,145 req/s, p99 34-37 ms, the slowest 41 (README
"Performance", session 26).
"""

import asyncio
import logging
import multiprocessing
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.synchronize import Event
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn

from service import metrics_files

log = logging.getLogger("service")
# A worker that dies sooner than this after starting is not restarted: something is wrong
# that a restart will not mend, and the supervisor stops.
SHORTEST_LIFE_SECONDS = 10.0
GRACEFUL_SHUTDOWN_SECONDS = 10
BACKLOG = 2048  # uvicorn's default
# A new worker that failed to start is tried again after this long; its predecessor serves on.
REPLACEMENT_RETRY_SECONDS = 60.0
MEMORY_CHECK_SECONDS = 0.5
# A worker is not replaced for memory when its limit leaves it less room than this to grow:
# it would be replaced again and again.
LEAST_MEMORY_HEADROOM_MB = 16
SETTLE_SECONDS = 0.1
# How every worker serves.
UVICORN_OPTIONS: dict[str, Any] = {
    "app": "service.app:create_app",
    "factory": True,
    # Measured in `make bench`: the stdlib loop serves 64 keep-alive clients fairly where uvloop
    # starved some (p99 over a second).
    "loop": "asyncio",
    "access_log": False,
    "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_SECONDS,
    "log_level": "warning",
    "backlog": BACKLOG,
}


def resident_mb(pid: int | str = "self") -> float | None:
    """A process's resident memory in MiB, this one's by default (None where /proc cannot
    tell)."""
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return None


def private_mb(pid: int | str = "self") -> float | None:
    """The memory only this process holds, in MiB (its pages shared with no other process; None
    where /proc cannot tell): what a forked process costs beyond its parent."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            kib = sum(int(line.split()[1]) for line in rollup if line.startswith("Private_"))
    except (OSError, ValueError, IndexError):
        return None
    return kib / 1024


class Worker(uvicorn.Server):
    """uvicorn's server that says when it is ready, and asks to be replaced once its resident
    memory passes `memory_limit_mb`: the pattern engines' caches grow with the variety of texts
    read, and the heap they come from does not shrink (README "Memory")."""

    def __init__(
        self,
        ready: Event,
        retire: Event,
        memory_limit_mb: int | None,
        release_pages: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__(uvicorn.Config(**UVICORN_OPTIONS))
        self.ready, self.retire, self.memory_limit_mb = ready, retire, memory_limit_mb
        self.release_pages = release_pages

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.should_exit:
            return
        self.ready.set()
        fresh = resident_mb()
        limit = self.memory_limit_mb
        if limit is None or fresh is None:
            return
        if fresh + LEAST_MEMORY_HEADROOM_MB > limit:
            log.warning(
                f"TRIAGE_WORKER_MEMORY_MB={limit} leaves a fresh worker ({fresh:.0f} MiB) too "
                "little room: workers are not replaced for memory",
                extra={"event": "memory_limit_too_low"},
            )
            return
        self._watch = asyncio.create_task(self._watch_memory(limit))

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # uvicorn closes every connection that has no request in progress, and one accepted just
        # before the listening socket closed may not have sent its request yet: it would be reset
        # unanswered (7 of 76,673 requests over 24 replacements). Stop accepting first, and let
        # those requests arrive.
        for server in self.servers:
            server.close()
        await asyncio.sleep(SETTLE_SECONDS)
        await super().shutdown(sockets)

    async def _watch_memory(self, limit: int) -> None:
        # Pages of memory-mapped files count in the resident memory too; they stay in the page
        # cache when released, so releasing them comes first, and again while the successor
        # starts.
        while True:
            if (resident_mb() or 0.0) > limit:
                self.release_pages()
                resident = resident_mb() or 0.0
                if resident > limit and not self.retire.is_set():
                    log.info(
                        f"worker passed its memory limit ({resident:.0f} > {limit} MiB): a "
                        "fresh one takes its place",
                        extra={"event": "worker_memory_limit"},
                    )
                    self.retire.set()
            await asyncio.sleep(MEMORY_CHECK_SECONDS)


def _listening_socket(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    sock.listen(BACKLOG)  # connections wait for a worker instead of being refused
    return sock


def _work(sock: socket.socket, ready: Event, retire: Event) -> None:
    # Imported here: pydantic would add ~12 MiB to the supervisor, which never reads settings.
    from service.language import release_pages
    from service.settings import Settings

    limit = Settings().worker_memory_mb or None
    Worker(ready, retire, limit, release_pages).run(sockets=[sock])


@dataclass
class _Process:
    process: Any  # multiprocessing's SpawnProcess
    ready: Event
    retire: Event
    started: float = field(default_factory=time.monotonic)


@dataclass
class _Slot:
    """One listening socket, its worker, and the worker about to take over from it."""

    sock: socket.socket
    worker: _Process
    successor: _Process | None = None
    next_try: float = 0.0


def serve_workers(host: str, port: int, count: int, metrics_dir: Path | None = None) -> int:
    """Run `count` workers until SIGTERM or SIGINT (passed on to them as SIGTERM; SIGHUP too,
    which makes each reload its model). A worker that dies is started again; one that asks to
    be replaced is stopped once its successor is ready, and the metric files in `metrics_dir`
    of each that ends are folded into the retired totals. Returns the exit code."""
    context = multiprocessing.get_context("spawn")
    try:
        sockets = [_listening_socket(host, port) for _ in range(count)]
    except OSError as err:
        print(f"error: cannot listen on {host}:{port}: {err.strerror}", file=sys.stderr)
        return 3
    leaving: list[Any] = []  # replaced workers finishing their requests

    def start(sock: socket.socket) -> _Process:
        ready, retire = context.Event(), context.Event()
        process = context.Process(target=_work, args=(sock, ready, retire), daemon=False)
        process.start()
        return _Process(process, ready, retire)

    def ended(process: Any) -> None:
        if metrics_dir is None:
            return
        try:
            metrics_files.retire(metrics_dir, process.pid)
        except (OSError, RuntimeError) as err:  # RuntimeError: a corrupt file
            # Its counts are lost from the totals; the service is not.
            log.error(
                "could not fold a finished worker's metrics into the totals",
                extra={"event": "metrics_not_retired", "reason": str(err)},
            )

    slots = [_Slot(sock, start(sock)) for sock in sockets]
    stopping = False

    def everyone() -> list[Any]:
        found = [p for s in slots for p in (s.worker, s.successor) if p is not None]
        return [p.process for p in found] + leaving

    def pass_on(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = stopping or signum != signal.SIGHUP
        # A terminal's Ctrl-C reaches the workers too; a second SIGINT would make uvicorn cut
        # the requests in flight, SIGTERM lets them finish.
        forward = signal.SIGTERM if signum == signal.SIGINT else signum
        for process in everyone():
            if process.is_alive():
                os.kill(process.pid, forward)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, pass_on)
    code = 0
    while not stopping and not code:
        now = time.monotonic()
        for slot in slots:
            worker, successor = slot.worker, slot.successor
            if not worker.process.is_alive():
                if successor is None and now - worker.started < SHORTEST_LIFE_SECONDS:
                    exit_code = worker.process.exitcode
                    print(f"error: a worker exited at start (code {exit_code})", file=sys.stderr)
                    code = 3
                    break
                log.error("worker died; starting another", extra={"event": "worker_restarted"})
                ended(worker.process)
                slot.worker, slot.successor = successor or start(slot.sock), None
            elif successor is not None and successor.ready.is_set():
                os.kill(worker.process.pid, signal.SIGTERM)  # it finishes its requests first
                leaving.append(worker.process)
                slot.worker, slot.successor = successor, None
            elif successor is not None and not successor.process.is_alive():
                log.error(
                    f"a new worker exited at start (code {successor.process.exitcode}); the "
                    f"old one serves on, and another is tried in {REPLACEMENT_RETRY_SECONDS:.0f} s",
                    extra={"event": "worker_replacement_failed"},
                )
                ended(successor.process)
                slot.successor, slot.next_try = None, now + REPLACEMENT_RETRY_SECONDS
            elif successor is None and worker.retire.is_set() and now >= slot.next_try:
                slot.successor = start(slot.sock)
        for process in leaving:
            if not process.is_alive():  # is_alive also reaps those that ended
                ended(process)
        leaving = [p for p in leaving if p.exitcode is None]
        time.sleep(0.2)
    if code:
        pass_on(signal.SIGTERM, None)
    for process in everyone():
        process.join(GRACEFUL_SHUTDOWN_SECONDS + 5)
        if process.is_alive():
            process.kill()
    return code
