"""WORKERS=n: n processes, each with a listening socket of its own on the same port.

uvicorn's own supervisor hands every worker one shared socket. With it the stdlib event loop
accepts connections in bursts (in `make bench` one worker took all 64 clients: 1,846 req/s
instead of ~3,000) and leaves Nagle on (the inherited socket's `proto` is 0: small answers
waited ~40 ms), so several workers ran on uvloop, which served 64 keep-alive clients unevenly
(p99 101-158 ms, the slowest ~350). With SO_REUSEPORT the kernel spreads connections over the
workers' sockets, and a socket made as TCP gets Nagle turned off by asyncio: 64 clients 3,010-
3,145 req/s, p99 34-37 ms, the slowest 41 (README "Performance", session 26).
"""

import logging
import multiprocessing
import os
import signal
import socket
import sys
import time
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

import uvicorn

log = logging.getLogger("service")
# A worker that dies sooner than this after starting is not restarted: something is wrong
# that a restart will not mend, and the supervisor stops.
SHORTEST_LIFE_SECONDS = 10.0
GRACEFUL_SHUTDOWN_SECONDS = 10
# How every worker serves, one alone (`python -m service`) or each of several.
UVICORN_OPTIONS: dict[str, Any] = {
    "app": "service.app:create_app",
    "factory": True,
    # Measured in `make bench`: the stdlib loop serves 64 keep-alive clients fairly where uvloop
    # starved some (p99 over a second).
    "loop": "asyncio",
    "access_log": False,
    "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_SECONDS,
    "log_level": "warning",
}


def _listening_socket(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    return sock


def _worker(host: str, port: int) -> None:
    config = uvicorn.Config(**UVICORN_OPTIONS)
    uvicorn.Server(config).run(sockets=[_listening_socket(host, port)])


def serve_workers(host: str, port: int, count: int) -> int:
    """Run `count` workers until SIGTERM or SIGINT (passed on to them; SIGHUP too, which makes
    each reload its model). A worker that dies is started again. Returns the exit code."""
    context = multiprocessing.get_context("spawn")
    started: dict[int, float] = {}

    def start() -> BaseProcess:
        process = context.Process(target=_worker, args=(host, port), daemon=False)
        process.start()
        started[process.pid] = time.monotonic()
        return process

    workers = [start() for _ in range(count)]
    stopping = False

    def pass_on(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = stopping or signum != signal.SIGHUP
        for process in workers:
            if process.is_alive():
                os.kill(process.pid, signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, pass_on)
    code = 0
    while not stopping:
        for i, process in enumerate(workers):
            if process.is_alive() or stopping:
                continue
            if time.monotonic() - started[process.pid] < SHORTEST_LIFE_SECONDS:
                print(f"error: a worker exited at start (code {process.exitcode})", file=sys.stderr)
                code = 3
                pass_on(signal.SIGTERM, None)
                break
            log.error("worker died; starting another", extra={"event": "worker_restarted"})
            workers[i] = start()
        time.sleep(0.2)
    for process in workers:
        process.join(GRACEFUL_SHUTDOWN_SECONDS + 5)
        if process.is_alive():
            process.kill()
    return code
