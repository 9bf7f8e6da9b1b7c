"""Hyperscan's compiled databases are kept once a machine and loaded by later processes, never
from a file that is damaged or that someone else could have written."""

import os
from pathlib import Path

import hyperscan
import pytest

from service import red_flags
from service.red_flags import PatternSet

PATTERNS = [r"\bfever", r"\bnumb\s+(down\s+there|bum)", r"\bwet\s+myself"]
TEXT = b"Since Tuesday I've had a fever, I'm numb down there and I wet myself twice."


@pytest.fixture
def kept_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "hyperscan"
    monkeypatch.setattr(red_flags, "COMPILED", folder)
    red_flags._database.cache_clear()  # as in a new process
    yield folder
    red_flags._database.cache_clear()


@pytest.fixture
def compilations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the databases made to be compiled (a loaded one is made by Hyperscan itself)."""
    counted: list[int] = []
    make = hyperscan.Database

    def counting(**kwargs: object) -> hyperscan.Database:
        counted.append(1)
        return make(**kwargs)

    monkeypatch.setattr(hyperscan, "Database", counting)
    return counted


def _new_process_matches() -> list[tuple[int, int, int]]:
    red_flags._database.cache_clear()
    return PatternSet(PATTERNS, ["test"] * len(PATTERNS)).matches(TEXT)


def test_a_later_process_loads_the_compiled_patterns(kept_in: Path, compilations: list) -> None:
    first = _new_process_matches()
    assert len(list(kept_in.glob("*.db"))) == 1 and len(compilations) == 1
    assert _new_process_matches() == first and len(compilations) == 1
    assert [index for index, _, _ in first] == [0, 1, 2]


def test_a_damaged_file_is_compiled_again(kept_in: Path, compilations: list) -> None:
    first = _new_process_matches()
    [kept] = kept_in.glob("*.db")
    data = bytearray(kept.read_bytes())
    data[-100] ^= 0xFF
    kept.write_bytes(bytes(data))
    assert _new_process_matches() == first and len(compilations) == 2


def test_a_folder_others_can_write_is_not_read(kept_in: Path, compilations: list) -> None:
    first = _new_process_matches()
    os.chmod(kept_in, 0o777)  # as if another user could have replaced its files
    assert _new_process_matches() == first and len(compilations) == 2


def test_patterns_that_differ_are_compiled_apart(kept_in: Path, compilations: list) -> None:
    _new_process_matches()
    red_flags._database.cache_clear()
    other = PatternSet([r"\bfever"], ["test"]).matches(TEXT)
    assert [index for index, _, _ in other] == [0]
    assert len(list(kept_in.glob("*.db"))) == 2 and len(compilations) == 2


def test_only_the_most_recent_databases_are_kept(
    kept_in: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(red_flags, "KEPT", 2)
    for patterns in (PATTERNS[:1], PATTERNS[:2], PATTERNS, PATTERNS[1:]):
        red_flags._database.cache_clear()
        PatternSet(patterns, ["test"] * len(patterns))
    assert len(list(kept_in.glob("*.db"))) == 2
