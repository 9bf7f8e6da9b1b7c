"""The language identifier reads its tables memory-mapped, and answers as py3langid's own."""

import os
import re
from pathlib import Path

import numpy as np
import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from service import language

TEXTS = [
    "My lower back has been aching for three weeks since I moved house.",
    "Me duele la espalda desde hace tres semanas y no puedo dormir.",
    "Hindi ko na po maramdaman kung naiihi ako, masakit ang likod ko.",
    "Depuis hier je ne sens plus mes jambes et j'ai mal au dos.",
    "Seit gestern habe ich starke Rückenschmerzen und Fieber.",
    "LBP 3/7, BNO, nil urge, SLR 40 L.",
]


@pytest.fixture
def unpacked_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "langid"
    monkeypatch.setattr(language, "UNPACKED", folder)
    language.identifier.cache_clear()
    yield folder
    language.identifier.cache_clear()


@pytest.fixture(scope="module")
def packaged() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def test_the_identifier_maps_its_big_tables_from_the_unpacked_folder(unpacked_in: Path) -> None:
    found = language.identifier()
    assert isinstance(found.nb_ptc, np.memmap)
    assert {path.name for path in unpacked_in.glob("*/*")} == {
        "ptc.npy",
        "nextmove.npy",
        "rest.npz",
    }


@pytest.mark.parametrize("text", TEXTS)
def test_the_mapped_identifier_answers_as_the_packaged_one(
    unpacked_in: Path, packaged: LanguageIdentifier, text: str
) -> None:
    language.identifier()  # unpacks
    language.identifier.cache_clear()
    assert language.identifier().classify(text) == packaged.classify(text)


def test_a_folder_others_can_write_is_not_read_and_the_model_is_loaded_into_memory(
    unpacked_in: Path, packaged: LanguageIdentifier
) -> None:
    unpacked_in.mkdir(mode=0o777)
    os.chmod(unpacked_in, 0o777)  # as if another user had made it
    found = language.identifier()
    assert not isinstance(found.nb_ptc, np.memmap)
    assert found.classify(TEXTS[1]) == packaged.classify(TEXTS[1])


def _resident_kib_of(folder: Path) -> int:
    """This process's resident memory in the files mapped from `folder`."""
    resident, inside = 0, False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        if re.match(r"[0-9a-f]+-[0-9a-f]+ ", line):  # a mapping's first line names its file
            inside = str(folder) in line
        elif inside and line.startswith("Rss:"):
            resident += int(line.split()[1])
    return resident


def test_released_pages_of_the_mapped_tables_leave_resident_memory_and_answers_unchanged(
    unpacked_in: Path,
) -> None:
    found = language.identifier()
    answers = [found.classify(text) for text in TEXTS]
    assert _resident_kib_of(unpacked_in) > 0

    language.release_pages()

    assert _resident_kib_of(unpacked_in) == 0
    assert [found.classify(text) for text in TEXTS] == answers
