"""A batch shared with a forked copy of the worker, so that two cores assess it.

A worker answers one request at a time, on one core: a 256-text batch took ~70 ms here, 30 of
them in the model and 35 in the red-flag rules, both Python that holds the GIL (threads do not
help). A process forked from the worker after the model is loaded shares its memory (copy on
write; the loaded objects are frozen out of the garbage collector, which would otherwise touch
them) and needs no loading of its own. It assesses the first part of each batch while the worker
assesses the rest (README "Speed").

Nothing is lost when the helper fails: if it has died, errs or takes too long, the worker
assesses its part itself, and a new helper is forked at the next batch. A helper serves one
Assessor: after a reload the next batch forks a new one from the new model. Like its worker, a
helper grows with the variety of texts it reads, in pages of its own; once the worker's resident
memory and the helper's own pages together pass the worker's memory limit, the helper is ended
after its batch, and the next batch forks a fresh one (a fork takes a few milliseconds).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from service.assessment import Assessor

log = logging.getLogger("service")
# Smaller batches are assessed in the worker alone. Measured in process with the test split:
# 8 texts 0.93 -> 0.62 ms shared, 64 texts 13.7 -> 9.5 ms, 256 texts 66 -> 38 ms.
MIN_TEXTS = 8
# The helper's part: the worker also reads the request and writes the whole answer.
HELPER_SHARE = 0.45
# Longer than any batch takes (256 texts of 5,000 characters: ~1 s); then the worker goes on alone.
TIMEOUT_SECONDS = 30.0


class BatchHelper:
    """Assesses batches with the help of a forked process (one per worker)."""

    def __init__(self, enabled: bool = True, memory_limit_mb: int | None = None) -> None:
        self.enabled = enabled and hasattr(os, "fork")
        self.memory_limit_mb = memory_limit_mb
        self._assessor: Assessor | None = None  # the one the helper was forked with
        self._connection: Connection | None = None
        self.pid: int | None = None
        self._busy = threading.Lock()

    def assess_many(self, assessor: Assessor, texts: list[str]) -> list[dict[str, Any]]:
        """The same answers as `assessor.assess_many(texts)`, in order."""
        if not self.enabled or len(texts) < MIN_TEXTS or not self._busy.acquire(blocking=False):
            return assessor.assess_many(texts)
        try:
            return self._shared(assessor, texts)
        finally:
            self._busy.release()

    def _shared(self, assessor: Assessor, texts: list[str]) -> list[dict[str, Any]]:
        if self._assessor is not assessor:
            self.stop()
            self._fork(assessor)
        if self._connection is None:  # could not fork
            return assessor.assess_many(texts)
        split = int(len(texts) * HELPER_SHARE)
        try:
            self._connection.send_bytes(orjson.dumps(texts[:split]))
            sent = True
        except OSError:  # died since the last batch
            sent = False
        mine = assessor.assess_many(texts[split:])
        theirs = self._receive() if sent else None
        if theirs is None or len(theirs) != split:
            self.stop()  # a new one is forked at the next batch
            theirs = assessor.assess_many(texts[:split])
        elif self._over_memory_limit():
            self.stop()
        return theirs + mine

    def _over_memory_limit(self) -> bool:
        # Imported here: the worker module brings uvicorn, which a helper's user may not need.
        from service.workers import private_mb, resident_mb

        if not self.memory_limit_mb or self.pid is None:
            return False
        # The limit holds for the worker and its helper together: the worker's resident memory
        # and what the helper holds beyond the pages it shares with it.
        worker, helper = resident_mb(), private_mb(self.pid)
        if worker is None or helper is None or worker + helper <= self.memory_limit_mb:
            return False
        log.info(
            f"worker and batch helper passed their memory limit ({worker:.0f} + {helper:.0f} > "
            f"{self.memory_limit_mb} MiB): a fresh helper is forked at the next batch",
            extra={"event": "helper_memory_limit"},
        )
        return True

    def _receive(self) -> list[dict[str, Any]] | None:
        connection = self._connection
        assert connection is not None
        try:
            if not connection.poll(TIMEOUT_SECONDS):
                log.error("batch helper too slow; worker went on", extra={"event": "helper"})
                return None
            answer = connection.recv_bytes()
        except (OSError, EOFError):
            log.error("batch helper died; assessed in the worker", extra={"event": "helper"})
            return None
        return orjson.loads(answer) if answer else None

    def _fork(self, assessor: Assessor) -> None:
        ours, theirs = Pipe()
        try:
            pid = os.fork()
        except OSError as err:
            log.error("cannot fork a batch helper", extra={"event": "helper", "reason": str(err)})
            ours.close()
            theirs.close()
            self.enabled = False
            return
        if pid == 0:  # the helper
            code = 1
            try:
                ours.close()
                _serve(theirs, assessor)
                code = 0
            finally:
                os._exit(code)  # never back into the worker's code (its atexit, its loop)
        theirs.close()
        self._assessor, self._connection, self.pid = assessor, ours, pid

    def stop(self) -> None:
        """End the helper (it also ends by itself when the worker exits: its pipe closes)."""
        connection, pid = self._connection, self.pid
        self._assessor = self._connection = self.pid = None
        if connection is not None:
            connection.close()
        if pid is not None:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)  # it may be mid-batch after a timeout
                os.waitpid(pid, 0)


def _serve(connection: Connection, assessor: Assessor) -> None:
    """The helper's loop: texts in, answers out, until the worker closes the pipe."""
    # Inherited from the worker: a handler that would write Ctrl-C and SIGTERM into the worker's
    # event loop, and its sockets (a listening socket held here would outlive the worker).
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the worker is told; its exit ends this one
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    keep = connection.fileno()
    os.closerange(3, keep)
    os.closerange(keep + 1, os.sysconf("SC_OPEN_MAX"))
    while True:
        try:
            texts = orjson.loads(connection.recv_bytes())
        except EOFError:
            return
        try:
            answer = orjson.dumps(assessor.assess_many(texts))
        except Exception:  # the worker assesses these texts itself
            answer = b""
        connection.send_bytes(answer)
