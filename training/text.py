"""The one text-normalisation function, shared by training and serving."""

import unicodedata

# Curly quotes and dashes from phones and word processors would otherwise split n-grams.
_TRANSLATE = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)


def normalise(text: str) -> str:
    """Fold case, compatibility characters and whitespace so the same words look the same."""
    # " ".join(text.split()) is re.sub(r"\s+", " ", text).strip() (str.split and the regex's
    # \s take the same characters as whitespace: tests/training/test_text.py checks every
    # one), at a quarter of the cost.
    return " ".join(normalised_words(text))


def normalised_words(text: str) -> list[str]:
    """normalise(text).split(), without joining the words only to split them again (the
    serving side reads a text word by word)."""
    if text.isascii():  # NFKC, the translation and casefold change nothing else in ASCII
        return text.lower().split()
    return unicodedata.normalize("NFKC", text).translate(_TRANSLATE).casefold().split()
