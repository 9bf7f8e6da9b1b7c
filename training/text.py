"""The one text-normalisation function, shared by training and serving."""

import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")
# Curly quotes and dashes from phones and word processors would otherwise split n-grams.
_TRANSLATE = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)


def normalise(text: str) -> str:
    """Fold case, compatibility characters and whitespace so the same words look the same."""
    if text.isascii():  # NFKC, the translation and casefold change nothing else in ASCII
        return _WHITESPACE.sub(" ", text.lower()).strip()
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE).casefold()
    return _WHITESPACE.sub(" ", text).strip()
