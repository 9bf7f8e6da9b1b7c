"""Whether a text is mostly in another language than English, the only one the red-flag rules
and the model read: "Hindi ko na po maramdaman kung naiihi ako" holds a cauda equina sign that
no English rule can see (the mixed-language writer set, README "Red flags")."""

import functools
import string

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from training.text import normalised_words

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


@functools.cache
def identifier() -> LanguageIdentifier:
    """py3langid's model of 140 languages (~70 MiB, 0.4 s to load): loaded once a process."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


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
