"""Files a process could rebuild but need not: kept once a machine, per user, in a folder of
the system's temp folder that only that user can write. A folder someone else could have written
is never read. Any of it may be deleted at any time."""

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def folder(name: str) -> Path:
    """Where the files called `name` are kept for this user."""
    return Path(tempfile.gettempdir()) / f"triage-{name}-{os.getuid()}"


def check_private(path: Path) -> None:
    """Only this user can have written the files read from here."""
    info = path.stat()
    if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise ValueError(f"{path} is not private to this user")


def make_private(path: Path) -> None:
    """The folder, made if missing, and only this user can have written it."""
    path.mkdir(mode=0o700, exist_ok=True)
    check_private(path)


@contextmanager
def written_whole(path: Path) -> Iterator[IO[bytes]]:
    """A file to write `path` into: written beside its final name and renamed when the block
    ends, so that a process starting at the same time reads either no file or a whole one."""
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as part:
        yield part
    os.replace(part.name, path)
