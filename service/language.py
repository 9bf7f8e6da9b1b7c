"""Whether a text is mostly in another language than English, the only one the red-flag rules
and the model read: "Hindi ko na po maramdaman kung naiihi ako" holds a cauda equina sign that
no English rule can see (the mixed-language writer set, README "Red flags")."""

import functools
import logging
import mmap
import string
from array import array
from pathlib import Path

import numpy as np
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
from py3langid.modelio import load_model

from service import machine_cache
from training.text import normalised_words

log = logging.getLogger(__name__)

# A text is only given to the language identifier when fewer than this share of its words are
# words the model or the rules know: 0-1.6% of the texts of each labelled English set fall below
# it, 30% of the mixed-language set, so nearly every request skips the identifier (~150 µs).
KNOWN_SHARE = 0.6
# How sure the identifier must be of another language. Clinical shorthand ("LBP. BNO 4/7, nil
# urge.") reads to it as Latin or Javanese at 0.02-0.3; sentences in Tagalog, Hindi, Spanish or
# Jamaican patois at 0.5-1.0.
SURE = 0.5
ENGLISH = "en"
# The words read for the share: enough to tell the language, and a long text costs no more.
SAMPLE_WORDS = 50
SAMPLE_CHARACTERS = 400  # more than 50 words of English, read before splitting
_EDGES = string.punctuation + string.digits  # "back," is "back"; "38.2" is no word
# Romanised Hindi and Urdu, which the identifier does not know: it reads "Kamar mein dard bahut
# hai" as Malay or Javanese at 0.2-0.35. Three of these small words among the sampled words of a
# text below KNOWN_SHARE mark it as not English (37 texts of the labelled sets, all Hindi-English
# mixes; none of the English sets has three). Written as words, not a list of strings.
ROMANISED_HINDI = frozenset(
    "hai hain mein nahi nahin raha rahi rahe bahut kya aur tha thi ko ka ki ke se ho gaya gayi "  # noqa: SIM905
    "ji kar karu kuch mera meri mere hua hui wala wali".split()
)
HINDI_WORDS = 3


# The identifier's two big tables, unpacked once a machine (per user, per model file) into a
# folder only that user can write, then memory-mapped by every process: a worker holds only the
# pages it reads (few texts need the identifier) and the workers share them, where the packed
# model unpacks into ~65 MiB of private memory in each. The folder may be deleted at any time.
UNPACKED = machine_cache.folder("langid")
_MAPPED = ("ptc", "nextmove")


@functools.cache
def identifier() -> LanguageIdentifier:
    """py3langid's model of 142 languages: loaded once a process (~0.1 s, 0.4 s the first time
    on a machine)."""
    packed = MODEL_DIR / MODEL_FILE
    info = packed.stat()
    folder = UNPACKED / f"{info.st_size}-{info.st_mtime_ns}"
    try:
        if not (folder / "rest.npz").exists():
            _unpack(packed, folder)
        return _mapped(folder)
    except (OSError, ValueError) as err:  # no writable temp folder, or someone else's files
        log.warning(
            "language model not memory-mapped, loaded into memory",
            extra={"event": "langid_in_memory", "reason": str(err)},
        )
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _unpack(packed: Path, folder: Path) -> None:
    ptc, pc, classes, nextmove, row, output = load_model(packed)
    machine_cache.make_private(UNPACKED)
    folder.mkdir(mode=0o700, exist_ok=True)
    arrays = {"ptc": np.asarray(ptc), "nextmove": np.asarray(nextmove)}
    rest = {"pc": pc, "classes": np.array(classes), "row": np.asarray(row)}
    for name, values in arrays.items():
        with machine_cache.written_whole(folder / f"{name}.npy") as part:
            np.save(part, values)
    with machine_cache.written_whole(folder / "rest.npz") as part:
        np.savez(part, output=np.asarray(output, dtype=np.int32), **rest)


def _mapped(folder: Path) -> LanguageIdentifier:
    machine_cache.check_private(UNPACKED)
    ptc, nextmove = (np.load(folder / f"{name}.npy", mmap_mode="r") for name in _MAPPED)
    with np.load(folder / "rest.npz") as rest:
        pc, classes, row, output = rest["pc"], rest["classes"], rest["row"], rest["output"]
        return LanguageIdentifier(
            ptc,
            pc,
            classes.tolist(),
            # Indexed once a byte of text: a memoryview gives Python ints, as the array it replaces.
            memoryview(nextmove).cast("B").cast(nextmove.dtype.char),
            output.tolist(),
            norm_probs=True,
            tk_row=array(row.dtype.char, row.tobytes()),
        )


def mostly_not_english(text: str, known: frozenset[str]) -> bool:
    """Whether `text` is mostly not English: few of its first words are in `known` (lower-case
    words) and they are romanised Hindi, or the language identifier is sure of another language."""
    sample = normalised_words(text[:SAMPLE_CHARACTERS])[:SAMPLE_WORDS]
    words = [word.strip(_EDGES) for word in sample]
    words = [word for word in words if word]
    if not words or sum(word in known for word in words) >= KNOWN_SHARE * len(words):
        return False
    if len(ROMANISED_HINDI.intersection(words)) >= HINDI_WORDS:
        return True
    language, probability = identifier().classify(text)
    return language != ENGLISH and probability >= SURE


def release_pages() -> None:
    """Drop this process's resident pages of the memory-mapped tables.

    They stay in the page cache, shared by the workers, and the next read maps them again (a
    minor page fault, no disk read), but they stop counting in this process's resident memory,
    which decides when a worker is replaced: reading 8,000 texts maps ~33 MiB of them.
    """
    if not identifier.cache_info().currsize:
        return
    found = identifier()
    for table in (found.nb_ptc, found.tk_nextmove):
        mapping = getattr(getattr(table, "obj", table), "base", None)  # a memoryview's array
        if isinstance(mapping, mmap.mmap):
            mapping.madvise(mmap.MADV_DONTNEED)
