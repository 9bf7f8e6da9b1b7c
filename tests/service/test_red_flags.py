"""The red-flag engine: rules a clinician can review, read in context as a person would."""

import copy
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.red_flags import (
    _STAND_INS,
    CATEGORIES,
    DEFAULT_RULES_FILE,
    RedFlagEngine,
    RulesError,
    ascii_shadow,
    parse_rules,
)
from tests.conftest import DATASETS

DOCUMENT = yaml.safe_load(DEFAULT_RULES_FILE.read_text(encoding="utf-8"))
RULES = DOCUMENT["rules"]
POSITIVES = [(rule["id"], text) for rule in RULES for text in rule["examples"]["positive"]]
TRAPS = [(rule["category"], text) for rule in RULES for text in rule["examples"]["trap"]]
BENIGN = [
    "I'm 45 and I work in an office.",
    "It started on Monday after the school run.",
    "Paracetamol takes the edge off.",
    "Thanks for reading this.",
    "My GP appointment is next week.",
]


def broken(**change) -> dict:
    document = copy.deepcopy(DOCUMENT)
    document["rules"][0].update(change)
    return document


def test_the_shipped_rules_file_loads(engine: RedFlagEngine) -> None:
    assert {rule.category for rule in engine.rules} == set(CATEGORIES)


def test_an_unknown_category_is_refused_naming_the_rule() -> None:
    with pytest.raises(RulesError, match=r"rule ce_urinary_retention: unknown category 'bladder'"):
        parse_rules(broken(category="bladder"))


def test_a_duplicate_rule_id_is_refused() -> None:
    document = copy.deepcopy(DOCUMENT)
    document["rules"][1]["id"] = document["rules"][0]["id"]
    with pytest.raises(RulesError, match="duplicate rule id"):
        parse_rules(document)


def test_a_pattern_that_does_not_compile_is_refused_naming_the_rule() -> None:
    with pytest.raises(RulesError, match=r"rule ce_urinary_retention: pattern '\(unclosed'"):
        parse_rules(broken(patterns=["(unclosed"]))


def test_a_pattern_that_matches_empty_text_is_refused_naming_the_rule() -> None:
    with pytest.raises(RulesError, match=r"rule ce_urinary_retention: .* matches empty text"):
        parse_rules(broken(patterns=["(retention)?"]))


def test_a_pattern_with_capitals_is_refused() -> None:
    with pytest.raises(RulesError, match="write patterns in lowercase"):
        parse_rules(broken(patterns=["Fever"]))


@pytest.mark.parametrize("word", [10, "Back", "back pain", "i"])
def test_an_ordinary_word_the_detector_cannot_read_is_refused(word) -> None:
    document = copy.deepcopy(DOCUMENT)
    document["ordinary_words"] = {"plain": ["back"], "clues": ["stiff", word]}
    with pytest.raises(RulesError, match="ordinary_words"):
        parse_rules(document)


def one_rule_engine(pattern: str) -> RedFlagEngine:
    """An engine with the first rule of the test document, its patterns replaced by this one."""
    document = broken(patterns=[pattern])
    for key in ("requires", "unless"):
        document["rules"][0].pop(key, None)
    rules, context = parse_rules(document)
    return RedFlagEngine(rules[:1], context)


def test_a_space_inside_a_character_class_stays_inside_it() -> None:
    engine = one_rule_engine(r"\bpost[- ]*void\b")
    assert [f.evidence for f in engine.find("Bladder scan: postvoid residual 600 ml.")] == [
        "postvoid"
    ]


@pytest.mark.parametrize("written", ["wetting myself", "wettin myself", "wettin' myself"])
def test_a_word_ending_in_ing_also_matches_without_its_g(written) -> None:
    engine = one_rule_engine(r"\bwetting\s+myself\b")
    assert [f.category for f in engine.find(f"I keep {written} since Monday.")] == ["cauda_equina"]


def test_a_dropped_g_does_not_undo_what_follows_a_word() -> None:
    # "not trying to be dramatic" is no weight loss; "not tryin" must not match around it.
    engine = one_rule_engine(r"\bnot\s+trying(?!\s+to\s+(?!lose\b))")
    assert engine.find("Not trying to be dramatic, but my back is sore.") == []


def test_a_missing_rules_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="rules file not found"):
        RedFlagEngine.from_file(tmp_path / "missing.yaml")


def test_every_rule_has_a_positive_and_a_trap_example() -> None:
    for rule in RULES:
        assert rule["examples"]["positive"], rule["id"]
        assert rule["examples"]["trap"], rule["id"]


@pytest.mark.parametrize(("rule_id", "text"), POSITIVES)
def test_positive_example_is_flagged_by_its_rule(engine, rule_id: str, text: str) -> None:
    assert rule_id in {flag.rule for flag in engine.find(text)}


@pytest.mark.parametrize(("category", "text"), TRAPS)
def test_trap_example_does_not_flag_its_category(engine, category: str, text: str) -> None:
    assert category not in {flag.category for flag in engine.find(text)}


def test_evidence_offsets_point_into_the_submitted_text(engine) -> None:
    text = "Hi.  My back went on Friday and since then I CAN’T feel when I pee, and no fever."
    flags = engine.find(text)
    assert flags
    for flag in flags:
        assert text[flag.start : flag.end] == flag.evidence


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Ça fait mal 😣 — since Monday I've wet myself twice without noticing", "cauda_equina"),
        ("Pt febrile, temp 38.9°C, rigors, LBP ↑ since discectomy", "infection"),
        ("Ich habe Rückenschmerzen. Weight 72 → 64 kg in 2 months, not trying", "malignancy"),
    ],
)
def test_non_ascii_text_keeps_signs_and_their_offsets(engine, text: str, category: str) -> None:
    flags = engine.find(text)
    assert category in {flag.category for flag in flags}
    assert all(text[flag.start : flag.end] == flag.evidence for flag in flags)


@pytest.mark.parametrize("space", ["\x0b", "\x1c", "\x1f"])
def test_a_control_character_that_python_reads_as_space_does_not_hide_a_sign(space) -> None:
    document = copy.deepcopy(DOCUMENT)
    document["rules"] = [{**document["rules"][0], "patterns": [r"\bnumb\s+bum\b"]}]
    engine = RedFlagEngine(*parse_rules(document))
    assert [f.evidence for f in engine.find(f"my back aches and I am numb{space}bum")] == [
        f"numb{space}bum"
    ]


def test_no_symbol_stand_in_is_a_character_the_shadow_turns_into_a_space() -> None:
    assert [c for c in _STAND_INS if ascii_shadow(c) != c.encode()] == []


def test_suppressed_signs_say_why(engine) -> None:
    _, suppressed = engine.explain("No fever. My dad had bowel cancer.")
    reasons = {(s.category, s.reason) for s in suppressed}
    assert ("infection", "negated") in reasons
    assert ("malignancy", "other_person") in reasons


def test_a_negated_list_suppresses_every_sign_in_it(engine) -> None:
    assert engine.find("Denies fever, night sweats, weight loss or urinary retention.") == []


def test_a_long_denied_list_reaches_its_last_item(engine) -> None:
    text = (
        "Denies: fever/rigors/NS, wt loss, PMHx malignancy, IVDU, recent spinal procedure, "
        "trauma, B&B change, saddle anaesthesia, leg weakness."
    )
    assert engine.find(text) == []


def test_a_reported_sign_after_a_denied_list_counts(engine) -> None:
    text = "Denies fever, rigors or weight loss, c/o saddle anaesthesia since yesterday."
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_a_checklists_minus_signs_negate_each_item(engine) -> None:
    assert engine.find("34F LBP x1/52. Fever -, wt loss -, night pain -, hx ca -.") == []


def test_hay_fever_is_not_a_fever(engine) -> None:
    assert engine.find("Hay fever all spring, and my lower back aches after gardening.") == []


def test_but_ends_the_scope_of_a_negation(engine) -> None:
    flags = engine.find("No fever but I have wet myself twice today")
    assert {f.category for f in flags} == {"cauda_equina"}


def test_a_sign_in_its_own_clause_after_a_negation_counts(engine) -> None:
    text = "Not on any diet, lost 9kg since summer and my lower back aches every night."
    assert "malignancy" in {flag.category for flag in engine.find(text)}


def test_the_persons_own_past_cancer_stays_a_flag(engine) -> None:
    assert {f.category for f in engine.find("I had breast cancer ten years ago.")} == {"malignancy"}


def test_resolved_trauma_is_not_a_flag(engine) -> None:
    assert engine.find("I fell off a ladder ten years ago, fully recovered.") == []


def test_an_uncertain_sign_counts(engine) -> None:
    assert {f.category for f in engine.find("?fever, LBP x3/7")} == {"infection"}


def test_safety_netting_advice_covers_every_sign_listed_after_it(engine) -> None:
    text = (
        "The 111 nurse said to watch out for: not being able to wee, numbness between my legs, "
        "my legs going weak, or a fever. Right now it is just a sore lower back."
    )
    assert engine.find(text) == []


def test_a_sign_after_safety_netting_that_has_now_happened_counts(engine) -> None:
    text = "GP said to go to A&E if it spread, and now I can't feel my bum on the toilet seat."
    assert "cauda_equina" in {f.category for f in engine.find(text)}


def test_a_warning_that_came_true_in_the_next_sentence_counts(engine) -> None:
    text = (
        "My GP said 'come back if you get any numbness in your private parts'. "
        "I went numb there yesterday and it's still numb."
    )
    assert "cauda_equina" in {f.category for f in engine.find(text)}


def test_a_sign_marked_plus_after_a_denied_item_counts(engine) -> None:
    text = "Bilat sciatica 1/52. Today: no urinary retention, saddle numbness +, walking OK."
    assert "cauda_equina" in {f.category for f in engine.find(text)}


def test_a_checklist_someone_went_through_is_not_a_flag(engine) -> None:
    text = (
        "The GP went through a whole checklist: any trouble peeing, any numbness round your "
        "bottom, any fevers, any weight loss. The answer was no to all of it."
    )
    assert engine.find(text) == []


def test_a_young_persons_slip_onto_their_bottom_is_not_major_trauma(engine) -> None:
    assert engine.find("Slipped on black ice and landed on my bum. 20, walking fine.") == []


def test_an_older_persons_minor_fall_is_a_fracture_flag(engine) -> None:
    text = "my dad (80) missed the bottom step and landed on his bum, back pain is awful"
    assert {f.category for f in engine.find(text)} == {"fracture"}


def test_a_forms_question_answered_no_is_not_a_flag(engine) -> None:
    assert engine.find("Q: Have you had a fever? A: no. Back sore after gardening.") == []


def test_a_forms_question_answered_yes_is_a_flag(engine) -> None:
    text = "Q: Any numbness around your bottom? A: yes, a bit when I wipe."
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_a_transcripts_question_answered_no_on_the_next_line_is_not_a_flag(engine) -> None:
    text = (
        "Nurse: Any numbness around your bottom or between your legs?\n"
        "Caller: No.\nNurse: And the pain?\nCaller: Low back, since Friday."
    )
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "My friend had cauda equina. I just have a sore back from the gym.",
        "Neighbour's lad came off his motorbike and broke his back, I've only pulled mine weeding.",
        "Chemo? Not me - I drive my best friend to hers. My back aches from the car seat.",
        "My flatmate injects and I worry about him. Me, I've just got a stiff back from the sofa.",
        "My husband have cancer in prostate. I am the one with back pain, from lifting him.",
    ],
)
def test_someone_elses_sign_beside_the_writers_plain_back_pain_is_not_a_flag(
    engine, text: str
) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    ["what is cauda equina syndrome", "what is a triple A and does it cause back pain"],
)
def test_a_general_question_typed_without_its_question_mark_is_not_a_flag(
    engine, text: str
) -> None:
    assert engine.find(text) == []


def test_a_sign_typed_like_a_search_without_a_question_is_still_a_flag(engine) -> None:
    text = "cant feel my bum when i wipe since yesterday back agony"
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_a_quoted_question_answered_no_on_the_next_line_is_not_a_flag(engine) -> None:
    text = "> Any numbness round your bum, or a fever?\nNope, none of those. Just stiff."
    assert engine.find(text) == []


def test_no_idea_on_the_line_after_a_question_is_not_an_answer(engine) -> None:
    text = "Why can't I feel my bum when I wipe?\nNo idea what's going on, back agony since Monday."
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_a_transcripts_no_taken_back_on_the_same_line_stays_a_flag(engine) -> None:
    text = (
        "Nurse: Any numbness around your bottom or between your legs?\n"
        "Caller: No... well, actually a bit when I wipe, since yesterday."
    )
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_a_chats_question_answered_with_a_relatives_name_is_not_a_flag(engine) -> None:
    text = (
        "Bot: Have you had cancer in the past?\nUser: my mum did\nBot: Any weight loss?\nUser: no"
    )
    assert engine.find(text) == []


def test_a_fever_that_is_all_over_now_is_not_a_flag(engine) -> None:
    text = "Had flu a fortnight ago with a high temp, all over now. Lower back sore from the sofa."
    assert engine.find(text) == []


def test_a_normal_reading_later_in_the_text_clears_a_fever(engine) -> None:
    text = (
        "Her fever last night turned out to be shivering after the outdoor pool. "
        "Temp's been 36.5 every check since. Back sore from the paddleboard."
    )
    assert engine.find(text) == []
    assert {s.reason for s in engine.explain(text)[1]} == {"cleared_later"}


def test_quoted_words_that_turned_out_to_mean_something_else_are_not_a_flag(engine) -> None:
    text = (
        "The carers told me Mum 'fainted' but when I asked properly she'd dozed off in the "
        "lounge. Her back is the same as ever."
    )
    assert engine.find(text) == []
    assert {s.reason for s in engine.explain(text)[1]} == {"reinterpreted"}


def test_quoted_words_that_turned_out_to_be_true_stay_a_flag(engine) -> None:
    text = "He said he 'can't feel his bum' and it turned out he really can't. Back agony."
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_a_sign_outside_the_quotation_is_not_reinterpreted_with_it(engine) -> None:
    text = "My 'sciatica' turned out to be nothing, but I can't feel when I pee since Monday."
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_a_relative_who_noticed_the_patients_sign_does_not_make_it_theirs(engine) -> None:
    text = "72M, back pain for a week. Wife has noticed he keeps wetting himself since Monday."
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_a_relatives_own_sign_stays_theirs_when_reported(engine) -> None:
    text = "My wife has noticed she keeps wetting herself since the baby. I have back pain."
    assert engine.find(text) == []


def test_numbness_from_sitting_that_goes_when_standing_is_not_a_flag(engine) -> None:
    text = "Sat on the metal bleachers for 4 hours and had a numb bum. Went away when I stood up."
    assert engine.find(text) == []


def test_numbness_that_does_not_go_when_standing_stays_a_flag(engine) -> None:
    text = "my bum hole feels numb, like after a hard chair, except it doesnt go away when i get up"
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_a_sign_that_went_away_but_came_back_stays_a_flag(engine) -> None:
    text = "My bum went numb on the drive and it went away in 5 minutes but came back this morning."
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_weight_lost_because_eating_stopped_is_not_explained(engine) -> None:
    text = "I lost 8 kg because I stopped eating, no appetite, and my back aches at night."
    assert "malignancy" in {f.category for f in engine.find(text)}


def test_a_general_question_followed_by_i_think_i_have_it_counts(engine) -> None:
    text = "Is foot drop serious? I think I have it."
    assert {f.category for f in engine.find(text)} == {"neurological_deficit"}


def test_a_question_about_causes_followed_by_i_think_i_might_have_it_counts(engine) -> None:
    text = "Can a slipped disc cause foot drop? I think I might have it."
    assert {f.category for f in engine.find(text)} == {"neurological_deficit"}


def test_a_pattern_does_not_reach_over_a_denial_to_the_sign(engine) -> None:
    text = (
        "The GP pressed on my belly and said there was no pulsing at all. My back aches from the "
        "gym."
    )
    assert engine.find(text) == []


def test_night_then_no_sweats_is_not_night_sweats(engine) -> None:
    text = (
        "Slept with the window open last night and was fine, no sweats at all, back ache is from "
        "the mattress."
    )
    assert engine.find(text) == []


def test_a_list_asked_as_one_question_and_answered_all_no_is_denied(engine) -> None:
    text = (
        "Doctor ask me: you have fever, you lose weight, you have accident? All is no. Only back "
        "pain in the morning."
    )
    assert engine.find(text) == []


def test_all_no_after_a_later_question_does_not_deny_an_earlier_yes(engine) -> None:
    text = "Any fever? Yes 38.5. Any weight loss, numbness, bladder trouble? All is no."
    assert {f.category for f in engine.find(text)} == {"infection"}


def test_a_red_flag_screen_negative_in_brackets_denies_every_item(engine) -> None:
    text = (
        "RF screen: -ve (wt loss / IVDU / steroids / trauma / fever / saddle). LBP after lifting."
    )
    assert engine.find(text) == []


def test_a_saying_that_a_sign_equals_cancer_is_not_a_sign(engine) -> None:
    text = (
        "Everyone at work says weight loss + back pain = cancer. My back is just stiff from the "
        "new chair."
    )
    assert engine.find(text) == []


def test_asking_whether_ones_signs_equal_a_and_e_keeps_them(engine) -> None:
    text = "Back pain + night sweats + on steroids = A&E?"
    assert "infection" in {f.category for f in engine.find(text)}


def test_asking_what_a_sign_is_is_general_even_beside_the_writers_own_words(engine) -> None:
    text = "What is cauda equina syndrome and why does my physio keep asking about my bladder?"
    assert engine.find(text) == []


def test_asking_what_a_sign_is_then_saying_a_doctor_suspects_it_counts(engine) -> None:
    text = "What's cauda equina? The A&E doctor says I might have it and wants an MRI tonight."
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_asking_what_ones_own_described_sign_is_counts(engine) -> None:
    text = "What's a pulsing lump in my belly? I can see it beat when I lie down. Back ache."
    assert "vascular" in {f.category for f in engine.find(text)}


def test_a_fever_reading_beside_an_antidepressant_stays_a_flag(engine) -> None:
    text = "Drenching night sweats for 3 weeks, I'm on sertraline but my temp was 38.2 last night."
    assert {f.category for f in engine.find(text)} == {"infection"}


def test_a_diet_does_not_explain_weight_that_keeps_going(engine) -> None:
    text = "Lost 10kg on keto but kept losing after I stopped the diet, back pain at night."
    assert {f.category for f in engine.find(text)} == {"malignancy"}


def test_a_sauna_does_not_explain_a_fever_reading(engine) -> None:
    text = "Went to the sauna and now a fever of 38.9 and shaking, back agony."
    assert {f.category for f in engine.find(text)} == {"infection"}


def test_a_real_accident_is_not_hidden_by_a_joke_beside_it(engine) -> None:
    text = "I nearly wet myself laughing last week, but today I wet myself without feeling it."
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_a_small_fall_from_four_metres_is_major_trauma(engine) -> None:
    text = "Had a small fall from the roof, about 4 metres, back agony."
    assert {f.category for f in engine.find(text)} == {"fracture"}


def test_someone_who_could_not_be_woken_on_the_sofa_collapsed(engine) -> None:
    text = "My husband passed out on the sofa, we couldn't wake him for 5 minutes. Back pain, 70."
    assert {f.category for f in engine.find(text)} == {"vascular"}


def test_a_normal_reading_after_a_fever_medicine_does_not_clear_the_fever(engine) -> None:
    text = "Fever of 38.9 last night with my back pain. Took paracetamol, temp normal now."
    assert {f.category for f in engine.find(text)} == {"infection"}


def test_a_normal_temperature_does_not_clear_night_sweats(engine) -> None:
    text = "Drenching night sweats for three weeks and my lower back aches. Temp normal."
    assert {f.category for f in engine.find(text)} == {"infection"}


def test_a_normal_bladder_does_not_clear_a_bowel_sign(engine) -> None:
    text = "Two accidents with my bowels this week, didn't feel them coming. Bladder is normal."
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_a_sign_told_after_the_normal_reading_still_counts(engine) -> None:
    text = "Temp normal this morning. Tonight it is 39.2 and my back is agony."
    assert {f.category for f in engine.find(text)} == {"infection"}


def test_weight_loss_explained_at_once_in_the_next_sentence_is_not_a_flag(engine) -> None:
    text = "Down 7 kilos!! Before you all worry, it's Weight Watchers since March. Back aches."
    assert engine.find(text) == []


def test_weight_loss_followed_by_a_denied_diet_stays_a_flag(engine) -> None:
    text = "Lost 8 kg since the summer. I haven't been dieting. My lower back aches every night."
    assert "malignancy" in {f.category for f in engine.find(text)}


def test_a_fall_from_under_a_metre_is_not_major_trauma(engine) -> None:
    text = "I 'fell' off the bed reaching for my phone, a height of about 50 cm. I'm 31."
    assert engine.find(text) == []


def test_a_list_denied_two_sentences_on_is_not_a_flag(engine) -> None:
    text = (
        "The discharge sheet says come back for a fever, wetting yourself or a numb bottom. "
        "I read it twice. None of those, thankfully."
    )
    assert engine.find(text) == []


def test_the_other_leg_being_fine_does_not_clear_a_weakening_leg(engine) -> None:
    text = "My right leg is weaker every single day, I can barely lift it. My left leg is fine."
    assert "neurological_deficit" in {f.category for f in engine.find(text)}


def test_the_relative_asked_for_is_the_patient_however_the_pain_is_told(engine) -> None:
    text = (
        "Asking on behalf of my mum who is 86 and lives alone near me. "
        "Yesterday she slipped on the kitchen floor and sat down hard."
    )
    assert "fracture" in {f.category for f in engine.find(text)}


def test_a_bowel_sign_after_a_denial_and_a_comma_counts(engine) -> None:
    text = "I no can hold it, the poo come out and I not know it, since yesterday. Back very bad."
    assert "cauda_equina" in {f.category for f in engine.find(text)}


def test_a_relatives_sign_is_not_the_writers_who_says_the_post_is_about_them(engine) -> None:
    text = (
        "My brother injects heroin and we all worry about him, but this post is about me - "
        "41, a stiff lower back after decorating."
    )
    assert engine.find(text) == []


def test_me_at_the_start_of_a_sentence_marks_the_writers_own_complaint(engine) -> None:
    text = (
        "My father has osteoporosis back home. "
        "Me, I am 35, I bent for a box and the waist went click, now sore."
    )
    assert engine.find(text) == []


def test_a_relatives_sign_is_not_the_writers_who_asks_for_themselves(engine) -> None:
    text = (
        "My husband had cauda equina surgery and still self-catheterises. "
        "I'm asking for me though: 37, low back pain after a long flight."
    )
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Nan's fallen over in the kitchen and now her back is agony.",
        "Grandad's tripped on the rug, sore lower back now.",
    ],
)
def test_an_older_relatives_fall_told_with_a_contraction_is_a_fracture_flag(
    engine, text: str
) -> None:
    assert "fracture" in {f.category for f in engine.find(text)}


def test_a_clearing_taken_back_in_its_sentence_does_not_clear(engine) -> None:
    text = "Numb around my bum since this morning. Feeling came back for a bit then went again."
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_a_normal_scan_of_the_bladder_does_not_clear_not_being_able_to_pee(engine) -> None:
    text = "I can't pee properly since Sunday. Bladder is normal on the scan but nothing comes out."
    assert "cauda_equina" in {f.category for f in engine.find(text)}


def test_no_family_history_of_cancer_does_not_clear_the_persons_own(engine) -> None:
    text = "Breast cancer 2018. Denies history of malignancy in family. Back pain every night now."
    assert "malignancy" in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "The leaflet says bladder problems are an emergency and I have had them since Tuesday.",
        "The NHS page mentions numbness around the bottom, and mine is numb since last night.",
        "The physio asked me all the questions about numbness, and I said yes to numbness down "
        "below since Friday.",
    ],
)
def test_a_sign_from_a_leaflet_or_checklist_that_the_person_has_counts(engine, text) -> None:
    assert "cauda_equina" in {f.category for f in engine.find(text)}


def test_none_of_the_usual_cold_symptoms_does_not_deny_a_fever(engine) -> None:
    text = "I have a fever and chills, I have none of the usual cold symptoms though. Back agony."
    assert "infection" in {f.category for f in engine.find(text)}


def test_a_carer_who_reports_on_the_relative_tells_the_relatives_sign(engine) -> None:
    text = (
        "My mum's carer has noticed she's stopped knowing when she's wet herself since Monday. "
        "Her back has been bad all week."
    )
    assert "cauda_equina" in {f.category for f in engine.find(text)}


def test_a_cleared_later_entry_without_sign_and_by_is_refused() -> None:
    with pytest.raises(RulesError, match="cleared_later: expected a list of entries"):
        parse_rules(broken(cleared_later=[r"\bbladder\s+normal\b"]))


def test_a_transcripts_answer_may_start_with_a_filler(engine) -> None:
    text = "Nurse: You said you fainted?\nCaller: Oh, no, not now, that was years ago at school."
    assert engine.find(text) == []


def test_leaks_on_sneezing_since_childbirth_are_not_a_flag(engine) -> None:
    text = "I've leaked a bit when I sneeze since my second baby, no worse. Back sore from lifting."
    assert engine.find(text) == []


def test_leaks_on_sneezing_since_the_back_went_are_a_flag(engine) -> None:
    text = "Since my back went on Friday I leak when I sneeze, that never happened before."
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_a_list_introduced_by_a_colon_is_not_the_writers_signs(engine) -> None:
    text = (
        "My GP asks the same list every time: any bladder problems, any numbness in the saddle "
        "area, any fever. Every time I say no."
    )
    assert engine.find(text) == []


def test_a_chats_question_answered_yes_is_a_flag(engine) -> None:
    text = "Bot: Can you stand on your heels?\nUser: no\nBot: Is that new?\nUser: yes, 2 days"
    assert {f.category for f in engine.find(text)} == {"neurological_deficit"}


def test_whats_left_after_a_negated_list_counts(engine) -> None:
    text = "no numb legs no wee probs, just this throbbing in my belly and back"
    assert {f.category for f in engine.find(text)} == {"vascular"}


def test_without_warning_does_not_negate_the_sign_after_it(engine) -> None:
    text = "Bowels go without any warning and the skin round my bottom has gone numb. Back agony."
    assert {f.rule for f in engine.find(text)} >= {"ce_saddle_anaesthesia"}


def test_a_question_followed_by_it_happened_is_the_writers_sign(engine) -> None:
    text = "can a slipped disc make u poo urself?? happened at work today"
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_a_general_question_followed_by_when_it_started_is_the_writers_sign(engine) -> None:
    text = "Is sweating at night with back pain a bad sign? I'm 52 and it started last week."
    assert {f.category for f in engine.find(text)} == {"infection"}


@pytest.mark.parametrize(
    "text",
    [
        "Can't say I haven't been sweating through the sheets every night. Back bad a fortnight.",
        "Not that I didn't faint - I did, on the stairs, briefly. Back grim for a week.",
    ],
)
def test_a_double_negative_affirms_the_sign(engine, text: str) -> None:
    assert engine.find(text)


def test_a_sign_said_on_the_ward_still_counts(engine) -> None:
    text = "Went down like a sack of spuds on the ward this morning, out cold. Back sore for days."
    assert "vascular" in {f.category for f in engine.find(text)}


def test_working_on_a_cancer_ward_is_not_a_history_of_cancer(engine) -> None:
    assert engine.find("I'm a nurse on a cancer ward and my lower back aches after shifts.") == []


def test_a_fall_from_metres_onto_a_mat_is_major_trauma(engine) -> None:
    text = "I'm 41 and fell off the top of the climbing wall, about 4 metres, onto the mat. Agony."
    assert {f.category for f in engine.find(text)} == {"fracture"}


def test_a_small_fall_onto_a_mat_is_not_major_trauma(engine) -> None:
    assert engine.find("Slipped at judo and landed onto the mat, 25, back a bit stiff.") == []


def test_night_sweats_that_are_not_hot_flushes_count(engine) -> None:
    text = "Sweats at night soaking the pillow and it's not hot flushes, I know those. Back aches."
    assert {f.category for f in engine.find(text)} == {"infection"}


def test_asking_when_a_sign_goes_back_to_normal_does_not_resolve_it(engine) -> None:
    text = "how long does it take for foot drop to go back to normal? mine started tuesday"
    assert {f.category for f in engine.find(text)} == {"neurological_deficit"}


def test_weight_loss_without_dieting_typed_without_apostrophes_counts(engine) -> None:
    text = "trousers hanging off me and i havent been dieting at all, low back pain for weeks"
    assert {f.category for f in engine.find(text)} == {"malignancy"}


def test_getting_thin_is_weight_loss(engine) -> None:
    text = "Since summer I have pain in the back and I get thin, I eat the same as before."
    assert {f.category for f in engine.find(text)} == {"malignancy"}


def test_the_patient_named_after_someone_elses_mention_keeps_the_sign(engine) -> None:
    text = (
        "Found on the bathroom floor by his carer this morning, my grandfather (92) has a "
        "temperature of 38.3. He keeps reaching for his lower back."
    )
    assert {f.category for f in engine.find(text)} >= {"fracture", "infection"}


def test_a_relative_with_a_backache_is_the_patient(engine) -> None:
    text = "My mother is 83 and on chemotherapy tablets. She has a new backache since this morning."
    assert "malignancy" in {f.category for f in engine.find(text)}


def test_no_joke_is_not_a_joke(engine) -> None:
    text = "no joke my butt cheeks feel like they're asleep. back pain since moving a fridge"
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_what_isnt_normal_does_not_negate_the_sign_after_it(engine) -> None:
    text = (
        "tired after nights is normal, what isn't normal is my right foot flopping down. back bad"
    )
    assert {f.category for f in engine.find(text)} == {"neurological_deficit"}


def test_weakness_worse_each_day_after_deadlifts_is_a_sign(engine) -> None:
    text = "back went doing deadlifts and now my right leg is going weak and worse each day"
    assert {f.category for f in engine.find(text)} == {"neurological_deficit"}


def test_a_relatives_shed_is_not_the_relative(engine) -> None:
    text = "fell off the roof of my mate's shed (about 2 metres) onto the patio at his 40th. ouch"
    assert {f.category for f in engine.find(text)} == {"fracture"}


def test_a_question_followed_by_its_been_going_on_since_is_the_writers(engine) -> None:
    text = (
        "Is a throbbing in the belly with a backache an emergency? it's been going on since dinner"
    )
    assert {f.category for f in engine.find(text)} == {"vascular"}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "hubby's been sat on the toilet 40 minutes because he can't go. 3 days of bad back.",
            "cauda_equina",
        ),
        (
            "drying off, the towel between my legs just doesnt register. lower back sore 3 days",
            "cauda_equina",
        ),
        (
            "Mum (88) turned over in bed and shouted out. She's had the injection every six months "
            "for her bones.",
            "fracture",
        ),
        (
            "lifted my great-grandson out of his high chair and felt something give in my back",
            "fracture",
        ),
        (
            "he is so thin now, his belt has new holes he made with a nail, and his back hurts",
            "malignancy",
        ),
        (
            "She's been bent double with her back since Saturday and now her legs just stopped.",
            "neurological_deficit",
        ),
        (
            "Back bad for a week. Since yesterday no control over the poo, it just comes.",
            "cauda_equina",
        ),
        ("my back is sore and I peed in the queue without realising, 3 days now", "cauda_equina"),
        (
            "Back hurting 2 weeks, and since Friday I don't feel when the wind comes out.",
            "cauda_equina",
        ),
        (
            "Back pain since Monday. His right foot has started dropping on the stairs.",
            "neurological_deficit",
        ),
        (
            "My back's been bad. It tore me in half this morning, I'm 70, it goes into my belly.",
            "vascular",
        ),
        ("Had non-Hodgkin's in my thirties. Now my lower back aches every day.", "malignancy"),
        (
            "Since the lifting he says he is not feeling his penis properly, back still sore.",
            "cauda_equina",
        ),
        (
            "Dad's pad has been dry all day and he says he doesn't need to go, back agony.",
            "cauda_equina",
        ),
    ],
)
def test_signs_told_without_the_textbook_words(engine, text: str, category: str) -> None:
    assert category in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "my legs just stopped hurting after the physio, my back is still stiff",
        "I still feel full after dinner and my lower back aches",
        "my hair is so thin now and my back aches",
        "I'm so hot in this flat and my back aches",
        "I had to ring my daughter after I fell off the step, I'm 45, back sore",
        "my knee, I can feel it throbbing, and my back aches",
        "I want to drop 5 kg, my back aches",
        "I was out cold by 9pm after the night shift, back stiff this morning",
    ],
)
def test_everyday_phrases_near_the_new_patterns_are_not_signs(engine, text: str) -> None:
    assert engine.find(text) == []


def test_a_relatives_sign_is_not_the_writers_when_the_writer_describes_their_own_pain(
    engine,
) -> None:
    text = "My wife has MS and can't walk now. I've got a bad back of my own from lifting her."
    assert engine.find(text) == []


def test_a_relatives_cancer_is_not_the_writers_who_gives_their_own_age_and_pain(engine) -> None:
    text = "my dad had bowel cancer at 60 so every twinge freaks me out. I'm 34, lower back aches."
    assert engine.find(text) == []


def test_a_relative_the_writer_cares_for_is_still_the_patient(engine) -> None:
    text = "My wife fell off a ladder yesterday, I drove her to A&E, her back pain is awful."
    assert {f.category for f in engine.find(text)} == {"fracture"}


def test_a_relative_who_is_the_patient_is_flagged(engine) -> None:
    text = "My mum, 74, has had bad back pain for a week and now she can't pass urine."
    assert "cauda_equina" in {f.category for f in engine.find(text)}


def test_a_relative_named_after_the_patient_is_not_the_patient(engine) -> None:
    text = (
        "Writing for my mum: her lower back is stiff every morning. My sister says our grandad "
        "had prostate cancer that spread to his spine."
    )
    assert engine.find(text) == []


def test_the_first_relative_named_stays_the_patient_when_another_is_named_later(engine) -> None:
    text = "My mum can't hold her wee since her back went, and my sister says her back is worse."
    assert "cauda_equina" in {f.category for f in engine.find(text)}


def test_a_relatives_sign_is_not_the_patients_when_the_writer_names_another_relative(
    engine,
) -> None:
    text = (
        "My grandma broke two vertebrae last spring from her osteoporosis. It's my uncle I'm "
        "asking about: 52, his back went while he was moving her wardrobe."
    )
    assert engine.find(text) == []


def test_naming_whose_past_sign_it_was_keeps_the_first_relative_the_patient(engine) -> None:
    text = (
        "My dad is 81 and fell off a kitchen chair on Sunday. My sister's back is sore from "
        "lifting him up. It's my mum who had osteoporosis, not him."
    )
    assert "fracture" in {f.category for f in engine.find(text)}


def test_a_third_persons_sign_is_not_the_writers_who_described_their_own_pain_first(
    engine,
) -> None:
    text = (
        "My back's been grumbling for a fortnight. On the ward this week I had a lady with a "
        "fractured spine after a fall, and she had a high fever."
    )
    assert engine.find(text) == []


def test_a_clinicians_finding_told_by_the_writer_is_the_writers_sign(engine) -> None:
    text = (
        "My back has been agony for a week. The GP examined me and she found reduced sensation "
        "in the saddle area."
    )
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_a_third_persons_sign_counts_when_a_relative_was_named_first(engine) -> None:
    text = "My son hurt his back lifting. Today he's dragging his left foot. I have a bad back too."
    assert {f.category for f in engine.find(text)} == {"neurological_deficit"}


def test_a_relatives_sign_told_with_she_is_not_the_writers_who_describes_their_own_pain(
    engine,
) -> None:
    text = (
        "My sister has MS and she can't walk any more. I'm 41 and my back aches from helping "
        "her in and out of the car."
    )
    assert engine.find(text) == []


def test_a_relative_with_back_pain_of_their_own_keeps_their_sign_beside_the_writers_pain(
    engine,
) -> None:
    text = (
        "My dad hurt his back on Monday and since yesterday he can't stand up. "
        "My own back is sore too."
    )
    assert {f.category for f in engine.find(text)} == {"neurological_deficit"}


def test_mine_followed_by_an_age_is_a_relative_not_the_writers_pain(engine) -> None:
    text = (
        "Anyone else's husband refuse to see a doctor? Mine is 58 and hurt his back on Monday, "
        "and now he can't feel the paper when he wipes."
    )
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_a_relatives_sign_is_not_the_writers_who_says_they_ask_about_themselves(engine) -> None:
    text = (
        "My brother is 28, he has the pain in his back and a high fever. But I write for me, "
        "not him. I have back pain too after we moved furniture."
    )
    assert engine.find(text) == []


def test_a_relatives_sign_is_not_the_writers_who_says_it_is_me_im_asking_about(engine) -> None:
    text = (
        "My mum's back pain last year turned out to be a fracture from her osteoporosis. It's "
        "me I'm asking about: my back aches after a long shift on the tills."
    )
    assert engine.find(text) == []


def test_a_relatives_sign_is_not_the_writers_who_is_the_one_with_the_sore_back(engine) -> None:
    text = (
        "My dad's back pain turned out to be a fracture from his osteoporosis. I'm the one with "
        "the sore back now, from digging the allotment."
    )
    assert engine.find(text) == []


def test_the_writers_only_backache_is_not_a_back_complaint_of_the_relative_named_before(
    engine,
) -> None:
    text = (
        "My dad has spinal TB and he has fevers and sweats every night. Me, I have only "
        "backache from work, no fever."
    )
    assert engine.find(text) == []


def test_a_relatives_sign_is_not_the_writers_who_gives_their_age_with_the_sore_back(
    engine,
) -> None:
    text = (
        "My mum's back pain turned out to be a fracture from her osteoporosis. It's me (29) with "
        "the sore back now, from rowing."
    )
    assert engine.find(text) == []


def test_a_relatives_sign_is_not_the_writers_who_answers_me_with_their_own_back(engine) -> None:
    text = (
        "My uncle's back went and he lost control of his bladder before his op. Me? I'm here with "
        "a pulled back from moving his bed."
    )
    assert engine.find(text) == []


def test_not_asking_for_me_makes_the_relative_asked_for_the_patient(engine) -> None:
    text = (
        "Not asking for me, asking for my flatmate: he had testicular cancer at 22, and his back "
        "has hurt for two months."
    )
    assert "malignancy" in {f.category for f in engine.find(text)}


def test_asking_about_oneself_and_a_relative_keeps_the_relatives_signs(engine) -> None:
    text = (
        "My son hurt his back lifting. Today he's dragging his left foot. I'm asking for me "
        "and him, I have a bad back too."
    )
    assert "neurological_deficit" in {f.category for f in engine.find(text)}


def test_a_relative_who_measured_the_writers_temperature_does_not_take_the_fever(
    engine,
) -> None:
    text = (
        "I have 70 years. From one week I have strong pain in my back, the lower side. "
        "My daughter-in-law measure 38.7 yesterday."
    )
    assert {f.category for f in engine.find(text)} == {"infection"}


def test_a_relatives_quoted_claim_about_a_sign_is_not_the_writers_sign(engine) -> None:
    text = "My back aches. My sister says 'fever and back pain is a bad sign'. I feel fine."
    assert engine.find(text) == []


def test_a_third_persons_relative_does_not_take_that_persons_sign(engine) -> None:
    text = "My dad's back went while he was pulling the pram for his granddaughter, he's 84."
    assert {f.category for f in engine.find(text)} == {"fracture"}


def test_someone_who_told_the_writer_about_their_own_sign_does_not_take_it(engine) -> None:
    text = "This morning I did not even know when toilet came out, it was my wife that told me."
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_a_pet_is_someone_else_only_when_it_has_the_sign(engine) -> None:
    assert engine.find("Our spaniel has cancer, and my back hurts from lifting him.") == []
    text = "I tripped over the dog last night and landed on my back, I'm on long-term steroids."
    assert {f.category for f in engine.find(text)} == {"fracture"}


@pytest.mark.parametrize(
    "text",
    [
        "RF screen: saddle anaes (-) / bladder (-) / fever (-) / hx ca (-). LBP after lifting.",
        "Hx of malignancy ............. N  Unexplained wt loss .......... N",
        "Cancer ☐ Y ☒ N | Osteoporosis ☐ Y ☒ N",
        "Steroid card? N. Fever? N. 38M, LBP after Sunday league.",
        "Did NOT tick: fever, weight loss, numbness in groin, history of cancer.",
    ],
)
def test_a_forms_no_answers_are_not_flags(engine, text: str) -> None:
    assert engine.find(text) == []


def test_an_older_persons_missed_footing_is_a_fracture_flag(engine) -> None:
    text = "Mrs P is 93. She missed her footing getting off the bus and sat down on the kerb."
    assert {f.category for f in engine.find(text)} == {"fracture"}


def test_a_young_persons_missed_footing_is_not_a_flag(engine) -> None:
    assert engine.find("I'm 30 and missed my footing on the stairs, back sore since.") == []


def test_a_knife_like_pain_is_not_tearing_pain(engine) -> None:
    text = "The pain goes down the back of my leg like a knife when I bend."
    assert engine.find(text) == []


def test_a_list_of_warning_signs_someone_was_given_is_not_a_flag(engine) -> None:
    text = (
        "She gave me a card with the warning signs on it - problems with your bladder, "
        "numbness between your legs, legs going weak."
    )
    assert engine.find(text) == []


def test_a_double_negative_feeling_nothing_is_a_sign(engine) -> None:
    text = "When I go to toilet I don't feel nothing when it come, also numb where you sit."
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


sign_sentences = st.sampled_from(POSITIVES)
benign = st.lists(st.sampled_from(BENIGN), max_size=3)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sign=sign_sentences, before=benign, after=benign)
def test_benign_text_around_a_sign_does_not_hide_it(engine, sign, before, after) -> None:
    rule_id, text = sign
    full = " ".join([*before, text.rstrip(".") + ".", *after])
    assert rule_id in {flag.rule for flag in engine.find(full)}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sign=sign_sentences,
    case=st.sampled_from(["upper", "lower", "title"]),
    spacing=st.sampled_from([" ", "  ", "\t", " \t "]),
    punctuation=st.sampled_from(["", "!!", "...", "?!", " :("]),
)
def test_casing_spacing_and_punctuation_do_not_hide_a_sign(
    engine, sign, case, spacing, punctuation
) -> None:
    rule_id, text = sign
    changed = getattr(text, case)().replace(" ", spacing) + punctuation
    assert rule_id in {flag.rule for flag in engine.find(changed)}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sign=sign_sentences,
    negation=st.sampled_from(
        ["No fever.", "Denies weight loss.", "Nil trauma.", "I don't have any numbness."]
    ),
)
def test_a_negation_in_another_sentence_does_not_suppress_a_sign(engine, sign, negation) -> None:
    rule_id, text = sign
    for full in (f"{negation} {text}", f"{text}. {negation}"):
        assert rule_id in {flag.rule for flag in engine.find(full)}, full


@pytest.mark.parametrize(
    ("name", "most_missed", "most_false_alarms"),
    [
        ("red_flags_dev.csv", 0.03, 0.15),
        ("red_flags_read.csv", 0.03, 0.18),
        ("red_flags_pending.csv", 0.03, 0.15),
    ],
)
def test_development_set_recall_and_false_alarms(
    engine, name: str, most_missed: float, most_false_alarms: float
) -> None:
    """The sets the rules were written against: a regression guard, not an evaluation."""
    frame = pd.read_csv(DATASETS / name, dtype=str, keep_default_na=False)
    missed, false_alarms = 0, 0
    for text, expected in zip(frame.text, frame.red_flags, strict=True):
        gold = {c for c in expected.split(";") if c}
        found = {flag.category for flag in engine.find(text)}
        missed += bool(gold - found)
        false_alarms += bool(found and not gold)
    assert missed / (frame.red_flags != "").sum() <= most_missed
    assert false_alarms / (frame.red_flags == "").sum() <= most_false_alarms


def test_a_sign_told_with_doubt_about_oneself_counts(engine) -> None:
    text = "I think I might be a bit numb around my bottom? Back pain since yesterday."
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_a_sign_that_might_come_later_is_still_hypothetical(engine) -> None:
    text = "My back hurts. The physio said I might get numbness around my bottom if it gets worse."
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "My dad had a triple A repaired last year. My issue is a sore lower back from lifting.",
        "My mum had breast cancer. Now it's my turn with a back problem: 49M, sore after lifting.",
        "My nan had bone cancer in her spine. Mine came on after a long drive, eases when I walk.",
    ],
)
def test_a_relatives_sign_is_not_the_writers_who_says_the_back_pain_is_theirs(
    engine, text: str
) -> None:
    assert engine.find(text) == []


def test_a_relatives_sign_is_not_the_writers_whose_sore_back_comes_after(engine) -> None:
    text = (
        "My husband was on steroids for years for his lungs and fractured his spine just bending "
        "over. I'm 56 and I've got a sore back after gardening all Saturday."
    )
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "someone above said they wet themselves in Tesco - my back just aches after the move.",
        "Someone in here said fainting with back pain is serious. My issue is a sore lower back.",
        "@Mark - the foot drop thing is awful, glad they're operating. My back is just stiff.",
    ],
)
def test_another_forum_members_sign_is_not_the_writers(engine, text: str) -> None:
    assert engine.find(text) == []


def test_a_hashtag_after_a_question_is_not_a_queried_fracture(engine) -> None:
    text = "Sore back after burpees, how long did yours take to settle? #backpain"
    assert engine.find(text) == []


def test_a_queried_fracture_is_still_a_sign(engine) -> None:
    text = "Fell down the stairs last night, landed on my back. ?# L1"
    assert {f.category for f in engine.find(text)} == {"fracture"}


@pytest.mark.parametrize(
    "text",
    [
        "The GP went through the warning signs with me, numb bum, can't wee, fever, and I've got "
        "none of them. Just a stiff back.",
        "LBP 1/52 after gardening. Asked re retention, leaks, saddle numbness - all no.",
        "Discharged home. Return precautions given for saddle numbness, urinary retention, fever.",
        "Can't say I've had any bladder issues, I've been watching. Back sore from the hoist.",
    ],
)
def test_signs_denied_after_a_list_or_given_as_precautions_are_not_flags(engine, text: str) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "I did faint once, but that was in 2018 at a wedding. The back pain now is from the gym.",
        "had flu with a fever over new year, totally over it now. back sore from moving house",
    ],
)
def test_a_sign_said_to_be_long_over_in_the_same_sentence_is_not_a_flag(engine, text: str) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "The physio said to go to A&E if my legs go weak, I can't pee or I go numb down there. "
        "Fine so far, just sore.",
        "My GP said if I ever can't feel the paper when I wipe, or I wet myself, ring 999. "
        "Nothing like that, just a stiff back.",
    ],
)
def test_advice_reaches_every_sign_its_condition_lists(engine, text: str) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "I don't know if I should go to A&E, I can't pee since this morning and my back is agony.",
        "If it gets worse I'll go to A&E, but I wet myself this morning and my back is killing me.",
    ],
)
def test_a_sign_beside_a_question_about_going_to_hospital_is_a_flag(engine, text: str) -> None:
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


@pytest.mark.parametrize(
    "text",
    [
        "I'm 26 and fell off my bike at walking speed on Sunday, back a bit stiff since.",
        "27, fell off the ladder at 2 rungs up putting up curtains, lower back sore.",
        "When I was thirteen I fell out of a tree and broke my wrist. Now 38, back aches at work.",
    ],
)
def test_a_young_persons_low_fall_or_a_childhood_fall_is_not_major_trauma(
    engine, text: str
) -> None:
    assert engine.find(text) == []


def test_an_older_persons_fall_from_the_bottom_step_is_still_a_fracture_flag(engine) -> None:
    text = "Mum is 84 and slipped off the bottom step yesterday, her back has been agony since."
    assert {f.category for f in engine.find(text)} == {"fracture"}


@pytest.mark.parametrize(
    "text",
    [
        "I've lost 3 stone and it's not from dieting, back pain at night",
        "lost 2 stone, haven't been on a diet, back pain",
        "lost weight and I'm not doing the gym, back pain",
        "I've dropped a stone and I'm not on Ozempic or anything, back aches",
        "I've lost weight, not on purpose, back pain every night",
        "lost weight and not through exercise or dieting, back pain",
    ],
)
def test_a_denied_explanation_leaves_weight_loss_unexplained(engine, text: str) -> None:
    assert {f.category for f in engine.find(text)} == {"malignancy"}


@pytest.mark.parametrize(
    "text",
    [
        "Been intermittent fasting and cycling to lose weight, 6kg so far. Back niggles after.",
        "Weight down 3kg - patient started Ozempic 2/12 ago. LBP mechanical after moving house.",
    ],
)
def test_an_explained_weight_loss_is_not_a_flag(engine, text: str) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I wet myself twice this week and it hasn't resolved, back pain.", "cauda_equina"),
        ("Numb around my bottom since yesterday, not recovered yet, back pain.", "cauda_equina"),
        ("I can't pee properly since Tuesday, haven't had it sorted, back pain.", "cauda_equina"),
        ("Weakness in my right leg, getting worse, not settled at all.", "neurological_deficit"),
        ("I have osteoporosis and I fell yesterday and it hasn't healed, back agony.", "fracture"),
    ],
)
def test_a_sign_whose_resolution_is_denied_is_a_flag(engine, text: str, category: str) -> None:
    assert category in {f.category for f in engine.find(text)}


def test_a_dry_night_in_a_pad_is_not_retention(engine) -> None:
    assert engine.find("His pad has been dry all night, great news. Back still sore.") == []


@pytest.mark.parametrize(
    ("sign", "category"),
    [
        ("loss of bladder control", "cauda_equina"),
        ("lost bowel control", "cauda_equina"),
        ("loss of bowel or bladder control", "cauda_equina"),
        ("reduced perineal sensation", "cauda_equina"),
        ("urinary retention", "cauda_equina"),
        ("saddle anesthesia", "cauda_equina"),
        ("foot drop", "neurological_deficit"),
        ("bilateral leg weakness", "neurological_deficit"),
        ("night sweats", "infection"),
        ("recent spinal surgery", "infection"),
        ("unexplained weight loss", "malignancy"),
        ("constant pain not relieved by rest", "malignancy"),
        ("a fall from height", "fracture"),
        ("a pulsating mass in my abdomen", "vascular"),
    ],
)
def test_textbook_phrasings_are_flagged(engine, sign: str, category: str) -> None:
    for text in (
        f"Back pain for a week, and {sign} since yesterday.",
        f"I'm 45. Back pain and {sign}.",
    ):
        assert category in {f.category for f in engine.find(text)}, text


def test_a_sign_never_had_before_is_new_not_negated(engine) -> None:
    text = "Never had this before: numbness around my back passage since this morning. Back pain."
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_if_im_being_honest_is_not_a_hypothetical(engine) -> None:
    text = "If I'm being honest I can't feel the toilet paper when I wipe, back bad a week."
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_a_condition_that_came_true_is_a_sign(engine) -> None:
    text = (
        "The GP said to ring 999 if I can't pee, and that is exactly what has happened since 6am."
    )
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_a_condition_that_has_not_happened_stays_hypothetical(engine) -> None:
    assert engine.find("The GP said to ring 999 if I can't pee. Back sore after lifting.") == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "Should I go to A&E if I can't lift my foot and it drags? Back bad a month.",
            "neurological_deficit",
        ),
        ("Do we need to ring 111 if mum still can't feel her bum on the loo seat?", "cauda_equina"),
    ],
)
def test_asking_what_to_do_if_one_cannot_do_something_now_is_a_flag(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "What should I do if I can't pee one day? Back sore after lifting.",
        "Should I go to hospital if I can't wee? Not now, I'm fine, I just want a plan. Back sore.",
    ],
)
def test_asking_what_to_do_if_one_cannot_do_something_someday_stays_hypothetical(
    engine, text: str
) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("No energy, night sweats every night and my back aches.", "infection"),
        ("No trauma, urinary retention since this am, LBP 5/7.", "cauda_equina"),
        ("Nil relief from painkillers, fever 38.5, back pain.", "infection"),
        ("Zero control of my bladder since Tuesday, back agony.", "cauda_equina"),
    ],
)
def test_a_sign_after_an_unrelated_negation_is_a_flag(engine, text: str, category: str) -> None:
    assert category in {f.category for f in engine.find(text)}


def test_a_negated_list_still_reaches_its_last_item(engine) -> None:
    assert engine.find("No fever, night sweats or weight loss. LBP after lifting.") == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Does a temp of 38.6 with back pain mean anything?", "infection"),
        ("Can a fever of 39 since Tuesday be from a slipped disc?", "infection"),
        ("Is numbness around the bum since this morning an emergency?", "cauda_equina"),
    ],
)
def test_a_question_with_a_reading_or_a_day_is_about_the_writer(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


def test_a_general_question_without_a_reading_stays_general(engine) -> None:
    assert engine.find("Is a temperature dangerous with sciatica?") == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "Back gone since the trampoline park and now I think I might be numb down below?",
            "cauda_equina",
        ),
        ("Why would I be losing weight without trying and have back pain at 22?", "malignancy"),
    ],
)
def test_a_sign_asked_about_with_doubt_is_a_flag(engine, text: str, category: str) -> None:
    assert category in {f.category for f in engine.find(text)}


def test_a_letters_courtesy_is_not_a_hypothetical(engine) -> None:
    text = (
        "I would be grateful if you would see this 77-year-old gentleman who slipped on ice "
        "three weeks ago, landing on his buttocks."
    )
    assert "fracture" in {f.category for f in engine.find(text)}


def test_numbness_that_has_all_gone_to_sleep_is_not_over(engine) -> None:
    text = "Since yesterday I can't feel anything down there, like it's all gone to sleep."
    assert "cauda_equina" in {f.category for f in engine.find(text)}


def test_a_faint_followed_by_no_injuries_is_not_negated(engine) -> None:
    text = "Had a fainting fit yesterday - no bumps or bruises - and my back has hurt since. 49F"
    assert "vascular" in {f.category for f in engine.find(text)}


def test_collapsing_onto_the_sofa_counts_when_he_was_out(engine) -> None:
    text = "Dad (64) collapsed onto the sofa holding his back, he was out for a few seconds."
    assert "vascular" in {f.category for f in engine.find(text)}


def test_a_fall_told_after_a_general_question_is_the_writers(engine) -> None:
    text = (
        "Does being on steroid tablets for years make a little fall more serious? "
        "I slipped on the ice yesterday and my back's really sore."
    )
    assert "fracture" in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "My husband (31) has had a stiff lower back every morning for months. I'm only jumpy "
        "because I had bowel cancer at his age - he's fit and eating like a horse.",
        "Asking for my wife (36) who has backache since our second baby. I'm the one who's lost "
        "weight - I've had a horrible stomach bug - but she's fine.",
    ],
)
def test_the_writers_own_signs_are_not_the_relatives_they_ask_about(engine, text: str) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Night sweats are 100% from the 12 pints lol, back ache since I fell asleep in the bath.",
        "Back's just achy from the sofa I passed out on after the party.",
        "My gf passed out at the festival (heat + no food). Now MY lower back is wrecked.",
    ],
)
def test_a_night_out_explains_sweats_and_passing_out(engine, text: str) -> None:
    assert engine.find(text) == []


def test_a_surname_is_not_a_strain(engine) -> None:
    text = "Dear Mr Hughes, please see this 71-year-old man with a pulsatile mass in his belly."
    assert "fracture" not in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I've been passing out and my back is killing me.", "vascular"),
        ("Had rhabdomyosarcoma as a kid, now low back pain for 4 weeks.", "malignancy"),
        ("The weakness in my right leg I mentioned last week is worse.", "neurological_deficit"),
        ("My left ankle literally won't bend up, back pain after rugby.", "neurological_deficit"),
        ("Fell from the second level of the scaffold, maybe 3 metre, onto my back.", "fracture"),
        ("Now at 82 I slipped on the stairs and my back is agony.", "fracture"),
    ],
)
def test_everyday_forms_of_signs_are_flagged(engine, text: str, category: str) -> None:
    assert category in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Denies trauma other than a fall from a ladder last week.",
        "No numbness anywhere except around my bum.",
        "No problems with bladder or bowels except I've had two accidents this week.",
    ],
)
def test_an_exception_to_a_denial_is_a_flag(engine, text: str) -> None:
    assert engine.find(text) != []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "I've been losing weight without trying since early 2020 and my back aches.",
            "malignancy",
        ),
        ("Night sweats since 2019, getting worse, and my back is agony.", "infection"),
        (
            "68, on steroid tablets (prednisolone, 7.5 mg a day) since about 2018. As I "
            "straightened up with a bag of potatoes I felt a sharp pain in my back.",
            "fracture",
        ),
    ],
)
def test_a_sign_since_a_year_is_still_going_on(engine, text: str, category: str) -> None:
    assert category in {f.category for f in engine.find(text)}


def test_stopping_a_treatment_last_year_does_not_make_a_later_sign_past(engine) -> None:
    text = (
        "Many thanks for reviewing this 66-year-old woman, on HRT until last year, with "
        "unexplained weight loss of around six kilograms over three months."
    )
    assert "malignancy" in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Dad's 76. I think he might be having accidents, I found his pyjama bottoms in the wash.",
        "Says she might be feverish, feels hot and cold at night, back pain since lifting.",
    ],
)
def test_doubt_about_the_patients_sign_is_a_flag(engine, text: str) -> None:
    assert engine.find(text) != []


def test_a_riders_fall_is_not_the_ponys(engine) -> None:
    text = (
        "Rider (16) was thrown when her pony stopped dead at fence 3 and landed flat on her "
        "back across the poles."
    )
    assert "fracture" in {f.category for f in engine.find(text)}


def test_a_relatives_age_after_a_general_question_makes_it_theirs(engine) -> None:
    text = "What causes a throbbing lump in the belly with back pain? Husband's 74."
    assert "vascular" in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Enlarged prostate for 8 years, slow stream, exactly the same as it's always been.",
        "67M. Known BPH, nocturia x2, hesitancy - unchanged x5y. LBP gradual x3/12.",
    ],
)
def test_a_known_prostates_unchanged_flow_is_a_baseline(engine, text: str) -> None:
    assert engine.find(text) == []


def test_a_known_prostate_that_stops_is_a_flag(engine) -> None:
    text = "He's always been slow with his prostate, but now he can't get his wee out at all."
    assert "cauda_equina" in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "49M plasterer. LBP post lifting. Red flags: fever N, wt loss N, Ca hx N, IVDU N.",
        "Fainted once at 17 at a wedding in the heat. 60 now, back aches from the combine.",
        "How would I know if my back pain was cancer? 56, no weight loss, just paranoid.",
        "Lost weight because I've knocked the beer and the takeaways on the head. Back stiff.",
        "Can't feel my feet properly, but that's the diabetes, had it years. Back ache.",
        "My husband's mate fell off a roof and broke his back, so now my husband (42) is sure "
        "his sore back from five-a-side is broken too.",
    ],
)
def test_explained_past_and_other_peoples_signs_are_not_flags(engine, text: str) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "Tractor tipped over on the bank last week and I was thrown out. Back worse. 61.",
            "fracture",
        ),
        (
            "Lorry jack-knifed on the A1 in Nov, cab went over onto its side. Ongoing LBP.",
            "fracture",
        ),
        (
            "Long term steroids since my kidney transplant. Moved a chair and felt sudden pain.",
            "fracture",
        ),
        ("Saddle feels like I've done 12 hours on a bike. Back pain x3 days.", "cauda_equina"),
        (
            "Leaked right through my work trousers and never felt a thing. Back's wrecked.",
            "cauda_equina",
        ),
        (
            "My left foot won't pick up and I'm catching it on nothing. Back bad 3 weeks.",
            "neurological_deficit",
        ),
        ("Two time this week I fall down without to know, like the light switch off.", "vascular"),
    ],
)
def test_more_everyday_forms_of_signs_are_flagged(engine, text: str, category: str) -> None:
    assert category in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "Q: Is there numbness around your genitals? A: not sure. Back pain 4 days.",
            "cauda_equina",
        ),
        (
            "Q: Is one or both legs weak? A: both and getting worse / Q: Back pain? A: yes",
            "neurological_deficit",
        ),
        (
            "Can you break your back sneezing if you have osteoporosis because I think I just did",
            "fracture",
        ),
        ("New back pain 2 weeks after spine injection, is normal?", "infection"),
        (
            "Is it normal back pain can cause no control on potty? "
            "Since 4 days I am having this problem.",
            "cauda_equina",
        ),
        (
            "ok google lower back pain woke up in continent last night never happened before",
            "cauda_equina",
        ),
        (
            "Three weeks after his decompression comma he has night sweats full stop "
            "The wound appears healed full stop",
            "infection",
        ),
        (
            "She fainted at the top of the stairs with no panic at all "
            "and fell down the whole flight.",
            "fracture",
        ),
        (
            "My back pain started suddenly on the toilet, very severe, tearing, and I felt I will "
            "faint but I didn't.",
            "vascular",
        ),
    ],
)
def test_forms_questions_and_dictation_keep_their_signs(engine, text: str, category: str) -> None:
    assert category in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "I don't feel nothing down there when my wife touches me, since two weeks.",
            "cauda_equina",
        ),
        (
            "My leg left is not obey me anymore, every day more weak, back pain three weeks.",
            "neurological_deficit",
        ),
        (
            "This new spot doesn't move and doesn't care if I'm on my side or my back, all night.",
            "malignancy",
        ),
    ],
)
def test_a_sign_with_its_own_negative_is_not_negated_again(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "No fever, no numbness, nothing at night, it's from the sofa.",
        "OPD. 27M, LBP x3wks. (-) fever (-) wt loss (-) saddle anesthesia (-) hx malignancy.",
        "The covid fever went 3 weeks ago, now just a sore lower back from lying in bed.",
        "My auntie had cancer in the bone, so I worry my waist pain is the same. I am 36.",
        "I can feel when I wee, I can feel the loo roll, I'm not leaking. Bad back.",
        "Had a 5-day course of prednisolone two years ago, nothing since. "
        "Twisted picking up the dog.",
    ],
)
def test_forms_past_and_other_peoples_signs_stay_quiet(engine, text: str) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "My son, 3, ran everywhere. For two days he won't walk, only crawls and cries.",
            "neurological_deficit",
        ),
        (
            "GP tel consult. Mum re 14M. LBP 3/52. New: 'dragging' L leg x5/7, falls x2.",
            "neurological_deficit",
        ),
        ("Help, tonight both my legs are going numb and weak, back agony.", "neurological_deficit"),
        (
            "Is it possible for back pain to be the cancer coming back? Mine was bowel, in 2020.",
            "malignancy",
        ),
        (
            "Would a little fall matter for a teenager with osteoporosis? My daughter (16) has it "
            "and fell on the ice this morning.",
            "fracture",
        ),
        (
            "Can a bad back stop you getting hard? In the last few days nothing works in the "
            "bedroom.",
            "cauda_equina",
        ),
        (
            "Since yesterday I can't really tell when I need a wee. Back went 10 days ago.",
            "cauda_equina",
        ),
        (
            "Since Tuesday I've had real trouble emptying my bladder, there's still more in there.",
            "cauda_equina",
        ),
        ("The ugly part was me going into a tree on day four. Low back sore since.", "fracture"),
    ],
)
def test_children_follow_ups_and_buried_signs_are_flagged(engine, text: str, category: str) -> None:
    assert category in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "My back only hurts when I'm sitting, not walking, what does that mean?",
        "Sweating buckets every night this week, sheets soaked through, back in bits.",
    ],
)
def test_walking_and_soaked_sheets_are_not_read_as_other_signs(engine, text: str) -> None:
    categories = {f.category for f in engine.find(text)}
    assert "neurological_deficit" not in categories and "cauda_equina" not in categories


@pytest.mark.parametrize(
    "text",
    [
        "Our toddler refuses to stand and screams when her nappy is changed.",
        "My 4 year old has stopped walking since yesterday and cries when we pick him up.",
    ],
)
def test_a_child_who_stops_walking_or_standing_is_a_flag(engine, text: str) -> None:
    assert "neurological_deficit" in {f.category for f in engine.find(text)}


def test_refusing_to_stand_for_something_is_not_a_sign(engine) -> None:
    assert engine.find("I won't stand for this nonsense, my back is killing me.") == []


def test_a_seat_that_cannot_really_be_felt_is_a_flag(engine) -> None:
    text = "I said no to the numbness question but thinking about it, I can't really feel the seat."
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Mum is 79 and since lunch she can't get any wee out, back is bad.", "cauda_equina"),
        (
            "Woke up wet in the bed twice this week, never happened before, back agony.",
            "cauda_equina",
        ),
        ("Back aches and I keep going hot then cold, thermometer says 100.8.", "infection"),
        (
            "Had a steroid shot in my back on Monday and now it's a different, sharper pain.",
            "infection",
        ),
        ("I'm 83, tripped over the cat and hit the floor, back has hurt since.", "fracture"),
        ("Tipped off the ladder, now I can't lift my left leg at all.", "neurological_deficit"),
        ("Bottom feels like the tissue isn't even touching me when I wipe.", "cauda_equina"),
        ("Out of nowhere a searing pain through my back into my belly, I'm 70.", "vascular"),
    ],
)
def test_signs_told_in_the_words_of_the_last_writer_rounds_are_flagged(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Can you get night sweats from a bad back? I'm getting them every night.", "infection"),
        ("Is a fever normal with back pain? I've had 38.5 since yesterday.", "infection"),
        ("Is sudden tearing pain an emergency? it just started an hour ago", "vascular"),
    ],
)
def test_a_general_question_followed_by_the_writers_own_sign_is_a_flag(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "My wife had a fever with flu in March, gone after three days. My back hurts from digging.",
        "I had the shivers with a cold last week and have been fine since. Back sore from the gym.",
        "Used to wet myself after baby one but physio fixed that, totally fine now. Sore back.",
        "Differentials felt unlikely: CES (bladder and saddle normal). Mechanical LBP.",
        "Asked re urinary retention - denies. Lifting injury 3/7 ago.",
        "When they say 'unexplained weight loss', what counts? Mine is steady, back just aches.",
        "Is tearing pain always an emergency? mine is more a dull ache after gardening",
        "What temperature is a fever? mine's 36.8 so probably fine? back sore",
        "Plan: NSAIDs, physio, RTC prn.",
        "kid had a temperature all week and I've been carrying her, now my back is sore",
        "My back has been killing me since the move. My flatmate has a fever with flu.",
        "Had a cold with a temperature in May, which has now cleared. Back stiff from mowing.",
        "Shivers and a fever at Easter with covid. Fully better now. Back aches from the desk.",
        "Bit of cabin fever after a week indoors with my bad back.",
    ],
)
def test_past_other_peoples_and_asked_about_signs_stay_quiet(engine, text: str) -> None:
    assert engine.find(text) == []


def test_an_old_person_caught_before_hitting_the_floor_has_not_fallen(engine) -> None:
    text = "Dad, 81, fainted at the sink and I caught him before he hit the floor. Back sore."
    assert {f.category for f in engine.find(text)} == {"vascular"}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Since Tuesday I can't feel the urine passing, I have to look.", "cauda_equina"),
        ("Since my back went it comes out without me knowing.", "cauda_equina"),
        ("She didn't notice the flannel between her legs when I washed her.", "cauda_equina"),
        ("His legs feel heavier than yesterday, he tripped on a step.", "neurological_deficit"),
        ("Day 9 after my fusion: new pain, discharge from the bottom of the wound.", "infection"),
        (
            "The ache doesn't care whether I'm lying or sitting, and at night it's worst.",
            "malignancy",
        ),
        ("Grandad went grey, slumped, and did not know himself for a minute.", "vascular"),
        ("Can a bad disc make you wet the bed? It happened to me last night.", "cauda_equina"),
    ],
)
def test_signs_told_by_their_consequences_are_flagged(engine, text: str, category: str) -> None:
    assert category in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "No fever, no bladder trouble, just pain since a lorry knocked me off my pushbike.",
            "fracture",
        ),
        ("Should I worry about chills with back pain? I've got them right now.", "infection"),
        ("Got up in the night and next thing I knew I was on the kitchen floor.", "vascular"),
        ("Can't get it up since my back went 5 days ago, never had that before.", "cauda_equina"),
    ],
)
def test_what_is_left_after_just_and_a_back_that_went_are_flags(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "My neighbour came round with a casserole, my back is sore from the garden.",
        "I must push hard on the pedals up the hill and my lower back aches after.",
        "The pain is like a knife going in when I bend to tie my laces.",
        "I'm 75 and I hit the ground running every morning; my back is just stiff.",
        "Kept tripping over the foot of the bed in the dark, back sore from the move.",
        "Mum is 80 and can't get much water out of the old tap, her back aches from bending.",
        "My sister booked it without me knowing, and my back aches from the drive.",
    ],
)
def test_everyday_look_alikes_of_this_sessions_patterns_stay_quiet(engine, text: str) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("He says the pain is tearing in nature and nothing like his usual back.", "vascular"),
        ("Felt like someone had ripped my back open, came on in a second.", "vascular"),
        ("On prednisolone for the last twelve years, lifted a bag and felt it go.", "fracture"),
        ("Both legs have got a lot weaker since Sunday, back agony.", "neurological_deficit"),
        ("Since my back went I'm leaking when I cough, never before.", "cauda_equina"),
        ("Peed a little in the queue at the bank and never felt it. Sore back.", "cauda_equina"),
        ("Nan is 79, she missed the chair and sat on the floor, back sore since.", "fracture"),
        ("Bad back a week and he could not pass water at all this morning.", "cauda_equina"),
        ("Weight today 61kg - 68kg 3 months ago, back pain new this month.", "malignancy"),
        ("Tipped out of bed onto the floor at 4am, she's 88, holding her back.", "fracture"),
        ("My back's bad and I woke up wet, I didn't even know I needed to go.", "cauda_equina"),
        ("ah cannae feel the paper when ah wipe since ma back went", "cauda_equina"),
        ("mi clothes dem a hang off mi and mi nuh try fi lose nuttin, back a hurt", "malignancy"),
        ("Fell through the loft hatch, must have been 9 feet, back is agony.", "fracture"),
        ("Thrown from the cab when the dumper tipped, low back pain.", "fracture"),
        ("She went floppy in her chair, eyes shut, back after a minute. Back pain.", "vascular"),
        ("Felt her forehead, she's hot like an oven and her back hurts.", "infection"),
        ("Came off the jab in March and I'm still losing weight, back aches.", "malignancy"),
    ],
)
def test_signs_in_other_words_and_other_englishes_are_flagged(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


def test_a_list_denied_as_a_whole_in_the_next_sentence_is_not_a_flag(engine) -> None:
    text = "The leaflet lists fever, a numb bottom and losing weight. I don't have any of them."
    assert engine.find(text) == []


def test_a_denial_in_the_next_sentence_about_something_else_keeps_the_flag(engine) -> None:
    text = "I have a fever and I wet myself. None of these are getting better."
    assert {f.category for f in engine.find(text)} == {"infection", "cauda_equina"}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "I've had a leak when I sneeze since my second baby, years now. Sore back.",
            "cauda_equina",
        ),
        ("I wake up wet through with sweat in this heat, back stiff.", "cauda_equina"),
        ("My back is so stiff I cannae stand straight in the mornings.", "neurological_deficit"),
        ("I missed the bottom step, only a small drop, and jarred my back.", "cauda_equina"),
        ("My son, 17, came off his skateboard on the flat, jumped back on.", "fracture"),
    ],
)
def test_look_alikes_of_the_new_phrasings_do_not_flag_their_category(
    engine, text: str, category: str
) -> None:
    assert category not in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Handover: incontinent of urine for years per care plan, back sore on turning.",
        "Mr B is bed-bound since 2019 after his stroke; grumbling lower back today.",
        "Chronic urinary incontinence, nothing new. Back ache after the hoist.",
    ],
)
def test_a_bladder_or_leg_sign_that_is_a_long_standing_baseline_is_not_a_flag(
    engine, text: str
) -> None:
    assert engine.find(text) == []


def test_a_long_standing_sign_that_has_now_changed_stays_a_flag(engine) -> None:
    text = "Slow flow for years but now I can't go at all since Monday. Back agony."
    assert "cauda_equina" in {f.category for f in engine.find(text)}


def test_a_new_sign_beside_a_baseline_one_stays_a_flag(engine) -> None:
    text = (
        "Incontinent of urine for years, but since Monday she can't feel when she opens her bowels."
    )
    assert "cauda_equina" in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Screen: saddle anaesthesia x / fever / systemically unwell x / wt loss x. LBP.",
        "Tick any: loss of bladder control [ ] fever [ ] weakness in legs [ ]. Back ache.",
        "I asked about and excluded fever, weight loss, trauma and sphincter disturbance.",
        "The poster said back pain with loss of bladder control is an emergency; mine is a twinge.",
        "The induction had a slide about aortic aneurysm: throbbing stomach and collapse. I'm 26.",
        "Instructor showed what to do if someone falls off a roof. My back just aches from shifts.",
        "Since starting HRT my night sweats have gone completely; the back is from the mattress.",
        "My wee girl fell off the trampoline and I caught her awkwardly and did my back in.",
        "My back aches after bending over the bath. What can I use?",
    ],
)
def test_checklists_lessons_and_other_peoples_signs_are_not_flags(engine, text: str) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "Is not being able to pee an emergency? Asking for myself, I've been trying for hours,"
            " nothing.",
            "cauda_equina",
        ),
        ("can you get a fever from a slipped disc? bc i have both rn", "infection"),
        (
            "Does back pain after going into the windscreen mean something is broken? I was in"
            " the back without a seatbelt.",
            "fracture",
        ),
        ("There's numbness around my butthole since my back went.", "cauda_equina"),
        (
            "Since yesterday she hasn't passed any water at all and her tummy is swollen.",
            "cauda_equina",
        ),
        ("LBP 1/52. Pt has not voided since approx 1900 yesterday despite urge.", "cauda_equina"),
        ("Over 24 hours she has lost the sensation of bladder filling.", "cauda_equina"),
        ("78M, LBP since moving garden furniture 6/7 ago.", "fracture"),
        (
            "Had lung cancer 2 years ago and for a week my legs have been getting weaker.",
            "neurological_deficit",
        ),
        ("not gonna lie i inject, and my lower back has been killing me for a week", "infection"),
        (
            "Bilat leg weakness progressing x3d, now unable to walk (baseline independent).",
            "neurological_deficit",
        ),
    ],
)
def test_signs_from_the_seventieth_writers_are_flagged(engine, text: str, category: str) -> None:
    assert category in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "111 told me to ring back if I get a temperature. Locked-up back since bending.",
            "fracture",
        ),
        (
            "On a cut for my first show, down 7kg in 10 weeks, tracking macros. Sore back.",
            "malignancy",
        ),
        (
            "Does back pain that wakes you at night always mean cancer? Mine goes if I turn over.",
            "malignancy",
        ),
        (
            "I work at the needle exchange and a lot of the people we see inject. Sore back.",
            "infection",
        ),
        (
            "Had a cold with a fever two weeks back, it broke after 2 days. Sore back since.",
            "infection",
        ),
        (
            "our lecturer said a pulsing in your belly can be an aneurysm. my back is stiff",
            "vascular",
        ),
    ],
)
def test_traps_from_the_seventieth_writers_do_not_flag_their_category(
    engine, text: str, category: str
) -> None:
    assert category not in {f.category for f in engine.find(text)}


def test_a_relatives_sign_named_with_a_bare_possessive_is_not_the_writers(engine) -> None:
    text = "husband's got an aneurysm they're monitoring, i've done my back in hoovering the stairs"
    assert engine.find(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "I had a dizziness and I lost the knowledge in the supermarket, now my low back hurts.",
            "vascular",
        ),
        (
            "I think I've lost some feeling round my back passage since my back went.",
            "cauda_equina",
        ),
        ("Since two days I do not feel the place of sitting, and my back hurts.", "cauda_equina"),
        ("She sits on the toilet half hour and nothing come out, back very pain.", "cauda_equina"),
        ("Back dey pain me, body dey hot, I dey shiver for night.", "infection"),
        (
            "Rolled into the gutter when the trotro somersaulted; back paining me seriously.",
            "fracture",
        ),
        ("I've been slimming without trying and the waist pain is always there.", "malignancy"),
    ],
)
def test_signs_in_world_english_and_translation_are_flagged(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "Fever or feeling hot and shivery - No\nInjury or fall - No\nBack sore 10 days.",
            "infection",
        ),
        ("50F, LBP 2/52. Own hx: nil ca. No wt loss.", "malignancy"),
        (
            "Was on prednisolone for five days for a chest infection. Back sore from mowing.",
            "fracture",
        ),
        (
            "Our kelpie's back legs gave out last week and my back's gone lifting him.",
            "neurological_deficit",
        ),
        (
            "Legs were like jelly after the Ironman, fine next day; back still tender.",
            "neurological_deficit",
        ),
    ],
)
def test_form_answers_short_courses_and_animals_do_not_flag_their_category(
    engine, text: str, category: str
) -> None:
    assert category not in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Red flag screen: urinary retention YES / fever NO. LBP 6/52.", "cauda_equina"),
        (
            "Not a drop since last night even though she keeps trying. Back went Friday.",
            "cauda_equina",
        ),
        ("there's a visible beat in the middle of my tummy and my back's aching", "vascular"),
        ("Today R leg 2/5, unable to transfer. LBP x4d.", "neurological_deficit"),
        ("MS since 1998 and now 73. Lost my footing off the kerb, back sore since.", "fracture"),
    ],
)
def test_signs_from_chatbots_and_long_term_conditions_are_flagged(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "I self-catheterise and have done since 2016; none of that has changed. Back ache.",
        "Erectile dysfunction, longstanding since 2018, no recent change. LBP after a move.",
        "Nurse: Any new weakness, numbness or bladder change? Reply Y or N\nMe: N\nNurse: Thanks.",
    ],
)
def test_an_unchanged_baseline_and_a_chats_n_are_not_flags(engine, text: str) -> None:
    assert engine.find(text) == []


def test_a_chats_no_taken_back_stays_a_flag(engine) -> None:
    text = "Nurse: Any sweats at night?\nCaller: No... well, maybe. Worse since the back started."
    assert "infection" in {f.category for f in engine.find(text)}


def test_the_next_lines_answer_does_not_deny_a_reading_at_the_end_of_a_line(engine) -> None:
    text = "Temperature? 37.9 and 38.4\nAny injury? no\nBack pain 4 days."
    flags = engine.find(text)
    assert [(f.category, f.evidence) for f in flags] == [("infection", "38.4")]


@pytest.mark.parametrize(
    "text",
    [
        "The tea was proper weak and my back aches.",
        "I was hot and sweaty after the gym, back sore.",
        "The name escaped me, back sore from the move.",
        "Unable to transfer money online and my back aches.",
        "Lost the urge to exercise since my back went.",
        "had chills with a cold 2 weeks back but thats cleared up. sore back since the move",
        "The party goes on all night next door, back sore.",
        "I fell over the dog, I'm 6 foot two, back sore.",
        "Only a few drops of rain all week and my back aches from the garden.",
        "I fell down 2 steps at the station, back sore, I'm 30.",
    ],
)
def test_everyday_look_alikes_of_session_nines_patterns_stay_quiet(engine, text: str) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "I keep standing at the urinal not sure if I'm done, like the signal has gone.",
            "cauda_equina",
        ),
        (
            "Why would a bath feel hot on my legs but not on my bum? Back sore a week.",
            "cauda_equina",
        ),
        ("PMHx: FOLFOX 2014. Now 3/52 lumbar ache.", "malignancy"),
        ("Reports eating well but scales show -8kg since Aug. LBP x4/52.", "malignancy"),
        (
            "Right leg just isn't strong enough any more, needing the wall to get to the loo.",
            "neurological_deficit",
        ),
        ('Mum, 70s: back pain and "just not right", muddled today, hot to touch.', "infection"),
    ],
)
def test_signs_from_understaters_and_primary_care_notes_are_flagged(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "I have Crohn's but it's in remission, no steroids, just lower back stiffness from work.",
        "GP consult: sister dx with bone mets last month. Pt anxious; LBP after lifting.",
        "Her mother was recently diagnosed with breast cancer; her back pain is mechanical.",
        "Dad's in the hospice with lung cancer that spread; my back is wrecked from the chair.",
    ],
)
def test_a_relatives_diagnosis_and_a_bowel_disease_in_remission_are_not_the_writers_cancer(
    engine, text: str
) -> None:
    assert "malignancy" not in {f.category for f in engine.find(text)}


def test_the_writers_own_cancer_in_remission_stays_a_flag(engine) -> None:
    text = "My lymphoma is in remission since 2021; new back pain at night for a month."
    assert "malignancy" in {f.category for f in engine.find(text)}


def test_its_all_gone_to_sleep_down_there_is_not_a_sign_that_went(engine) -> None:
    text = "back flared this week and i cant feel anything, like its all gone to sleep down there"
    assert "cauda_equina" in {f.category for f in engine.find(text)}


def test_a_carers_note_of_wetting_without_realising_is_a_flag(engine) -> None:
    text = "Mr P's back is worse today and he's been wet twice without realising."
    assert "cauda_equina" in {f.category for f in engine.find(text)}


def test_a_colleague_at_works_weight_loss_is_not_the_writers(engine) -> None:
    text = "colleague at work had been losing weight without trying. my back aches from the chair"
    assert "malignancy" not in {f.category for f in engine.find(text)}


def test_a_relatives_sign_earlier_in_the_sentence_is_not_the_writers(engine) -> None:
    text = (
        "My dad fainted last week and they found an aneurysm, so he's having surgery soon. "
        "Meanwhile I've done my back in lifting his wheelchair into the car."
    )
    assert "vascular" not in {f.category for f in engine.find(text)}


def test_a_relative_who_took_the_writers_temperature_leaves_it_the_writers(engine) -> None:
    text = "For a week I have strong pain in my back. My daughter-in-law measured 38.7 yesterday."
    assert "infection" in {f.category for f in engine.find(text)}


def test_a_sign_told_in_company_of_a_relative_stays_the_writers(engine) -> None:
    text = "My back is bad for ten days and now when I am with my wife nothing happens down there."
    assert "cauda_equina" in {f.category for f in engine.find(text)}


def test_a_relative_named_in_spanish_can_be_the_patient(engine) -> None:
    text = "Mi mamá has lost so much weight, her clothes are hanging on her, and her back hurts."
    assert "malignancy" in {f.category for f in engine.find(text)}


def test_asking_whether_a_sign_is_a_red_flag_is_a_general_question(engine) -> None:
    text = "night sweats with back pain, is that a red flag? asking for my nursing exam"
    assert "infection" not in {f.category for f in engine.find(text)}


def test_a_question_answered_never_done_that_before_is_the_writers_sign(engine) -> None:
    text = "maybe wet the bed last night?? never done that in my life. back's wrecked since monday"
    assert "cauda_equina" in {f.category for f in engine.find(text)}


def test_a_clinicians_letter_about_treating_a_back_does_not_make_the_writer_the_patient(
    engine,
) -> None:
    text = (
        "Dear colleague, I have treated this 55-year-old driver for low back pain for six "
        "weeks. Over the last fortnight his knee extension has weakened from 5/5 to 3/5."
    )
    assert "neurological_deficit" in {f.category for f in engine.find(text)}


def test_a_sign_that_came_back_to_normal_long_ago_is_not_a_flag(engine) -> None:
    text = (
        "Years ago I had a bad disc and for a fortnight I couldn't feel the toilet paper when I "
        "wiped. Had surgery that week and it all came back to normal. Now just a stiff back."
    )
    assert "cauda_equina" not in {f.category for f in engine.find(text)}


def test_a_checklist_headed_neg_denies_every_item(engine) -> None:
    text = "Physio: 22F netball. LBP 2/52. Neg: fever, chills, sweats, wt loss, night pain."
    assert engine.find(text) == []


def test_a_question_followed_by_the_writers_age_and_sex_is_the_writers_sign(engine) -> None:
    text = "is night sweating with back pain a bad sign? 37F, sheets wet 3 nights this week"
    assert "infection" in {f.category for f in engine.find(text)}


def test_a_teammates_parents_sign_is_not_the_writers(engine) -> None:
    text = (
        "My teammate's dad collapsed at the side of the pitch last season with an aneurysm. "
        "I'm 21 and my back is sore from pre-season."
    )
    assert "vascular" not in {f.category for f in engine.find(text)}


def test_a_relative_introduced_as_a_dash_in_a_family_history_is_not_the_patient(engine) -> None:
    text = "FH: mother – breast ca (dx 52), brother – colorectal ca. Pres: LBP after a tackle."
    assert "malignancy" not in {f.category for f in engine.find(text)}


def test_a_writer_who_says_nephew_here_is_not_the_relative_named_first(engine) -> None:
    text = (
        "Nephew here. My uncle (48) injects, we all know. He's been on the sofa four days "
        "saying his back is killing him low down."
    )
    assert "infection" in {f.category for f in engine.find(text)}


def test_a_sign_that_went_into_the_belly_did_not_go_away(engine) -> None:
    text = "Sudden awful pain in his back, like someone tore him open, then it went into his belly."
    assert "vascular" in {f.category for f in engine.find(text)}


def test_a_general_question_answered_mine_isnt_is_not_a_flag(engine) -> None:
    text = (
        "what would it mean if the pain in my back was there at night whatever position? "
        "mine isn't, I'm just curious"
    )
    assert "malignancy" not in {f.category for f in engine.find(text)}


def test_a_relatives_words_passed_on_by_the_writer_are_the_relatives(engine) -> None:
    text = (
        "Posting on behalf of my nan (she's 84). She wrote this for me to type up: "
        '"I was reaching up to the top shelf and felt something go in my back with a crack."'
    )
    assert "fracture" in {f.category for f in engine.find(text)}


def test_an_immune_treatment_with_a_fever_only_to_watch_for_is_not_a_flag(engine) -> None:
    text = "I'm on adalimumab - if I get a temperature with back pain is that an emergency?"
    assert "infection" not in {f.category for f in engine.find(text)}


def test_an_immune_treatment_with_the_fever_it_warned_of_now_present_is_a_flag(engine) -> None:
    text = (
        "Mum is on chemotherapy tablets, the hospital told us to ring if she got a "
        "temperature. She has one now and a new backache."
    )
    assert "infection" in {f.category for f in engine.find(text)}


def test_what_would_it_mean_asks_about_a_sign_that_has_not_happened(engine) -> None:
    text = "what would it mean if my foot started dragging? my back's been bad for a week"
    assert "neurological_deficit" not in {f.category for f in engine.find(text)}


def test_a_fever_cleared_by_antibiotics_is_not_a_flag(engine) -> None:
    text = "Had a UTI last month with a temperature and back ache. Antibiotics cleared it."
    assert "infection" not in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "my daughter came round in the afternoon and my back is agony",
        "LBP with radiation to the buttock. No red flags.",
        "I nearly peed my pants laughing but my back hurts",
        "I go by the clock for my tablets; back pain since the move.",
    ],
)
def test_everyday_look_alikes_of_this_sessions_patterns_are_not_flags(engine, text: str) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Call from son. Dad has been incontinent of urine since this morning, back pain a week.",
        "Spoke to daughter - mum has been incontinent since yesterday, back pain ++",
        "Nurse note. Daughter present. Mum has been incontinent since Sunday, low back pain.",
        "Pt's partner called: he hasn't passed urine since last night, back pain.",
        "Daughter worried: her mum has numbness between her legs since yesterday, back pain ++.",
    ],
)
def test_a_relative_who_rings_reports_on_the_relative_named_next(engine, text: str) -> None:
    assert "cauda_equina" in {f.category for f in engine.find(text)}


def test_a_relative_who_rings_about_their_own_back_is_the_patient(engine) -> None:
    text = (
        "Mrs T's daughter rang - daughter herself has LBP after nursing her mother through a "
        "hip fracture. Daughter 48, no falls."
    )
    assert "fracture" not in {f.category for f in engine.find(text)}


def test_a_relative_who_only_passes_on_what_a_friend_said_does_not_own_the_sign(engine) -> None:
    text = "The doctor said it is muscles. My friend said it can change into cancer. Is this true?"
    assert "malignancy" not in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Is it normal to feel a pulse in your tummy after a big meal? Mine is fine now.",
        "The horse bucked but I stayed on, my back is a bit sore from the ride.",
    ],
)
def test_a_sign_asked_about_then_denied_or_averted_is_not_a_flag(engine, text: str) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "I work in a cancer hospital and my back aches from lifting patients.",
        "Had covid in March with a fever, all fine now. Back twinged yesterday lifting shopping.",
    ],
)
def test_a_workplace_or_an_illness_that_is_over_is_not_a_flag(engine, text: str) -> None:
    assert engine.find(text) == []


def test_a_cancer_patient_writing_about_themselves_stays_a_flag(engine) -> None:
    text = "Myeloma patient here, new low back pain since Tuesday, anyone else?"
    assert "malignancy" in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Mum and her sister both had breast cancer and I had it too, in 2012. Now my back aches.",
        "My dad had bowel cancer and so did I, ten years ago. My lower back has hurt for a month.",
    ],
)
def test_a_relatives_sign_the_writer_says_they_had_too_is_a_flag(engine, text: str) -> None:
    assert "malignancy" in {f.category for f in engine.find(text)}


def test_a_relatives_sign_the_writer_never_had_is_not_a_flag(engine) -> None:
    text = "My dad had bowel cancer and my mum had it too. My lower back hurts after gardening."
    assert engine.find(text) == []


@pytest.mark.parametrize("spaces", [" ", "  ", "   "])
def test_an_exclusion_written_before_a_sign_holds_across_a_run_of_spaces(engine, spaces) -> None:
    text = f"I get hay{spaces}fever every spring and my back aches from gardening."
    assert engine.find(text) == []


def test_a_sign_across_runs_of_spaces_is_placed_in_the_submitted_text(engine) -> None:
    text = "Back pain  since Monday.\r\n\r\nNow my   legs    keep giving   way."
    flags = engine.find(text)
    assert [(f.category, f.evidence) for f in flags] == [
        ("neurological_deficit", "legs    keep giving   way")
    ]
    assert text[flags[0].start : flags[0].end] == flags[0].evidence


def test_the_context_of_a_detected_sign_is_read_across_runs_of_spaces(engine) -> None:
    text = "Sore back.\n\n\n\n" + " " * 40 + "Fever   of 39 since lunch.   No  fever  before."
    first, second = text.index("Fever"), text.index("fever")
    assert engine.context_of(text, first, first + 5, "infection") is None
    assert engine.context_of(text, second, second + 5, "infection") == "negated"


def test_a_partner_the_writer_can_no_longer_feel_is_not_the_patient(engine) -> None:
    text = "Since my back went on Monday I can't feel my partner at all when we're intimate."
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_a_childs_quoted_words_are_not_the_writers_own_pain(engine) -> None:
    text = 'Our daughter (9) is on chemo. Tonight she is 38.5 and says "my back is hurting".'
    assert "infection" in {f.category for f in engine.find(text)}


def test_asking_whether_a_sign_can_wait_is_asking_about_ones_own(engine) -> None:
    text = "is numbness around the back passage with back pain worrying or can it wait until monday"
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_a_leg_that_went_from_wobbly_to_dead_in_days_is_getting_weaker(engine) -> None:
    text = "Leg a bit weak on Tuesday, dead leg by Friday morning. Back's been bad for a fortnight."
    assert {f.category for f in engine.find(text)} == {"neurological_deficit"}


def test_falling_leg_power_in_a_clinical_note_is_getting_weaker(engine) -> None:
    text = "LBP 2/52. Leg power 4/5 bilat, decreasing on repeat exam. Sphincters intact."
    assert {f.category for f in engine.find(text)} == {"neurological_deficit"}


def test_clothes_swimming_on_someone_is_weight_loss(engine) -> None:
    text = "Dad's 78, his trousers are swimming on him these days and his back aches all the time."
    assert "malignancy" in {f.category for f in engine.find(text)}


def test_a_relatives_sign_counts_when_both_have_the_back_pain_told_before_him(engine) -> None:
    text = (
        "We both have bad backs, me and my dad. Mine is the usual. "
        "Since yesterday he can't lift his left foot and it slaps on the floor."
    )
    assert {f.category for f in engine.find(text)} == {"neurological_deficit"}


def test_a_belly_pulse_a_doctor_put_down_to_being_slim_is_not_a_flag(engine) -> None:
    text = "I can see a beat in my tummy lying down but the GP said it's normal as I'm so thin."
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Honestly tearing my hair out with this back pain, three weeks now.",
        "Crashed on the couch after a double shift and woke up with a stiff back.",
        "I can't walk past the chippy without stopping, hence the belly and the bad back.",
        "My fevered imagination has decided this backache is something terrible.",
    ],
)
def test_idioms_with_sign_words_are_not_flags(engine, text: str) -> None:
    assert engine.find(text) == []


def test_chills_from_a_broken_boiler_are_not_a_fever(engine) -> None:
    text = "Been shivering all evening because the boiler's broken again. Back sore from the cold."
    assert engine.find(text) == []


def test_sweats_despite_the_heating_being_broken_stay_a_flag(engine) -> None:
    text = "Soaked in sweat every night even though the heating's broken, and my back is agony."
    assert {f.category for f in engine.find(text)} == {"infection"}


def test_sweats_under_a_hot_water_bottle_are_not_a_fever(engine) -> None:
    text = "Fell asleep with the hot water bottle on my back and woke up sweaty. Back still stiff."
    assert engine.find(text) == []


def test_no_known_condition_is_a_denial(engine) -> None:
    assert engine.find("Nil trauma. No known osteoporosis. 41F, LBP after lifting a box.") == []


def test_a_normal_temperature_is_no_fever_beside_a_weak_immune_system(engine) -> None:
    text = "On azathioprine for Crohn's. Temperature's normal, just a stiff back after gardening."
    assert engine.find(text) == []


def test_a_queried_pulsatile_abdomen_in_a_note_counts(engine) -> None:
    text = "68M, sudden severe LBP. Abdo: ?pulsatile, difficult exam. For CT."
    assert {f.category for f in engine.find(text)} == {"vascular"}


def test_presyncope_is_fainting(engine) -> None:
    text = "Presyncope twice this morning with severe low back pain, 70M, smoker."
    assert {f.category for f in engine.find(text)} == {"vascular"}


def test_a_leg_found_at_full_strength_is_not_getting_weaker(engine) -> None:
    text = "My leg feels weak but the GP tested it today and said the strength is full."
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Night sweats since they changed my HRT dose, and the usual backache.",
        "The chills are from the ice packs I keep on my back, nothing else.",
    ],
)
def test_sweats_and_chills_with_their_cause_in_the_sentence_are_not_a_fever(engine, text) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "Gran's 88 and she's gone down three times this week, her back's killing her.",
            "fracture",
        ),
        ("Went through the windscreen of his van, airbag didn't deploy, back agony.", "fracture"),
        (
            "My son landed on his upper back doing a flip on the trampoline, pain down his spine.",
            "fracture",
        ),
        ("The barbell came down on my upper back when I failed the lift.", "fracture"),
        ("On hydrocortisone tablets for Addison's for 20 years, slipped on a stair.", "fracture"),
        ("Stage 4 breast, under the palliative team. New back pain this week.", "malignancy"),
        ("my hoo ha has gone kinda numb since my back went", "cauda_equina"),
        ("From Monday my leg is no strong and my back pain is bad.", "neurological_deficit"),
    ],
)
def test_signs_a_later_round_of_writers_told_in_new_words(engine, text: str, category: str) -> None:
    assert {f.category for f in engine.find(text)} == {category}


@pytest.mark.parametrize(
    "text",
    [
        "Stage 4 kidney disease and a sore back from gardening.",
        "Hydrocortisone cream for eczema for 20 years, slipped on the stairs, back sore.",
    ],
)
def test_look_alikes_of_those_words_are_not_flags(engine, text: str) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Dad nearly passed out when he saw the physio invoice. His back is much better though.",
        "Legs like jelly after the 10k this morning, lower back sore too.",
        "It's 26 degrees in my bedroom and the backache is keeping me up.",
    ],
)
def test_sign_words_explained_in_their_own_sentence_are_not_flags(engine, text: str) -> None:
    assert engine.find(text) == []


def test_the_bedroom_gone_quiet_since_the_back_went_is_new_sexual_dysfunction(engine) -> None:
    text = "Since my back went last week, things in the bedroom have completely stopped working."
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


def test_saddle_numbness_that_wore_off_is_not_a_flag(engine) -> None:
    text = "Numb bum after a long day in the saddle, wore off by teatime. Lower back a bit stiff."
    assert engine.find(text) == []


def test_saddle_numbness_likened_to_an_injection_wearing_off_stays_a_flag(engine) -> None:
    text = "My groin has gone numb since this morning, like when the dentist's injection wears off."
    assert {f.category for f in engine.find(text)} == {"cauda_equina"}


@pytest.mark.parametrize(
    "text",
    [
        "My friend Doreen had that cauda equina thing after her back op, she was wet through and "
        "couldn't feel her bottom. My own back is just stiff from gardening.",
        "My neighbour's husband was rushed in with a ruptured aneurysm last week, tearing pain in "
        "his back, collapsed in the garden. My own back is just stiff from the sewing machine.",
    ],
)
def test_the_person_who_opens_a_sentence_owns_its_signs_beside_the_writers_own_pain(
    engine, text: str
) -> None:
    assert engine.find(text) == []


def test_a_writer_with_no_pain_of_their_own_writes_about_the_relative(engine) -> None:
    text = "My daughter, 9, was in a car crash yesterday. I have no pain, only her."
    assert {f.category for f in engine.find(text)} == {"fracture"}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Found soiling on his underwear this morning and he hadn't noticed.", "cauda_equina"),
        ("Tried a backflip at 41 and landed on my neck, lower back seized since.", "fracture"),
        ("Got speared head first into the ground in a tackle, back burning since.", "fracture"),
        (
            "Mum slipped in the kitchen, now her legs are numb and she cannot move them.",
            "neurological_deficit",
        ),
        ("Passed out at the top of the stairs and came round at the bottom. 74.", "fracture"),
        ("Dad has been loosing weight and his back is bad.", "malignancy"),
        ("The back pain does not allow him to sleep at night.", "malignancy"),
        (
            'The GP said "as long as you can wee, you are fine". Since last night I can\'t.',
            "cauda_equina",
        ),
        (
            "Does it matter that I'm on long-term steroids if I've just pulled my back lifting?",
            "fracture",
        ),
        (
            "Last night I have the shiver very much, I cover with three blankets and still shake.",
            "infection",
        ),
        (
            "Every night this week I've woken up absolutely soaking, changed my t-shirt twice.",
            "infection",
        ),
        ("Transplant patient on tacrolimus, 37.9 tonight, lower back aching.", "infection"),
        ("Pain where they did the facet injection is getting worse every day.", "infection"),
        ("Since September I've dropped from 11st 4 to just under 9st 10.", "malignancy"),
        ("Lying, standing, curled up, makes zero difference and 3am is the worst.", "malignancy"),
        ("Since his back went he can't, you know, in the bedroom.", "cauda_equina"),
        ("Now I have like sleeping in the intimate parts and inner thighs.", "cauda_equina"),
        (
            "How do you know your bladder is empty? I used to just know. Now I feel nothing.",
            "cauda_equina",
        ),
        ("Stood at the toilet ages, no wee came. Lifted a wardrobe Friday.", "cauda_equina"),
        ("Went to stand up and my legs just weren't there.", "neurological_deficit"),
        ("Now I hoist my left leg up the kerb with my hand.", "neurological_deficit"),
        ("Chappal is slipping off my right foot while walking.", "neurological_deficit"),
        ("Fallen off the wagon. Hay wagon, ten foot up, straight onto the yard.", "fracture"),
        ("Went arse over tit on the ice, 68, osteopenia on my last scan.", "fracture"),
        ("The floor came up to meet me and I woke up on the kitchen lino.", "vascular"),
        ("My aorta scan said 4.6 in January and now my back is 10/10.", "vascular"),
        (
            "My nan is 91 and twisted round for the remote. Screamed. Hasn't moved since.",
            "fracture",
        ),
        ("I'm the one with sweats every night that aren't from the heat, back sore.", "infection"),
        ("Fall from a ladder yesterday. Now no sensation of bladder filling.", "cauda_equina"),
        ("Sciatica both sides and pissing like an old man, I'm 31.", "cauda_equina"),
        (
            "Q. what if the foot's gone limp and you can't lift it?\nA. that one does.\n"
            "...right. so that's me then.",
            "neurological_deficit",
        ),
        ("Back pain and calafrios since yesterday.", "infection"),
        ("Shaking under the blanket all night, estoy en quimioterapia.", "malignancy"),
        ("Kal raat se peshab nahi ho raha, only drop drop.", "cauda_equina"),
        ("Achanak kamar mein dard, behoshi jaisi ho rahi hai.", "vascular"),
        ("Dribbling all day since Monday with zero warning.", "cauda_equina"),
        ("Wee stops halfway and I have to push. Started the day my back went.", "cauda_equina"),
        (
            "Since my back flared I can't tell I need a number two until it's nearly too late.",
            "cauda_equina",
        ),
        (
            "Is losing feeling in your vagina a thing with back pain? It happened overnight.",
            "cauda_equina",
        ),
        ("He says since two days he cannot make the sex, both legs are pain.", "cauda_equina"),
        ("Now my left toes won't move at all, two weeks of sciatica.", "neurological_deficit"),
        ("I cannot walk from this morning, legs are like not mine.", "neurological_deficit"),
        ("The weight's coming off me and I haven't changed a thing.", "malignancy"),
        ("Scaffolder, went off the second lift onto pallets on Friday.", "fracture"),
        ("Fell off the back of the tipper, couple of metres, straight onto my arse.", "fracture"),
        ("Throb by my belly button when I press it, back aching for days. 68.", "vascular"),
        ("Bukhar 101 aa raha hai and kamar mein dard bahut.", "infection"),
    ],
)
def test_signs_told_in_the_words_of_session_23s_writers_are_read_by_the_rules(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


def test_an_idiom_of_no_business_doing_something_is_no_denial(engine) -> None:
    text = "I had no business trying a backflip at my age and landed on my head."
    assert {f.category for f in engine.find(text)} == {"fracture"}


def test_a_relative_who_landed_on_her_backside_is_the_patient(engine) -> None:
    text = (
        "My aunt is 85 and has been on steroids for years. "
        "She tripped over the dog's lead today and landed on her backside."
    )
    assert {f.category for f in engine.find(text)} == {"fracture"}


def test_needing_proper_advice_is_no_advice_card(engine) -> None:
    text = "I'm going to be honest because I need proper advice: I inject, not every day."
    assert {f.category for f in engine.find(text)} == {"infection"}


def test_a_hospital_that_sorted_a_wrist_did_not_resolve_the_crash(engine) -> None:
    text = (
        "Came off the motorbike at about 40 on Friday, hospital sorted my wrist "
        "but now my back is hurting like hell."
    )
    assert {f.category for f in engine.find(text)} == {"fracture"}


def test_an_aorta_of_normal_width_is_no_aneurysm(engine) -> None:
    text = (
        "His aorta measured 2.4 cm at screening, which is normal. Back ache after moving furniture."
    )
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Fever dream last night that my spine was made of Lego. Stiff back from sleeping badly.",
        "Landed a 10-foot drop on my snowboard, didn't fall once, back tight from the board.",
        "Can't pee if someone's in the next cubicle, always been that way, shy bladder.",
        "Vasectomy last week, still a bit numb down there like they said. Back sore from bed.",
        "My star sign is Cancer and my horoscope said watch your back. Pulled it moving a sofa.",
        "Lost 4 kilos to a tummy bug at Christmas and regained most of it. Back's from the snow.",
        "Nearly came off the ladder, grabbed the gutter in time. Wrenched my back hanging there.",
        "Tore my hamstring sprinting, a tearing feeling in the back of my thigh. Back tight since.",
        "That character on the soap has got a tumour. Mine came on after a sofa bed.",
        "Since my second baby I leak a bit when I sneeze. Back sore from the car seat.",
        "I used to inject heroin twenty years ago, clean ever since. Back ache from building.",
        "?CES referral. MRI: L4/5 bulge, no compression of the cauda equina. D/C with physio.",
        "PR normal tone, perianal sensation intact. Low suspicion CES. Analgesia.",
        "Hx IVDU, abstinent since 2009. Afebrile. LBP mechanical.",
        "I used to inject, but I've been clean eleven years this June. Back's sore from work.",
        "Couldn't stand the hold music so I hung up on the GP. Back's the same old ache.",
        "Ten year ago I have accident with car, very bad, but I recover all. Now pain from office.",
        "Husband present, has hx of AAA repair, not the pt today. Mechanical LBP.",
    ],
)
def test_look_alikes_in_the_words_of_session_23s_writers_are_not_flags(engine, text: str) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "I'm a cancer survivor, Hodgkin's as a teenager, and my back has hurt for a month.",
            "malignancy",
        ),
        ("Sudden pain like someone tore the muscle off my spine, into my tummy.", "vascular"),
    ],
)
def test_signs_beside_those_look_alikes_stay_flags(engine, text: str, category: str) -> None:
    assert category in {f.category for f in engine.find(text)}


def test_walang_before_a_sign_is_a_denial(engine) -> None:
    text = "Walang lagnat, normal naman ang pag-ihi. Back pain lang after basketball."
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "This morning two carers could not stand her at all, her legs were just not there.",
        "i literally couldnt stand this morning, got out of bed and folded",
        "Clean 2 years but I injected again last weekend and my back is agony.",
    ],
)
def test_signs_beside_the_second_rounds_look_alikes_stay_flags(engine, text: str) -> None:
    assert engine.find(text) != []


@pytest.mark.parametrize(
    "text",
    [
        "Baby's 6 weeks old and I leak a bit when I sneeze, midwife says pelvic floor exercises.",
        "Numb undercarriage after a 160km sportive, back to completely normal after a bath.",
        "Known AAA 3.2cm, stable on surveillance. LBP gradual after lifting. No abdo pain.",
        "Lost weight from a week of norovirus. Back aches from lying in bed.",
        "This job is a cancer eating my soul, and my back's wrecked from the office chair.",
        "Legs went from under me at the wedding, I'd had about nine proseccos. Walking fine today.",
        "Leg went dead sitting cross-legged doing Lego, folded on a step, fine 2 minutes later.",
        "Sweating at night because the AC is broken and it is 44 degrees. Back pain from the bed.",
        "Felt the bass pulsating through my belly at the gig. Back's wrecked from standing.",
        "I had fever last week with the flu, finished now. The back pain is from all the coughing.",
    ],
)
def test_look_alikes_told_with_their_cause_or_their_end_are_not_flags(engine, text) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Stood up after two pints and the next thing I was on the floor. 71.", "vascular"),
        (
            "Walking like I've had ten pints but stone cold sober, legs weaker every day.",
            "neurological_deficit",
        ),
        ("Wt 52.1kg (58.4kg in June). Not dieting, no D&V. Ongoing back pain.", "malignancy"),
    ],
)
def test_signs_beside_a_named_cause_that_does_not_explain_them_stay_flags(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


def test_nahi_after_a_sign_is_a_denial(engine) -> None:
    text = "Kamar mein dard since 1 month. Bukhar nahi hai, toilet bhi normal hai."
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Two week ago I have fever with the back pain. Now fever gone totally, back only stiff.",
        "Had malaria two weeks back, the fever went away after 3 days. Lower back still stiff.",
        "Had covid 3 weeks ago with a temperature, no temp for weeks now. Back from lying in bed.",
    ],
)
def test_a_fever_told_as_over_is_not_a_flag(engine, text: str) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "I thought the chills were done with, they stopped on Thursday. But they're back tonight.",
        "Night sweats stopped after the antibiotics, now they're back again with the deep ache.",
        "On chemo, tonight 38.0 and back pain. Oncology said ring if my temp went over 38.",
    ],
)
def test_a_fever_that_came_back_or_went_over_a_line_stays_a_flag(engine, text: str) -> None:
    assert "infection" in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "I've been worried sick about cancer since my back started hurting. Bad after work.",
        "My grandfather 90 worry very much about cancer because of a TV programme. Back stiff.",
        "My mother dream that she have cancer, now she is afraid. Back pain only from garden.",
    ],
)
def test_a_fear_of_cancer_is_not_a_history_of_it(engine, text: str) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "I'm scared because I had breast cancer in 2015 and now my back hurts every night.",
        "hey google my dad has had prostate cancer before and now his back hurts all the time",
    ],
)
def test_a_fear_beside_a_real_history_of_cancer_stays_a_flag(engine, text: str) -> None:
    assert "malignancy" in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "ripping pain thru my back then legs went numb and wouldnt move",
            "neurological_deficit",
        ),
        (
            "Mr Park, 80. His daughter reports that his right leg has got weaker since the fall.",
            "neurological_deficit",
        ),
        ("D2 post LSCS under spinal. Catheter out, new low back pain today.", "infection"),
        (
            "Can't do stairs without hauling on the rail, knees have no strength since Wednesday.",
            "neurological_deficit",
        ),
        (
            'Asked about saddle sensation - "the bits down there feel a bit dead but I put '
            'it down to cycling".',
            "cauda_equina",
        ),
        ("Legs feel heavy, struggling with the stairs since this morning.", "neurological_deficit"),
        ("Been slamming for a few months now and my lower back won't stop hurting.", "infection"),
        ("100.8 this morning and my back is in spasm, I'm a type 1 diabetic.", "infection"),
        (
            "My own back is stiff from the drive, but that's not why I'm posting. "
            "Our son hit a tree at speed skiing and his lower back really hurts.",
            "fracture",
        ),
        (
            "Physio tested me and I couldn't push my big toe up against her finger.",
            "neurological_deficit",
        ),
        (
            "Should sweats get checked if my immune system is low from leukaemia treatment?",
            "malignancy",
        ),
        ("After the accident on the motorway my wife has back pain.", "fracture"),
        (
            "Was it a bird? No, it was me coming off the trampoline onto the patio, back first.",
            "fracture",
        ),
        ("Lost control of the back door this morning, if you catch my drift.", "cauda_equina"),
        ("My back went Monday and the insides of my legs feel fizzy.", "cauda_equina"),
        ("Got up off the sofa, went dizzy, dropped, and now my back's agony.", "vascular"),
        ("Leaking all afternoon with zero warning, back pain down both legs.", "cauda_equina"),
        (
            "Can't tell anymore if I need a number two or not. Back pain since Thursday.",
            "cauda_equina",
        ),
        ("On the toilet it felt like the seat was wrapped in cotton wool.", "cauda_equina"),
        ("Down below feels like a wet sponge - there but not there. Back agony.", "cauda_equina"),
        (
            "He couldn't rise to the occasion last night, first time ever, bad back all week.",
            "cauda_equina",
        ),
        (
            "Can't do one calf raise on the right now, five days ago it was fine.",
            "neurological_deficit",
        ),
        ("Back went at work and now my right leg just hangs.", "neurological_deficit"),
        (
            "The left foot won't press the pedal any more. Back sore since Monday.",
            "neurological_deficit",
        ),
        ("Wiped out on my dirt bike over a jump and hit the ground hard.", "fracture"),
        ("Pred for my lungs six years. Sneezed, something went in my mid back.", "fracture"),
        ("This came on in one second flat, tearing, goes right through to my front.", "vascular"),
        (
            "Lying, sitting, side, front - the pain doesn't care which. Nights are worst.",
            "malignancy",
        ),
        (
            "Tattoo on my lower back two weeks ago, pain is deep, not the skin, plus fever.",
            "infection",
        ),
        (
            "Anyone recovered from foot drop from a disc? Mine appeared Saturday.",
            "neurological_deficit",
        ),
        (
            "My sandals keep sliding off my left foot and it's getting worse.",
            "neurological_deficit",
        ),
        (
            "She can't get her shoe on, the toes keep dropping. Back sore since Friday.",
            "neurological_deficit",
        ),
        ("HIV+, not on meds atm (long story), fevers on n off for 4 days, bad back", "infection"),
        (
            "Dad's legs just weren't taking any weight this morning, back bad.",
            "neurological_deficit",
        ),
        ("My left leg just won't do what I tell it any more.", "neurological_deficit"),
        (
            "Can't get out of a low chair without pushing on the arms, that's new.",
            "neurological_deficit",
        ),
        ("When I sit on the loo I can't tell if I've actually gone.", "cauda_equina"),
        ("It wouldn't come for ages, then I couldn't tell when I'd finished.", "cauda_equina"),
        ("Haven't needed a wee since yesterday lunchtime, put my back out Monday.", "cauda_equina"),
        ("Everything down there feels muffled since the disc went.", "cauda_equina"),
        ("Had a lumbar puncture last week and my lower back gets worse every day.", "infection"),
        ("Got speared in a tackle on Saturday, lifted and driven down onto my back.", "fracture"),
        ("Bus braked hard and I was thrown down the aisle. I'm 72, back awful since.", "fracture"),
        ("Dad says his back and stomach exploded with pain. He's 73.", "vascular"),
        ("Syncopal episode 1930, LBP since, pulsatile abdominal mass.", "vascular"),
        (
            "What does a throbbing lump in the tummy plus sudden back pain mean? It's my dad, 76.",
            "vascular",
        ),
        (
            "Weights chart: 5 kg loss over 6 weeks, intake unchanged, back pain at night.",
            "malignancy",
        ),
    ],
)
def test_signs_told_in_the_words_of_session_24s_writers_are_read_by_the_rules(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "My toddler's had a fever since Sunday and carrying her round all night did my back in.",
        "Shivers down my spine at that ghost story lol, my lower back just aches from the sofa.",
        "Fever pitch in the office this week, my back hates the new chair.",
        "Typical Cancer, I fret about everything (star sign!). Back twinges after tennis.",
        "Been smoking cancer sticks since school. Lower back aches after work.",
        "Water retention in my ankles from the amlodipine. Back sore from the drive.",
        "Crashed at 3am after the exam, woke up hunched over my desk with a stiff back.",
        "Sore back from passing out on the sofa after the party.",
        "My father had bowel cancer, so I worry. But this is just backache from the garden.",
        "Mum had breast cancer, so I panic. I'm 26, back sore after rowing.",
        "My legs gave way at the end of the marathon, back stiff today but walking fine.",
        "Leg gives way when my knee clicks, the physio says it's the kneecap. Back sore now.",
        "Couldn't stand up this morning, still drunk from the wedding, back aches.",
        "Dad couldn't stand on his foot today, it's his gout again. His back is as usual.",
        "Wife's the one with osteoporosis. I'm 45 and tweaked my back carrying her bags.",
        "Mum fainted in a hot church at the christening. Her back is her usual arthritis.",
        "Light-headed when I stand up too quickly, GP says the tablets. Back the same old disc.",
        "Saddle sore from the spin class, not numb, just bruised. Lower back tight.",
        "Leg went dead sitting on the loo too long, fine after a min. Back achy.",
        "PSA for everyone: 'saddle anaesthesia' does not mean your bum goes numb on a bike.",
        "My ex used to inject, I never have. Back sore from a long shift.",
        "A friend of mine ended up with foot drop after a disc. My physio says my legs are fine.",
        "Everyone in this thread talking about night sweats has got me paranoid. Mine is a twinge.",
        "My pension fell off a cliff, weeks hunched over spreadsheets. Back's killing me.",
        "Flatmate's had flu and a fever for three days. My back aches from my new desk chair.",
        "Had a fever last month with covid, all over. Back pain started after the house move.",
        "This song gives me chills every time, on loop while I lie on the floor with my bad back.",
        "Felt faint in the festival heat, fine after water. Back sore from a roll mat.",
        "Knee gave way on the stairs yesterday - it's my dodgy ACL from netball, happens a lot.",
        "Dreamt I couldn't move my legs and woke tangled in the duvet. Back stiff.",
        "My shares have crashed harder than my posture. Back's stiff from doom-scrolling.",
        "Fall from height training at work today. Back's achy from the harness.",
        "Mum keeps saying she might have cancer because her back hurts. Weight steady.",
        "Knee surgery two weeks ago, back aching from the crutches. Wound clean, no temperature.",
        "Our ewe's down and can't get up. My own back's aching from trying to lift her.",
        "Numb bits after six hours in the saddle, gone within the hour once I was off the bike.",
        "Had an accident in my pants laughing at the wedding after four proseccos. Back's sore.",
        "Been ripping out the old kitchen units all weekend. Back's in bits.",
        "I still have to tick the 'have you ever injected drugs' box. Back pain from the site.",
        "My auntie got cancer last time, so I worry. But I myself no cancer, just back pain.",
        "Leg feel weak because I am tired from 12 hour work, after sleep is good.",
        "On azathioprine for my liver. Temperature 36.8 twice today, no chills. Pulled my back.",
        "Post-op day 3 L4/5 discectomy. Wound clean and dry. T 36.9. Pain improving.",
    ],
)
def test_look_alikes_in_the_words_of_session_24s_writers_are_not_flags(engine, text: str) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "Phone triage: new inability to weight bare since 6am, was walking with a stick.",
            "neurological_deficit",
        ),
        (
            "Bladder's a bit odd, I don't always notice when I'm going now. Back is worse.",
            "cauda_equina",
        ),
        ("Motor: bilat EHL 4-/5, worse than on the ward round.", "neurological_deficit"),
        ("Smashed my back on a rail at the skate park, it's getting worse not better.", "fracture"),
        (
            "Worry about 38.4 and back pain if I had chemo in June? Asking for myself.",
            "malignancy",
        ),
        ("Had an astrocytoma removed in 2021, now this back pain that won't shift.", "malignancy"),
        (
            "Going every half hour but only a teaspoon each time and I still feel full.",
            "cauda_equina",
        ),
        ("She was unable to rise from her chair unaided this morning.", "neurological_deficit"),
        ("Since the op both legs have gone heavy as lead.", "neurological_deficit"),
        ("Back's sore and I've had a few sweaty nights this week.", "infection"),
        (
            "Feeling feverish and achy all over my back since yesterday.",
            "infection",
        ),
        ("Bad back, and I think I'm struggling to go for a wee today.", "cauda_equina"),
        ("Came a cropper on the wet leaves. 81. Back's really sore.", "fracture"),
        ("Wave dumped me 3 m onto the reef, back is agony.", "fracture"),
        (
            "I can walk on my toes but not my heels on the right, worse each day.",
            "neurological_deficit",
        ),
        (
            "is a numb bum serious? sciatica for 3 weeks, and the numb patch is spreading",
            "cauda_equina",
        ),
    ],
)
def test_signs_told_in_the_words_of_session_25s_writers_are_read_by_the_rules(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


def test_a_partner_who_reports_the_writers_own_skin_does_not_make_the_fever_theirs(engine) -> None:
    text = "Back's been bad for a week and my wife says my skin's been burning up every night."
    assert "infection" in {f.category for f in engine.find(text)}


def test_asking_for_me_though_before_an_ordinary_back_is_no_admission(engine) -> None:
    text = (
        "My neighbour has an aneurysm and I read about tearing back pain. Asking for me though: "
        "my back is only stiff from gardening."
    )
    assert engine.find(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "Not a fever exactly, more like hot then cold, teeth chattering, then hot again. "
            "Back is so sore.",
            "infection",
        ),
        (
            "Not a pulse exactly, more like a thudding in the middle of my stomach. Lower back "
            "ache, 69.",
            "vascular",
        ),
        (
            "I didn't poo myself exactly. It just came out a bit when I stood up. Back bad since "
            "Thursday.",
            "cauda_equina",
        ),
    ],
)
def test_a_denial_hedged_with_exactly_is_the_sign_in_other_words(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


def test_a_relative_who_called_for_help_is_not_the_patient(engine) -> None:
    text = "999 by daughter: 77M collapsed, preceded by sudden tearing pain between the shoulders."
    assert "vascular" in {f.category for f in engine.find(text)}


def test_a_relative_whose_news_drives_a_worry_still_owns_the_cancer(engine) -> None:
    text = (
        "Her worry is driven by her father's diagnosis of myeloma last month. Back is mechanical."
    )
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Can I take tramadol if I can't pass water properly since my back went? Both legs tingly.",
        "Can I wait till Monday if my groin went numb Friday night when my back went?",
    ],
)
def test_a_condition_that_began_at_a_named_time_is_the_writers_own(engine, text: str) -> None:
    assert "cauda_equina" in {f.category for f in engine.find(text)}


def test_an_examiners_hand_does_not_make_the_weakness_hers(engine) -> None:
    text = (
        "Osteopath told me to go to A&E. She said my left foot can't push against her hand at "
        "all. I'd only come in for my back."
    )
    assert "neurological_deficit" in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "I thought I had a fever last night. Scratch that, the thermometer was next to my tea.",
        "Wet the bed. Correction: the toddler wet OUR bed, I was just in it. Back's stiff.",
        'I wrote "temp 38" earlier. Typo, it was 36.8. Back is the same as before.',
        "I said my leg gave way. Exaggeration. I caught my heel on the stair and stumbled.",
    ],
)
def test_a_sign_the_writer_takes_back_right_after_is_not_a_flag(engine, text: str) -> None:
    assert engine.find(text) == []
    assert "retracted" in {s.reason for s in engine.explain(text)[1]}


def test_a_corrected_sign_that_is_still_a_sign_stays_a_flag(engine) -> None:
    text = "temp 38.2 this morning. Correction: 39.1, I misread it. Back is agony."
    assert "infection" in {f.category for f in engine.find(text)}


def test_a_bare_typo_note_takes_nothing_back(engine) -> None:
    text = "I had a melanoma cut out of my shoulder in 2019 and my back aches. EDIT: typo"
    assert "malignancy" in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "mums breast cancer has come back and ive been doing all the lifting, my back is wrecked",
        "my husbands prostate cancer is why im so anxious, my own back pain is only when i bend",
    ],
)
def test_a_relatives_cancer_typed_without_an_apostrophe_is_theirs(engine, text: str) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "couldn't get it up last night but i'd had like 10 pints so thats on me. back just stiff",
        "was so drunk i couldnt stand up, mates carried me home. back hurts from the floor",
        "Couldn't walk the dog all week for the snow, back's stiff from the sofa.",
        "this lobby is actual cancer lol. 3 hours of ranked and now my back is screaming too.",
        "Office politics here are like a cancer, spreading everywhere. Back's sore since the move.",
        "Numb bum after 7 hours on a plastic chair in A&E. Went when I stood up.",
        "Numb backside after a five-hour coach trip, came right once I'd walked along the beach.",
    ],
)
def test_look_alikes_in_the_words_of_session_25s_writers_are_not_flags(engine, text: str) -> None:
    assert engine.find(text) == []


def test_not_walking_the_dog_any_more_is_still_a_sign(engine) -> None:
    text = "My sciatica's so bad I can't walk the dog at all now, it was fine last week."
    assert "neurological_deficit" in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("takes like 5 mins for my wee to start now and my back hurts so much", "cauda_equina"),
        ("night pain that NOTHING shifts, 6 weeks now, everyone says posture", "malignancy"),
        ("Big C survivor (breast, 2016). Back's been playing up for a month.", "malignancy"),
        ("I have vascular EDS and out of nowhere a sudden awful pain in my back.", "vascular"),
        ("Things in the bedroom have felt kind of numb since the disc went.", "cauda_equina"),
        (
            "This morning Gran couldn't take any weight at all and the carers used the hoist.",
            "neurological_deficit",
        ),
        (
            "How worried should I be if my left leg is getting weaker week by week?",
            "neurological_deficit",
        ),
        ("Back pain came on like a bang, tearing, feel clammy.", "vascular"),
        ("Bit you sit on has gone numb since yesterday, low back pain too.", "cauda_equina"),
        ("Suddenly a raging temp and my back's killing me, on pred for Crohn's.", "infection"),
        ("Found fresh works in his room and he's roasting to touch with back agony.", "infection"),
        (
            "On methadone, but this week I messed the bed and my back's been shocking.",
            "cauda_equina",
        ),
    ],
)
def test_signs_only_the_detector_read_in_session_25s_rounds_are_read_by_the_rules(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "since my back went i keep going for a poo and not realising ive gone till i see it",
            "cauda_equina",
        ),
        (
            "i dont feel anything when my partner touches me down there since my back went",
            "cauda_equina",
        ),
        ("R ankle DF 2 out of 5 today, was 4 out of 5 last week", "neurological_deficit"),
        ("I have to lift my right leg into the car with my hands now.", "neurological_deficit"),
        ("cant do a single stair with my right leg leading this week", "neurological_deficit"),
        ("had can sir of the womb in 2014 and now my lower back is playing up", "malignancy"),
        ("grans 92 and she bumped down two stairs on her bum, back hurts", "fracture"),
        ("roll over in a car at the weekend, back really painful now", "fracture"),
        ("pain in my back like a knife going into my belly and i feel feint", "vascular"),
        ("Went to pee, couldn't start. Back and both legs aching since Tuesday.", "cauda_equina"),
        ("Dad says there's a second heart in his tummy. Worst back pain of his life.", "vascular"),
        ("ESI L5/S1 2/52 ago. New severe midline LBP x3d.", "infection"),
    ],
)
def test_signs_only_the_detector_read_in_session_25s_first_round_are_read_by_the_rules(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


def test_a_relative_with_a_bad_disc_is_the_patient_of_their_own_signs(engine) -> None:
    text = (
        "My wife can't feel when she needs a poo and had an accident in the car today. "
        "She's had a bad disc since March."
    )
    assert "cauda_equina" in {f.category for f in engine.find(text)}


def test_the_writers_own_disc_does_not_make_a_friends_story_a_patients(engine) -> None:
    text = (
        "my friend had that thing where you can't pee with a disc and had an emergency op. "
        "i've got a bulging disc myself but my bladder's totally normal"
    )
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "nearly had an aneurysm reading those comments. anyway my back hurts",
        "Got thrown off the bucking bronco at a hen do (onto the inflatable), back's from dancing.",
        "Stiff back from three hours in a tailback behind a crash on the M6. Stretches?",
        "The tramadol makes me a bit light-headed if I stand up fast. Back pain steady.",
        "bit lightheaded getting up too fast this morning, never fainted. back ache from the gym",
        "night sweats bc my room is literally 30 degrees. back ache from my mattress",
        "fell asleep with my leg under me, woke up and couldnt stand on it for a minute",
        "i sneezed and i swear i broke my back jk its just a spasm, im 19",
        "Broke my back clearing out the garage all weekend. Figuratively! Everything aches.",
    ],
)
def test_more_look_alikes_in_the_words_of_session_25s_writers_are_not_flags(
    engine, text: str
) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Shivering under two duvets then drenched, and my lower back is so sore.", "infection"),
        (
            "Had a syncope this morning which he put down to standing up too quickly. Back pain, "
            "72, smoker.",
            "vascular",
        ),
    ],
)
def test_a_reason_that_fits_a_look_alike_does_not_explain_away_a_sign(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Six hours over a cadaver in the dissection lab and my lower back is wrecked.",
        "typical Cancer, I worry about everything, my back hurts from sitting at a desk",
        "I use steroid cream for my eczema on and off, back a bit achy from hoovering, I'm 34",
        "had the shivers after swimming in the sea this morning and my back is a bit tight",
        "bum goes numb on long drives, but it's gone the minute I get out and walk round",
        "Did way too much ket at the weekend and couldn't walk properly. Back aches from the bus.",
        "Nearly pissed myself laughing when my back went mid-cartwheel. At 45. Pulled muscle.",
        "Came off my cycle six weeks ago and sometimes can't stay hard. Back's sore from lifting.",
        "Two years of ket bladder - always bursting, unchanged since April. Back's from a sofa.",
    ],
)
def test_look_alikes_with_their_own_cause_from_session_25s_writers_are_not_flags(
    engine, text: str
) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "The baby's had a fever of 39 since yesterday and screams when I touch her lower back.",
        "Worried about the little one, she's 3. The kid's got a temperature of 39.4 and cries "
        "when I touch her back.",
    ],
)
def test_a_child_the_message_is_about_keeps_their_fever(engine, text: str) -> None:
    assert "infection" in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "why does my back hurt more at night than in the day. nothing helps, not turning over",
            "malignancy",
        ),
        (
            "sciatica both legs, feel like my legs are going, today worse than yesterday",
            "neurological_deficit",
        ),
    ],
)
def test_signs_told_across_a_full_stop_or_by_legs_going_are_read(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "My husband has had trouble with his bowels since Monday. He can't hold them in "
            "and his back is sore.",
            "cauda_equina",
        ),
        ("Wet between every cath since the weekend, never happens, back aching.", "cauda_equina"),
        (
            "Our toddler has stopped pulling herself up to stand, she did it every day until "
            "Tuesday, and her back seems sore.",
            "neurological_deficit",
        ),
        (
            "My son had a tumour removed from his spine in the spring and now has a new pain "
            "lower down.",
            "infection",
        ),
        (
            "My mother is 80. She has lost very much weight since summer, nobody can say why.",
            "malignancy",
        ),
        ("Went down our stairs, all thirteen of them, on my back last night.", "fracture"),
        ("scooter crash abroad last week, back sore since", "fracture"),
    ],
)
def test_signs_missed_by_session_26s_first_round_are_read(engine, text: str, category: str) -> None:
    assert category in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "I went down the stairs every morning to let the dog out, back stiff after.",
        "She stopped pulling up the weeds because her back was sore.",
        "My son watched a scooter crash on telly and now he won't ride his.",
    ],
)
def test_ordinary_stairs_weeds_and_crashes_on_screen_are_not_flags(engine, text: str) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Not in work tomorrow, rear-ended on the motorway, back stiff.", "fracture"),
        (
            "I'd not trouble you normally but at 88 my son says I must: slipped off the bottom "
            "step and my back aches.",
            "fracture",
        ),
        (
            "He admitted the bedroom side had never been a problem before, and that his groin "
            "feels numb now.",
            "cauda_equina",
        ),
        (
            "My grandad is in Spain with friends and has had a fever for days with bad pain in "
            "his lower back.",
            "infection",
        ),
    ],
)
def test_a_denial_or_another_person_does_not_reach_past_a_new_clause(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "Grandfather is 88, yesterday he lose his balance and sit on the floor, now his back "
            "very painful.",
            "fracture",
        ),
        ("I can't feel it when I do a number two since my back went.", "cauda_equina"),
        ("not much feeling around my bottom since lunchtime, back agony", "cauda_equina"),
        ("can't seem to get it started when I go for a wee, both legs tingle", "cauda_equina"),
        ("The power in her left leg is going, day by day.", "neurological_deficit"),
        ("fell from the top of the climbing frame onto the tarmac, back hurts", "fracture"),
        ("ladder -> concrete, about 3m, back sore", "fracture"),
        ("my right foot now drops when I walk, sciatica for weeks", "neurological_deficit"),
    ],
)
def test_signs_only_the_detector_read_in_session_26s_first_round_are_read_by_the_rules(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("My mums on chemo, I'm her carer and my own back is wrecked.", "malignancy"),
        (
            "My son is on methylphenidate and has lost a fair bit of weight, it kills his "
            "appetite. Back sore from rugby.",
            "malignancy",
        ),
        (
            "My husband is 74 and felt faint and had to sit down on the floor, back sore.",
            "fracture",
        ),
    ],
)
def test_a_relatives_treatment_an_explained_weight_loss_and_sitting_down_faint_are_not_flags(
    engine, text: str, category: str
) -> None:
    assert category not in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "typing for dad (84, ex-miner): reached for the remote, felt something crack in his "
            "back.",
            "fracture",
        ),
        (
            "Knee replacement last year. Carer reports new nocturnal enuresis this week, unaware "
            "till morning.",
            "cauda_equina",
        ),
        (
            "What's new is I've stopped needing to go, nothing since breakfast and my back is on "
            "fire.",
            "cauda_equina",
        ),
        (
            "Got up for a wee and couldn't go even though I was bursting, back bad since Monday.",
            "cauda_equina",
        ),
        ("mellanoma removed 2015, new back pain for a month", "malignancy"),
        ("ostioporosis and I coughed and felt something go in my back", "fracture"),
        (
            "I work in A&E so I'm not squeamish: since my back went I can't feel anything when I "
            "wipe.",
            "cauda_equina",
        ),
    ],
)
def test_signs_missed_or_only_detected_in_session_26s_second_round_are_read(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


def test_nothing_since_a_fall_long_ago_is_still_resolved_history(engine) -> None:
    assert engine.find("I had a fall off a ladder in 2010, nothing since, back fine.") == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "Gave up crisps and chocolate for Lent, down 4kg and chuffed. Back twinges when I "
            "dig the garden.",
            "malignancy",
        ),
        (
            "Had a wisdom tooth out, couldn't chew anything for ten days and lost a few pounds. "
            "Back stiff from the sofa.",
            "malignancy",
        ),
        (
            "I've dropped 6kg since the nurse started me on the weekly diabetes jab. Back is "
            "the usual.",
            "malignancy",
        ),
        (
            "Bot: Any fever? User: no. Bot: Night sweats? User: no, just the back.",
            "infection",
        ),
        (
            "Questions I asked my mum on the phone, she said no to all: any peeing problems, numb "
            "bits down below, fever, weight loss. She's just sore from gardening.",
            "malignancy",
        ),
        (
            "I had chills and sweats but that was flu back in February. This back pain is new "
            "after the gym.",
            "infection",
        ),
        (
            "My father had bowel cancer so I'm worried about my son's back pain. He's 14 and "
            "plays rugby.",
            "malignancy",
        ),
        (
            "We sailed across the Tropic of Cancer today. Back stiff from the deckchair.",
            "malignancy",
        ),
        ("This launch is a car crash and my lower back agrees.", "fracture"),
    ],
)
def test_look_alikes_in_the_words_of_session_26s_writers_are_not_flags(
    engine, text: str, category: str
) -> None:
    assert category not in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "Nurse: Any sweats at night? Caller: No... well, maybe, they've got worse since the "
            "back started.",
            "infection",
        ),
        (
            "Shivers up and down my spine and it's not a figure of speech, shaking, back sore.",
            "infection",
        ),
        (
            "My dad had prostate cancer, it spread to his bones. Worried about my dad's back "
            "pain now, it wakes him.",
            "malignancy",
        ),
    ],
)
def test_signs_beside_session_26s_look_alikes_stay_flags(engine, text: str, category: str) -> None:
    assert category in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("help, my legs are going, both of them, and my back is agony", "neurological_deficit"),
        (
            "Left leg especially, it's not taking my weight properly since this morning, back bad.",
            "neurological_deficit",
        ),
        ("both legs heavy, going to try and stand ... nope.", "neurological_deficit"),
        (
            "Can erection problems come from a disc? Mine just stopped working the week my back "
            "went.",
            "cauda_equina",
        ),
        ("Walking - no. Standing - no. Since lunch. Back.", "neurological_deficit"),
        (
            "Dad's legs seem to have packed in today, he couldn't get to the toilet without two "
            "of us.",
            "neurological_deficit",
        ),
        (
            "Resident 91, dementia. Pad dry x3 since 06:00, suprapubic area tense, back guarding.",
            "cauda_equina",
        ),
        (
            "My brother (no speech) started opening his bowels in his pad with no sign he knows, "
            "back spasms too.",
            "cauda_equina",
        ),
    ],
)
def test_signs_missed_by_session_26s_third_round_are_read(engine, text: str, category: str) -> None:
    assert category in {f.category for f in engine.find(text)}


def test_a_relative_whose_back_is_told_of_far_on_owns_their_history(engine) -> None:
    text = (
        "Mum's on chemo for breast cancer - cycle three of six - and she has vascular dementia "
        "too, so she never complains about anything, bless her. The chemo nurses told us to ring "
        "the hotline for any temperature over 37.5. Today she's shivering under two blankets. She "
        "winces when we help her sit forward, and she keeps reaching round to the middle of her "
        "back, which she's never done before."
    )
    assert "malignancy" in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Walking: no problems. Standing - no issues. Back sore after gardening.",
        "Sitting, lying, walking - no difference, the ache is the same after a long shift.",
    ],
)
def test_a_form_answered_no_problems_is_not_a_walking_sign(engine, text: str) -> None:
    assert "neurological_deficit" not in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "Went to get off the sofa. Couldn't. Legs won't push. Back bad all week.",
            "neurological_deficit",
        ),
        ("Bladder's not working. Need to go and nothing happens. Back 8/10.", "cauda_equina"),
        (
            "I could not tell whether anything had passed when I opened my bowels this morning.",
            "cauda_equina",
        ),
        (
            "A whole morning without needing a wee and I only noticed at lunch. Back's killing me.",
            "cauda_equina",
        ),
        (
            "I can no longer press the clutch with my left foot, back bad since Sunday.",
            "neurological_deficit",
        ),
        (
            "Had a nerve root injection on the 3rd and the pain at the injection site has been "
            "getting steadily worse since.",
            "infection",
        ),
        ("The ache does not ease in any position, worst between 2 and 5am.", "malignancy"),
        (
            "Is a pulsing lump in the tummy urgent? Found it tonight, I'm 72, back aching.",
            "vascular",
        ),
        (
            "I didn't know I needed a number two until it was happening, both legs tingling.",
            "cauda_equina",
        ),
        ("I can stand on my heels on the right but not the left any more.", "neurological_deficit"),
        (
            "Nan slid off the bed and couldn't get her legs under her, back sore for a month.",
            "neurological_deficit",
        ),
        ("From yesterday I cannot feel the place where I sit, back very painful.", "cauda_equina"),
        ("Can't start a wee either, back pain three weeks, legs weak.", "cauda_equina"),
        (
            "Today he had two wet episodes with no apparent awareness, back pain since Thursday.",
            "cauda_equina",
        ),
        (
            "I had a facet injection and now the swelling at the injection site is worse.",
            "infection",
        ),
        (
            "feel awful. fever, back pain, and I've got no immune system to speak of (chemo for "
            "lymphoma)",
            "malignancy",
        ),
    ],
)
def test_signs_only_the_detector_read_in_session_26s_third_round_are_read_by_the_rules(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "My little girl's got a temperature of 39 and I've put my back out carrying her round "
        "the kitchen all night.",
        "My little boy has fever since Monday, I hold him at night on the sofa and now my back "
        "is aching.",
    ],
)
def test_a_little_girls_or_boys_fever_beside_the_writers_own_back_is_not_a_flag(
    engine, text: str
) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "My little boy has a fever of 39.2 and cries when I touch his lower back.",
        "Our little girl's had a high temperature since last night and says her back hurts.",
    ],
)
def test_a_little_girl_or_boy_the_message_is_about_keeps_their_fever(engine, text: str) -> None:
    assert "infection" in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "Temp has been up and down, thirty nine something last night, and my low back is "
            "killing me.",
            "infection",
        ),
        (
            "6/52 postnatal, breastfeeding. Acute mid-thoracic pain lifting the pram, ~2cm height "
            "loss.",
            "fracture",
        ),
        (
            "Known PLO since my first. Sneezed this morning and felt something give in my back.",
            "fracture",
        ),
        (
            "Woke to a sodden bed with no memory of needing the toilet. 58, first time ever. Back "
            "stiff since digging.",
            "cauda_equina",
        ),
        (
            "My nan, 91, she slide down from the armchair at the home. Now she say all the time "
            "'my back is broken' and won't eat.",
            "fracture",
        ),
    ],
)
def test_signs_missed_by_session_27s_round_are_read(engine, text: str, category: str) -> None:
    assert category in {f.category for f in engine.find(text)}


def test_a_temperature_denied_in_words_is_not_a_fever(engine) -> None:
    assert (
        engine.find("My temperature is not thirty eight, the nurse said normal. Back sore.") == []
    )


@pytest.mark.parametrize(
    "text",
    [
        "What if my disc slips further and I wet myself in the middle of a meeting?",
        "What would happen if it spread to both legs and I couldn't pee? Only one leg so far.",
        "My dad had bowel cancer. I'm 38, back hurts after five-a-side.",
    ],
)
def test_a_what_if_question_and_a_relatives_cancer_beside_the_writers_back_are_not_flags(
    engine, text: str
) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "What if my legs give way again, they went twice today and I can't feel my bum?",
        "what happens if your back pain came on suddenly this afternoon like a tear and you feel "
        "faint? im 70",
    ],
)
def test_a_what_if_question_told_with_a_time_or_past_a_comma_keeps_its_signs(
    engine, text: str
) -> None:
    found = {f.category for f in engine.find(text)}
    assert found & {"cauda_equina", "vascular"}


@pytest.mark.parametrize(
    "text",
    [
        "Is it normal to feel my pulse in my belly? I'm skinny and the GP scanned it: a normal "
        "aorta.",
        "Throbbing in my tummy when I lie flat, but the ultrasound came back normal. Back sore "
        "from the gym.",
        "Worried about infection after the facet injection - it's booked for next month.",
        "Both kids are down with a fever and my back's sore from carrying them.",
        "My mother die of cancer when she was 60. I am 35, the back hurt only when I jump.",
    ],
)
def test_a_normal_scan_a_booked_injection_and_others_fevers_are_not_flags(
    engine, text: str
) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "The pulsing in my belly started yesterday and the scan is booked for next week.",
            "vascular",
        ),
        (
            "The twins were in the back seat in a head-on crash at 50 mph, and my daughter's back "
            "hurts.",
            "fracture",
        ),
    ],
)
def test_a_scan_not_yet_done_or_children_in_a_crash_keep_their_signs(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


def test_a_negation_that_opens_one_sign_does_not_deny_the_next(engine) -> None:
    text = "He has no control of his bladder and both legs are weak."
    assert {f.category for f in engine.find(text)} == {"cauda_equina", "neurological_deficit"}


def test_a_negation_inside_a_longer_match_still_denies_what_follows(engine) -> None:
    text = "Now I can't put weight through my leg without it collapsing."
    assert "vascular" not in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "He hasn't been able to hold his bladder since lunch and his back is in bits.",
            "cauda_equina",
        ),
        ("Temperature since yesterday and the middle of my back is agony.", "infection"),
        (
            "The skin between my legs feels frozen since Friday, sciatica down both legs.",
            "cauda_equina",
        ),
        ("Fell down two flights of stairs. LBP, tender T12.", "fracture"),
    ],
)
def test_signs_the_rules_missed_in_session_27s_round_are_read(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "A colleague has wet himself twice at work this week, which is so unlike him. He "
            "has been hobbling about with sciatica down both legs since the bank holiday.",
            "cauda_equina",
        ),
        (
            "A colleague of ours keeps saying he can feel his heartbeat in his tummy when he "
            "lies down. He is 70 and has had a backache for a couple of days.",
            "vascular",
        ),
    ],
)
def test_a_colleague_or_neighbour_the_message_is_about_is_the_patient(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


def test_a_colleague_of_someone_else_is_not_the_patient(engine) -> None:
    text = (
        "On a first aid course the trainer told us about a colleague of hers who fell off a "
        "ladder and broke her back. Mine is just a niggle from lifting boxes."
    )
    assert engine.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Update: my 'night sweats' were the new winter duvet. Back still a bit stiff.",
        'The "foot drop" I panicked about was actually my shoelace caught on a nail.',
    ],
)
def test_a_quoted_sign_the_writer_then_explains_is_not_a_flag(engine, text: str) -> None:
    assert engine.find(text) == []


def test_a_general_question_followed_by_did_it_yesterday_is_the_writers_own(engine) -> None:
    text = (
        "Is a fall off a roof, about 4m, something to get checked even if you can walk? "
        "Did it yesterday fixing a tile and my lower back is worse today."
    )
    assert "fracture" in {f.category for f in engine.find(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Can sciatica make you wet the bed? Twice this week now, back is agony.", "cauda_equina"),
        (
            "Is it normal for a slipped disc to make you sweat at night? Every night this week "
            "I've had to change my t-shirt.",
            "infection",
        ),
    ],
)
def test_a_question_about_a_sign_answered_by_what_happened_this_week_is_the_writers_own(
    engine, text: str, category: str
) -> None:
    assert category in {f.category for f in engine.find(text)}


def test_an_older_relative_who_cries_when_she_moves_after_a_small_fall_is_the_patient(
    engine,
) -> None:
    text = (
        "My mother she is 81 years, she slip in the kitchen, only small fall, "
        "but now she cry when she move."
    )
    assert "fracture" in {f.category for f in engine.find(text)}


def test_a_foot_that_does_not_obey_and_falls_at_the_front_is_foot_drop(engine) -> None:
    text = "Why does my foot not obey me? When I walk the front part is falling down and I trip."
    assert "neurological_deficit" in {f.category for f in engine.find(text)}


def test_a_practical_question_about_a_sign_the_writer_has_now_is_a_flag(engine) -> None:
    text = (
        "Can I take paracetamol if my wee won't come out? Been trying since breakfast and my "
        "back is bad."
    )
    assert "cauda_equina" in {f.category for f in engine.find(text)}


def test_no_thermometer_after_a_question_is_not_a_denial(engine) -> None:
    text = "Think I have a temperature? No thermometer here to check. Back is killing me."
    assert "infection" in {f.category for f in engine.find(text)}


def test_a_relative_who_can_barely_shift_after_a_fall_is_the_patient(engine) -> None:
    text = (
        "My brother came off the scaffolding at work today, two storeys he reckons. "
        "He can barely shift in the chair."
    )
    assert "fracture" in {f.category for f in engine.find(text)}


def test_a_learners_he_for_their_own_leg_is_not_another_person(engine) -> None:
    text = "my leg he is more weak every day, today I need hold the wall for go to kitchen"
    assert "neurological_deficit" in {f.category for f in engine.find(text)}


def test_a_husbands_slipped_disc_makes_him_the_patient(engine) -> None:
    text = (
        "My husband says he can't feel the toilet seat under him and he is never sure if he "
        "has finished weeing. Slipped disc for a fortnight."
    )
    assert "cauda_equina" in {f.category for f in engine.find(text)}


def test_a_question_about_weight_loss_answered_with_the_writers_own_figures_is_a_flag(
    engine,
) -> None:
    text = (
        "Would losing weight without trying and back pain that never eases be a worry? "
        "2 stone in 3 months, I haven't changed anything."
    )
    assert "malignancy" in {f.category for f in engine.find(text)}
