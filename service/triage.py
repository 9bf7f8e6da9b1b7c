"""Combine the model's prediction and the red flags into a triage level and advice."""

import re
from dataclasses import dataclass
from enum import StrEnum

from service.predictor import Prediction
from service.red_flags import RedFlag


class TriageLevel(StrEnum):
    EMERGENCY = "emergency"
    SEE_DOCTOR = "see_doctor"
    SELF_CARE = "self_care"


NOT_A_DIAGNOSIS = (
    "This is not a diagnosis: it says which condition the description most resembles. "
    "A clinician should assess you."
)

# Usual care, in plain words, from the domain brief (shared/domain.md).
CARE = {
    "muscle_strain": "Often a strain of the back muscles or ligaments. It usually settles within "
    "days to weeks with gentle movement, ice or heat, stretching and over-the-counter pain "
    "relief.",
    "poor_posture": "Often postural pain. Regular breaks, exercise, a supportive adjusted chair "
    "and workstation, and good lifting technique usually help.",
    "fibromyalgia": "The pattern resembles fibromyalgia, a long-term pain condition. A doctor can "
    "help with medication, exercise, sleep and stress care.",
    "arthritis": "The pattern resembles arthritis of the spine or hips. A doctor or "
    "physiotherapist can advise on exercise, physical therapy and medication.",
    "sciatica": "The pattern resembles sciatica (pressure on the sciatic nerve). It often settles "
    "with gentle activity and pain relief; see a doctor if it persists or you have numbness, "
    "tingling or weakness.",
    "spinal_infection": "Back pain with signs of infection needs a doctor urgently: spinal "
    "infections are treated with antibiotics.",
    "ankylosing_spondylitis": "The pattern resembles ankylosing spondylitis, an inflammatory "
    "condition of the spine. A doctor can arrange tests and treatment.",
}
SEE_DOCTOR_CONDITIONS = frozenset(
    {"spinal_infection", "ankylosing_spondylitis", "arthritis", "fibromyalgia"}
)
SELF_CARE_CONDITIONS = frozenset({"muscle_strain", "poor_posture", "sciatica"})
# Self-care needs the model to be fairly sure the condition is a self-care one.
SELF_CARE_MIN_PROBABILITY = 0.7
# Severe, persistent or recurring pain, or pain with other symptoms: see a doctor.
SEE_DOCTOR_SIGNS = re.compile(
    r"\b(severe|excruciating|unbearable|agony|worst|(for|over|past|last)\s+(\w+\s+)?(weeks|months|"
    r"years)|\d+\s*(weeks|months|/52|/12)|keeps?\s+(coming|getting)|recurr\w*|again\s+and\s+again|"
    r"not\s+(getting\s+)?better|no\s+better|worse|numb\w*|tingl\w*|pins\s+and\s+needles|weak\w*|"
    r"stiff\w*\s+(all|every)|painkillers\s+(don.?t|not)|nothing\s+helps)\b",
    re.IGNORECASE,
)
# The same pattern without IGNORECASE, for ASCII text lower-cased first: Python's re runs it
# about three times faster, and there it matches exactly where the pattern does (its letters
# are all lower-case, checked by tests/service/test_triage.py, and ASCII has no other case pairs).
_SEE_DOCTOR_SIGNS_LOWER = re.compile(SEE_DOCTOR_SIGNS.pattern)

EMERGENCY_ADVICE = (
    "Seek immediate medical help (emergency department or emergency services): the description "
    "includes signs that need urgent assessment."
)
ABSTAIN_ADVICE = (
    "This does not look like a description of lower back or leg pain, so no condition is "
    "suggested. If you are unwell, contact a doctor, pharmacist or your local health service."
)
VAGUE_ADVICE = (
    "There is too little here to suggest a condition. Say where it hurts, how and when it "
    "started, what makes it better or worse, and any other symptoms (numbness, weakness, "
    "fever, bladder or bowel changes). If it is severe, getting worse or not improving, see a "
    "doctor."
)
SEE_DOCTOR_ADVICE = "See a doctor soon."
# For a text the service cannot read: the signs of shared/domain.md, for the person to check.
NOT_ENGLISH_ADVICE = (
    "Most of this text is not in English, the only language this service reads, so it may "
    "have missed signs that need urgent help. Seek immediate medical help if there is new "
    "trouble passing or holding urine or stool, numbness between the legs or around the back "
    "passage, leg weakness that is getting worse or sudden trouble standing or walking, fever, "
    "chills or night sweats, a history of cancer or weight loss without trying, a fall or "
    "accident, or sudden severe tearing pain in the back or belly, or fainting. Otherwise see a "
    "doctor soon."
)
SELF_CARE_ADVICE = (
    "Home care is likely to help; see a doctor if it does not improve in a few weeks."
)


def has_see_doctor_signs(text: str) -> bool:
    """Whether SEE_DOCTOR_SIGNS occurs in the text."""
    if text.isascii():
        return _SEE_DOCTOR_SIGNS_LOWER.search(text.lower()) is not None
    return SEE_DOCTOR_SIGNS.search(text) is not None


@dataclass(frozen=True)
class TriageDecision:
    level: TriageLevel
    advice: str


def decide(
    text: str, prediction: Prediction, red_flags: list[RedFlag], english: bool = True
) -> TriageDecision:
    """Red flags always win; then a text mostly not in English is never self-care (what the
    rules and model read there says little); then the condition, its certainty and signs of
    severity decide."""
    if red_flags:
        categories = ", ".join(sorted({flag.category.replace("_", " ") for flag in red_flags}))
        return TriageDecision(
            TriageLevel.EMERGENCY,
            f"{EMERGENCY_ADVICE} Signs found: {categories}. {NOT_A_DIAGNOSIS}",
        )
    if not english:
        return TriageDecision(TriageLevel.SEE_DOCTOR, f"{NOT_ENGLISH_ADVICE} {NOT_A_DIAGNOSIS}")
    if prediction.vague:
        return TriageDecision(TriageLevel.SEE_DOCTOR, f"{VAGUE_ADVICE} {NOT_A_DIAGNOSIS}")
    if prediction.abstained or prediction.condition is None:
        return TriageDecision(TriageLevel.SEE_DOCTOR, f"{ABSTAIN_ADVICE} {NOT_A_DIAGNOSIS}")
    care = CARE.get(prediction.condition, "")
    probabilities = prediction.probabilities
    self_care = (
        prediction.condition in SELF_CARE_CONDITIONS
        and sum(probabilities.get(label, 0.0) for label in SELF_CARE_CONDITIONS)
        >= SELF_CARE_MIN_PROBABILITY
        and not has_see_doctor_signs(text)
    )
    level = TriageLevel.SELF_CARE if self_care else TriageLevel.SEE_DOCTOR
    general = SELF_CARE_ADVICE if self_care else SEE_DOCTOR_ADVICE
    return TriageDecision(
        level, " ".join(part for part in (care, general, NOT_A_DIAGNOSIS) if part)
    )
