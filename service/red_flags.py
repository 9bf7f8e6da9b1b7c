r"""The red-flag engine: load and validate the rules file, match signs, read their context.

Context follows the spirit of ConText (Harkema et al., 2009): a sign is suppressed only when
a cue in its own clause says it is negated, resolved history, hypothetical, or someone else's
(or, for bladder, bowel and leg signs, a long-standing baseline).
A scope ends at sentence punctuation and at words such as "but". When in doubt, it flags.

Speed: every rule pattern is also compiled into one Hyperscan database, which says in a
single pass which patterns can match and where those matches end; RE2 finds where they start,
and Python's `re` then finds the exact spans, inside the sentences RE2 pointed at. Rules are
written for Python `re`; look-arounds are dropped for Hyperscan and RE2, which therefore find
a superset and never hide a match. The context step's cue lists are read the same way: a
second Hyperscan pass (for the lists it reads cheaply, and the terminators) and RE2 on each
stretch of the shadow say whether and where `re` can find a cue there. The engine reads each
text with its runs of spaces written as one character (flags are placed back in the submitted
text), so that the Hyperscan forms can read a rule's `\s+` as one `\s`, which halves both passes.
"""

import bisect
import functools
import hashlib
import logging
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import hyperscan
import re2
import yaml

from service import machine_cache

log = logging.getLogger("service")
CATEGORIES = (
    "cauda_equina",
    "neurological_deficit",
    "infection",
    "malignancy",
    "fracture",
    "vascular",
)
DEFAULT_RULES_FILE = Path(__file__).with_name("red_flags.yaml")
_FLAGS = re.IGNORECASE
_WORD = re.compile(r"[\w'’/+-]+")
# Parts of the body a writer names as their own ("my belly") or asks about ("your back").
_BODY_PARTS = (
    r"back|stomach|belly|tummy|legs?|foot|feet|bladder|bowels?|bum|bottom|groin|spine|hips?|thighs?"
)
# A relative's own back trouble told as a disc: "She's had a bad disc since March".
_THEIR_BAD_DISC = (
    r"(she|he)('s|\s+has|\s+had)\s+(had\s+|got\s+)?(a|the)\s+"
    r"(bad|slipped|herniated|bulging|prolapsed)\s+disc"
)
_FIRST_PERSON = re.compile(
    r"\b(i|i'm|i’m|im|i've|i’ve|ive|i'd|me|myself)\b|"
    # The writer's own body after a relative's words: "my husband says he can see my belly pulsing".
    rf"\bmy\s+(own\s+)?(lower\s+)?({_BODY_PARTS}|abdomen|privates|skin|face|forehead)\b",
    _FLAGS,
)
# "Your back" in a question is usually the writer's own back.
_SELF_REFERENCE = re.compile(
    r"\b(i|i'm|i’m|im|i've|i’ve|ive|i'd|me|my|mine|myself|having\s+had)\b|"
    rf"\byour\s+({_BODY_PARTS}|toes)\b",
    _FLAGS,
)
# A sentence told wholly in the past: "My gran had a bad back for years and it turned out to
# be cancer", not "... and since yesterday he can't stand up".
_TOLD_AS_PAST = re.compile(
    r"\b(last\s+(week|month|year|spring|summer|autumn|winter|christmas|easter)|"
    r"(years?|months?|weeks?)\s+ago|in\s+(19|20)\d\d|had\s+(that|the|a|an|his|her|their)|"
    r"turned\s+out|was\s+rushed|passed\s+away|died)\b",
    _FLAGS,
)
# ... and one told as going on now (which keeps a sign for the person the sentence opens with).
_TOLD_AS_NOW = re.compile(
    r"\b(now|today|tonight|this\s+(morning|afternoon|evening|week)|since\s+(yesterday|last\s+night|"
    r"this|then)|currently|still|can.?t|cannot|keeps?|(he|she|they).?s\s+on|(is|are)\s+on)\b",
    _FLAGS,
)
# The writer describing their own pain, anywhere in the text: then the writer is the patient.
_WRITER_COMPLAINT = re.compile(
    # Not a replaced hip ("recovering from my hip replacement").
    r"\b(my|mine)\s+(own\s+)?(low(er)?\s+|left\s+|right\s+)?(back(?!\s+(patients|clients|caseload|clinic|garden|door|yard|"
    r"gate|seat|pocket|room|office|list))|legs?|hips?(?!\s+(replacement|op|operation|surgery))|"
    r"spine|waist|loins)\b|\bmine'?s\b|\bit'?s\s+me\s*(\(\d{1,3}\)\s*)?,?\s*with\b|"
    r"\bmine\s+(is|are|was|has)\b(?!\s+\d+([.,]\d+)?\b(?!\s*%))|\bi('?m|\s+am)\s+the\s+one\s+with\b|"
    # "My issue is a sore lower back", "today it's my turn with a back problem", "now is me with
    # the back pain", "mine came on after a long drive".
    r"\bmy\s+(own\s+)?(issue|problem|complaint|concern|trouble)\s+is\s+(only\s+|just\s+)?(a\s+|the\s+|my\s+)?(\w+\s+){0,2}"
    r"(back|pain|ache|sciatica)\b|\bmy\s+turn\s+with\b|\bis\s+me\s+with\b|"
    r"\bmine\s+(came\s+on|started|began|flared|flares|went|twinges|twinged|hurts|aches|plays\s+up|acts\s+up)\b|"
    r"\bi.?m\s+the\s+one\s+(posting|writing|asking)\s+about\b|\bi\s+did\s+mine\s+in\b|"
    r"\bit.?s\s+(actually\s+)?me\b[^.!?\n]{0,30}\bwho\s+has\s+the\s+(back|pain)|"
    r"\b(ache|pain|twinge|niggle)\s+i\s+(always\s+|usually\s+)?get\b|"
    r"\bi(\s+|(?='))(also\s+|too\s+|now\s+|still\s+|just\s+|only\s+)?(have|'ve)\s+(just\s+|only\s+)?(had\s+|got\s+)?(a\s+)?"
    r"(?!(treated|seen|reviewed|assessed|examined|managed|referred|sent|asked|brought|booked|"
    r"invited|called|rung|phoned|written|been\s+treating|been\s+seeing)\b)([\w-]+\s+){0,3}"
    # Not coming back: "I've only just come back after a break".
    r"(?<!come\s)(?<!came\s)(?<!coming\s)(?<!been\s)(?<!go\s)(?<!gone\s)(?<!went\s)(back|legs?|hips?)\b|"
    r"\bi(\s+|(?='))(also\s+|too\s+|now\s+|still\s+)?(have|'ve\s+(just\s+)?got|am\s+having|get)\s+(?!no\s+(pain|ache)\b)(\w+\s+){0,2}(pain|ache)\b|\bi('?m|\s+am|"
    r"\s+have|'?ve|\s+get|'?m\s+getting|\s+got)\s+(\w+\s+){0,2}(back|leg|hip)\s*(pain|ache)|"
    # "I'm 34, lower back aches ...", "I am 40 and have back pain", "for me only pain in the back".
    r"\b(i'?m|im|i\s+am)\s+\d{1,2}\b((?!\b(she|he|they|her|his|their|my|our)\b)[^.!?\n]){0,60}"
    r"\b(lower\s+back|back\s+(pain|ache|hurts?|aches)|sore\s+(lower\s+)?back|back\s+(is\s+|'s\s+)?(sore|stiff|aching|hurt|hurting))|"
    # "But this is just backache from lifting", "Back pain since I started Pilates".
    r"\bthis\s+is\s+(just|only)\s+(a\s+)?(\w+\s+)?(backache|back\s*(pain|ache)|sore\s+back|bad\s+back)\b|"
    r"\b(back|backache|sciatica)\b[^.!?\n]{0,20}\b(since|after|from|when)\s+i\s+(started|moved|lifted|"
    r"began|did|joined|took|went|carried|got|dug|was\s+(lifting|moving|digging|carrying))\b|"
    r"\b(for|as\s+for)\s+me\b[^.!?\n]{0,25}\b(pain|ache|sore|stiff\s+back|back\s+(is\s+)?stiff)|"
    # "I (42) woke up with back pain", "I'm stuck with the back pain", "What I DO have is a back
    # that feels like it's been used as a trampoline", "Me? I'm here with a pulled back", "ME: 31".
    r"\bi\s*\(\d{1,3}\)[^.!?\n]{0,40}\b(back|pain|ache|sciatica)\b|"
    r"\bi('?m|\s+am)\s+(stuck|left|lumbered)\s+with\s+[^.!?\n]{0,25}\b(back|pain|ache|sciatica)\b|"
    r"\bwhat\s+i\s+(do\s+)?(have|get)\s+is\s+[^.!?\n]{0,25}\b(back|pain|ache|sciatica)\b|"
    r"(^|[.!?\n]\s*)me\s*[?:!]\s*((i\s+am|i'?m|im|i\s+have|i'?ve|i\s+got)\b|\d{1,2}\b)|"
    # "I am getting pain in lower back", "me also have pain", "mine just aches", "the back pain
    # I've got now", "I've ended up with a bad back", "asking about me", "my sciatica's flared".
    r"\bi('?m|\s+am)\s+(now\s+|also\s+)?(getting|having|feeling)\s+(\w+\s+){0,2}(pain|aches?)\b|"
    r"\bme\s+(also|too)\s+(have|has|got|get)\b|\bmine\s+(just\s+|only\s+|also\s+)?(hurts|aches)\b|"
    r"\b(back|leg)\s*(pain|ache)\s+(that\s+)?(i'?ve|i\s+have|i)\s+(\w+\s+)?(got|had|get)\b|"
    r"\b(ended\s+up\s+with|given\s+me|gave\s+me)\s+(a\s+)?(\w+\s+){0,2}(back|backache)\b|"
    r"(?<!\bnot\s)(?<!n't\s)\b(ask|asking|write|writing)\s+(about|for|regarding)\s+(me|myself)\b|"
    r"\bmy\s+(sciatica|lumbago)\b|"
    # "The back pain is mine, from lifting him", "my pain is only from lifting heavy at work".
    r"\b(pain|ache|backache)\s+(is|was)\s+(all\s+)?mine\b|\bmy\s+(gym|usual|old|silly|stupid|dodgy|work)\s+back\s*(pain|ache)\b|\bmy\s+(own\s+)?(pain|ache|backache)\s+(is|was|has|started|came)\b|"
    # "lower back has been killing me since I moved the sofa".
    r"\b(back|legs?)\s+(has\s+been\s+|is\s+|'s\s+|was\s+)?(killing|wrecking|destroying|murdering)\s+me\b|"
    # "but this post is about me - 33, chronic back pain", "Me, I am 35, ... now sore", "Me I
    # have only the back pain from carrying the water for him".
    r"\b(post|message|question|thread|this)\s+is\s+(actually\s+|really\s+)?about\s+me\b|"
    # "Me only 30, back pain because of badminton", "Me, only small back pain".
    r"(^|[.!?\n]\s*)(but\s+)?me\s*,?\s+((i\s+am|i'?m|im|i\s+have|i\s+got|i\s+only|only|just)\b|"
    r"(only\s+|just\s+)?\d{1,2}\b[^.!?\n]{0,40}\b(back|pain|ache))|"
    # "But I myself no cancer, just back pain after carry rice bag."
    r"\bi\s+myself\b[^.!?\n]{0,30}\b(back\s+pain|pain|ache)\b|"
    # "friend on steroids broke his back falling, i just pulled mine".
    r"\bi('ve|\s+have)?\s+(just\s+|only\s+)?(pulled|hurt|tweaked|strained|did|done|put\s+out|twisted)\s+mine\b",
    _FLAGS,
)
_SETS_ASIDE = re.compile(
    r"\b(ignore\s+me|(i.m|i\s+am)\s+not\s+worried\s+about\s+(me|myself|mine)|"
    r"don.?t\s+worry\s+about\s+(me|mine)|"
    # "My own back is sore from the drive, but that's not why I'm posting."
    r"my\s+(own\s+)?(back|pain|legs?)\b[^.!?\n]{0,80}\bbut\s+(that.?s|that\s+is|it.?s)\s+not\s+why\s+"
    r"(i.?m|i\s+am)\s+(posting|writing|asking|here|messaging))\b",
    _FLAGS,
)
# The writer says plainly that they ask about themselves, whoever else the text is about:
# "My wife is pregnant ... I'm asking for me", "But I write for me, not him".
_WRITER_FOCUS = re.compile(
    r"(?<!\bnot\s)(?<!n't\s)\b(ask|asking|write|writing|posting|here|enquiring|this\s+is)\s+"
    r"(for|about|regarding)\s+"
    r"(me|myself|my\s+own\s+(back|pain|symptoms))\b(?!\s+and\b)|"
    r"\b(back\s+pain|pain|problem)\s+is\s+mine\b|\bfor\s+me,?\s+not\s+(him|her|them)\b|"
    # "It's me I'm asking about", "I'm the one with the backache", "My question is for myself".
    r"\bit'?s\s+me\s+(i'?m|i\s+am)\s+(asking|writing|worried|posting)\b|"
    r"\b(it'?s\s+me|i'?m\s+the\s+one|i\s+am\s+the\s+one)\s*(\(\d{1,3}\)\s*)?,?\s*"
    r"(with|who\s+has|who's\s+got|who\s+hurt|that\s+has)\s+"
    r"(the\s+|a\s+)?([\w-]+\s+){0,2}(back|backache|sciatica)\b|"
    r"\bquestion\s+is\s+(for|about)\s+(me|myself)\b",
    _FLAGS,
)
_RELATIVE = (
    r"(father|mother|dad|daddy|mum|mummy|mom|mommy|parents?|brother|sister|grand\w+|gran|nan|"
    r"nana|granny|aunt|auntie|aunty|uncle|cousin|son|daughter|husband|hubby|wife|missus|partner|boyfriend|"
    r"girlfriend|gf|bf|friend|mate|buddy|pal|t[ií]o|t[ií]a|tita|tito|ninang|ninong|abuela|abuelo|mam[aá]|"
    r"pap[aá]|co-?driver|co-?worker|coworker|workmate|roommate|roomie|classmate|cellmate|colleague|"
    r"neighbou?r|boss|"
    r"flatmate|housemate|lodger|tenant|fianc\w*|nephew|niece|"
    r"step\w+|godson|goddaughter|godfather|godmother|godparents?)"
)
# A child can be the patient too ("Toddler has had a fever of 39 ... cries when I touch her
# back"), though not a relative whose signs a writer's own would be read as ("hurt my back
# lifting my toddler").
_CHILD = r"toddler|baby|newborn|infant|kid|kiddo|child|little\s+(?:one|girl|boy|lad|lass|man)"
_PATIENT = f"{_RELATIVE[:-1]}|{_CHILD})"
_PATIENT_RELATIVE = re.compile(
    # Not one who has died: "my late husband's aneurysm".
    rf"(?:\b(?:my|our|mi|ma)\s+(?!late\s)(?:\w+\s+|\d[\w-]*\s+|\d{{1,3}}\s*(?:yr|yrs|year|years)[\s-]*old\s+)?|^\W*|[\"“‘>]\s*|(?:writing|typing|posting|asking)\s+(?:this\s+|it\s+)?(?:up\s+)?(?:for|on\s+behalf\s+of)\s+(?:my\s+|our\s+)?|"
    # "Ticket for Mum (84): slipped off the bottom step": the message is about her.
    r"\b(?:ticket|request|enquiry|query|referral)\s+(?:for|about|re:?)\s+(?:my\s+)?|"
    # "A colleague has wet himself twice", "Work friend of mine ...": people the writer knows.
    r"\b(?:a|the)\s+(?=(?:colleague|co-?worker|workmate|flatmate|housemate|roommate|lodger|"
    r"neighbou?r)\b(?!['’]s|\s+of\s+(?:hers|his|theirs)\b))|\bwork\s+(?=friend\s+of\s+(?:mine|ours)\b)|"
    # "Has anyone's dad had a triple A? Mine's 70 ...": the writer's own dad.
    rf"\b(?:anyone|anybody)['’]?s\s+(?=\w+[^.!?\n]{{0,80}}[.!?]\s+mine\b)|[.!?]\s+(?=(?:{_CHILD})\b))"
    rf"{_PATIENT}\b"
    r"(?!\s+here\b)",
    _FLAGS,
)
_COMPLAINT = re.compile(
    r"\b(back|backache|spine|spinal|legs?|hips?|buttocks?|pain\w*|ache\w*|aching|hurt\w*|sore|sciatica|"
    r"stiff\w*|numb\w*|agony|foot|feet|weak\w*|bum|bottom|backside|scream\w*|cry|crying|cries|bent|"
    r"groan\w*|moan\w*|winc\w*|yell\w*|yelp\w*|"
    rf"(can'?t|can\s+barely|barely)\s+(get\s+up|bend|move|sit|shift|walk|stand)|slipped\s+disc|"
    rf"{_THEIR_BAD_DISC})\b",
    _FLAGS,
)
_RELATIVE_NOUN = re.compile(rf"\b{_RELATIVE}\b", _FLAGS)
_PATIENT_NOUN = re.compile(rf"\b{_PATIENT}\b", _FLAGS)
# The writer passes on a relative's own words or asks on their behalf: the relative is the
# patient, and an "I" or "my back" in what is passed on is theirs ("posting on behalf of my nan
# ... 'I felt something go in my back'", "Copy of my husband's message to me").
_PROXY = re.compile(
    r"\b(she|he)\s+((messaged|texted|emailed)\s+(me|us)|sent\s+(me|us)\s+(this|a\s+(text|message)))\b|"
    r"\bforward\w*\s+(\w+\s+){0,3}from\s+"
    rf"(my|our)\s+(\w+\s+)?{_RELATIVE}\b|"
    r"\b(on\s+behalf\s+of|(writ(e|ing)|am\s+writing)\s+(for|about)|typing\s+(this\s+|it\s+)?(up\s+)?for)\s+((my|our)\s+(\w+\s+)?)?"
    rf"{_RELATIVE}\b|\b(my|our)\s+(\w+\s+)?{_RELATIVE}\s*(\(\d+\)\s*)?,?\s*(sent|texted|messaged|"
    rf"wrote|emailed)\s+(me|this|us)\b|\b(copy\s+of|forwarding|forwarded:?)\s+(\w+\s+){{0,4}}(my|our)\s+"
    rf"(\w+\s+)?{_RELATIVE}['’]s\s+(\w+\s+)?(text|message|voicemail|email|note|log|words)\b",
    _FLAGS,
)
_REPORTING_RELATIVE = re.compile(
    rf"\b(call|phone\s*call|message|msg)\s+from\s+(his|her|the|their)?\s*{_RELATIVE}\b|"
    rf"\b(spoke|speaking|spoken|talked)\s+(to|with)\s+(his|her|the|their)?\s*{_RELATIVE}\b|"
    rf"\b{_RELATIVE}\s+(rang|called|phoned|calling|ringing|phoning|present|accompanying|attending|typing)\b|"
    rf"\baccompanied\s+by\s+(his|her|their)?\s*{_RELATIVE}\b|"
    # "Collateral hx from son: pt (88) found on floor".
    rf"\b(collateral\s+)?(hx|history|information|info)\s+(from|per|via)\s+(his|her|the|their)?\s*{_RELATIVE}\b|"
    # "Pt's wife reports: known lung Ca", "Pt's partner on phone: bilat foot drop".
    rf"\b(pt|patient)['’]?s\s+{_RELATIVE}\s*(\([^)]{{0,40}}\)\s*)?((reports?|reported|says|said|states|stated)\s*|"
    r"on\s+(the\s+)?phone\s*)?[:–—-]",
    _FLAGS,
)
# A relative who tells about the patient they name next: "Daughter says her dad, 72, has ...".
_TELLING_RELATIVE = re.compile(
    rf"\b{_RELATIVE}\s+(says|said|reports|reported|states|stated|worried|concerned)\b", _FLAGS
)
# A relative named inside a sign as its company, not its owner: "when I'm with my wife nothing
# happens".
_COMPANY = re.compile(r"\b(with|without|to|for|feel)\s+$", _FLAGS)
_PARTNER = re.compile(r"\b(wife|husband|partner|girlfriend|boyfriend|missus|hubby)\b", _FLAGS)
_WITH_PARTNER = re.compile(r"\bwith\s+((my|our)\s+)?$", _FLAGS)
# The relative as the subject of the sentence's account, not its object ("with my wife") or an
# owner ("my son's car was hit").
_MY_RELATIVE = re.compile(
    rf"\b(my|our)\s+(\w+['’]s\s+|\w+\s+)?{_RELATIVE}\b(?!['’]s)",
    _FLAGS,
)
# ... after any of these words, however many spaces stand between.
_OBJECT_OF = re.compile(r"\b(with|for|to|by|from|of|at|and|in|on)\s+$", _FLAGS)
# Someone other than the writer: pronouns and people described by a noun.
_THIRD_PERSON = re.compile(
    # "I write as a lady of eighty-seven", "I am a man of 80": the writer, described.
    # Not a body part's "he" in a learner's English: "my leg he is more weak every day".
    r"(?<!\bleg\s)(?<!\blegs\s)(?<!\bfoot\s)(?<!\bback\s)\b(he|she|him|his|her|he's|she's)\b|(?<!\bas\s)(?<!\bi\sam\s)(?<!\bi['’]m\s)"
    r"\b(a|an|the|one|another)\s+(\w+\s+){0,2}"
    r"(man|men|lady|ladies|woman|women|gent|gentleman|chap|lad|guy|bloke|person|people|"
    r"patients?|pt|residents?|customer|client|character|friend|colleague|neighbou?r|trainer|"
    # Not a body part named after a man: "the man part is not working".
    r"teammate|kid|boy|girl)\b(?!['’]s)(?!\s+(part|parts|bits|thing|function)\b)",
    _FLAGS,
)


# A third person who reports or examines ("she found reduced sensation in the saddle area")
# is telling the writer's sign, not their own.
_REPORTER = re.compile(
    r"\W*(\w+\s+){0,2}?(said|says|say|found|finds|find|thinks?|thought|told|tells|noticed|notices|"
    r"checked|checks|examined|examines|tested|tests|asked|asks|reckons?|suspects?|wants?|sent|"
    r"referred|diagnosed|wrote|writes|explained|confirmed|felt\s+my|saw|sees|reports?|reported)\b",
    _FLAGS,
)
# The writer owning a sign just before it: "I had bowel cancer", "I'm the one who's lost weight".
_WRITER_OWNS = re.compile(
    r"\b(i\s+(had|have\s+had|am\s+the\s+one|was\s+the\s+one)|i['’]?ve\s+had|i['’]?m\s+the\s+one)\b"
    r"[^.!?\n,;]{0,30}$",
    _FLAGS,
)
_WRITER_WORD = re.compile(
    r"\b(i|i'm|i’m|im|i've|i’ve|ive|i'd|me|myself|my|mine|we|us|our)\b", _FLAGS
)


# What a relative saw or measured of the writer: "my wife says my face went white" (not a quoted
# claim: "my sister says 'weight loss is a bad sign'").
_RELATIVE_REPORTS = re.compile(
    r"[\w'-]*\s*(says|said|say|noticed|notices|measured|measures|measure|spotted|found|finds|saw|sees)\b"
    r"(?!\s*['\"‘“:])",
    _FLAGS,
)
# Speech reported in quotes (curly quotes are straightened before the text is read).
_SAID_IN_QUOTES = re.compile(
    r"\b(says|said|saying|tells\s+(me|us)|told\s+(me|us)|keeps\s+saying|cries|cried|screams|"
    r"describes\s+(it\s+)?as|described\s+(it\s+)?as|"
    # An apostrophe between letters does not close a quotation: "she says 'I've got this ache'".
    r"screamed|shouts|shouted|"
    # "she say all the time 'my back is broke'" (an English of her own).
    r"(?:(?<=\bhe\s)|(?<=\bshe\s)|(?<=\bthey\s))say)(\s+(all\s+the\s+time|always|again|to\s+(me|us)))?"
    r"\s*[:,]?\s*(?P<quote>[\"'])(?:(?!(?P=quote)).|(?<=\w)'(?=\w))*$",
    _FLAGS,
)
_QUOTE_END = {'"': re.compile('"'), "'": re.compile(r"'(?!\w)|(?<!\w)'")}
_THIRD_PERSON_WORD = re.compile(r"\b(he|she|they|him|her|his|their|he's|she's)\b", _FLAGS)
# The writer has the other person's sign too: "Mum had breast cancer and I had it too".
_WRITER_HAS_IT_TOO = re.compile(
    r"[^.!?\n]{0,40}?\b(and|but|so)\s+(i\s+(had|have|got|have\s+had)|i'?ve\s+(got|had))\s+"
    r"(it|that|one|them)\s+(too|as\s+well|also)\b|[^.!?\n]{0,40}?\b(and|but)\s+so\s+(did|have|do)\s+i\b",
    _FLAGS,
)
# The writer and a relative together in the sign's event: "Me and my brother were both in the
# minibus that rolled", "my brother and I were in the car".
_WITH_THE_WRITER = re.compile(r"\b(me|i)\s+and\s+$")
_AND_THE_WRITER = re.compile(r"^\s+and\s+(i|me|myself)\b")
_OWNER_NAMED_AGAIN = {
    "his": re.compile(r"\b(he|he's|him)\b", _FLAGS),
    "her": re.compile(r"\b(she|she's)\b", _FLAGS),
}


# Relatives by the pronoun that names them, for a report on someone of the other: "Wife has
# noticed he keeps wetting himself" tells his sign, not hers.
_SHE = re.compile(
    r"she|she's|her|wife|missus|mum|mummy|mom|mommy|mother|sister|daughter|girlfriend|gf|nan|"
    r"nana|gran|granny|grandma|grandmother|aunt|auntie|aunty|niece",
    _FLAGS,
)
_HE = re.compile(
    r"he|he's|him|his|husband|hubby|dad|daddy|father|brother|son|boyfriend|bf|grandad|granddad|"
    r"grandpa|grandfather|uncle|nephew",
    _FLAGS,
)
_HE_OR_SHE = re.compile(r"\b(he|he's|him|his|she|she's|her)\b", _FLAGS)


def _reports_on_another(relative: str, rest: str) -> bool:
    """The relative reports ("noticed", "says") a sign told of someone of the other pronoun."""
    reported = _REPORTER.match(rest)
    named = reported and _HE_OR_SHE.search(rest, reported.end())
    if not named:
        return False
    pronoun = named.group(1)
    return bool(
        (_SHE.fullmatch(relative) and _HE.fullmatch(pronoun))
        or (_HE.fullmatch(relative) and _SHE.fullmatch(pronoun))
    )


def _told_of_its_owner(cue: str, rest: str) -> bool:
    """A third person's relative, and the sign is that person's own: "pulling the pram for his
    granddaughter, he's 84"."""
    owner = _OWNER_NAMED_AGAIN.get(cue.split(maxsplit=1)[0].lower())
    return owner is not None and owner.search(rest) is not None


# Signs written as a clause of their own ("can't feel ...") are not in a preceding "no" list.
_CLAUSAL_START = re.compile(
    r"(can'?t|can’t|cannot|can not|couldn'?t|unable|not able|haven'?t|hasn'?t|didn'?t|don'?t|"
    r"doesn'?t|lost|losing|wet|wetting|leak\w*|fell|legs?|foot|feet|pain|it|(the\s+)?(poo|wee|pee)|"
    # A fever's reading after a denial contradicts it: "totally no fever, just 39.5".
    r"(?:just\s+)?(3[89]|4[01])[.,]\d)\b",
    _FLAGS,
)
_EXCEPTION = re.compile(r"\b(except|apart\s+from|aside\s+from|other\s+than|besides)\b", _FLAGS)
_AND_BEFORE = re.compile(r"\band\s+(then\s+)?$", _FLAGS)
_NOT_THE_PATIENT = re.compile(
    r"\(\s*not\s+(the\s+|our\s+|my\s+)?(pt|patient|caller|client|person|one|me|us|him|her)\b",
    _FLAGS,
)
_VERBAL_NEGATION = re.compile(r"(n['’]?t|\bnot|\bnever)\b", _FLAGS)
_NEGATIVE_SIGN = re.compile(
    r"((feel|feels|felt|feeling)\s+)?(nothing|none|never|nobody)\b|"
    r"(doesn['’]?t|does\s+not|won['’]?t|will\s+not)\s+(care|matter|let)\b",
    _FLAGS,
)
_SENTENCE_END = re.compile(r"(?<!\d)\.|\.(?!\d)|[!?\n]")  # not the point in "38.2"
# A run of dots is a form's leader ("Hx of malignancy ....... N") or a pause, not an end.
_STATEMENT_END = re.compile(r"[!\n]|(?<!\.)\.(?!\.)")
# A denial just before a rule's exception, in the same stretch of the sentence.
# Not a double negative: "can't say I haven't worried about cancer". An explanation the
# person is not under now counts as denied: "still dropping pounds after I stopped the weight
# loss jab", "wanting to try the weight loss injection".
_DENIED = re.compile(
    r"(?<!say\si\s)(?<!that\si\s)\b(\w*n['’]t|not|never|no|without|nothing|neither|nor|dont|"
    r"didnt|doesnt|havent|hasnt|hadnt|isnt|wasnt|arent|werent|aint|nowhere(\s+near)?)(\s+\w+){0,3}\s*$|"
    r"\b(stopped|stopping|quit|came\s+off|come\s+off|coming\s+off|want\w*\s+to\s+(try|start)|"
    r"qualify\s+for|thinking\s+(about|of))(\s+(the|my|a|taking|using|starting|trying|getting))?\s*$",
    _FLAGS,
)
# A resolution denied: "it hasn't resolved", "not recovered yet", "it's not gone", "haven't
# had it sorted" (but "no problems since" and "hasn't come back" say it is over).
_NOT_OVER = re.compile(
    r"(?<!say\si\s)\b(\w*n['’]t|not|never|no|dont|didnt|doesnt|havent|hasnt|hadnt|isnt|wasnt|aint)"
    r"(\s+[\w'’]+){0,3}?\s+(recover\w*|resolv\w*|settl\w*|clear\w*|heal\w*|gone|better|sorted|"
    r"over|finish\w*|stopp?\w*|pass\w*|up)\W*$",
    _FLAGS,
)


# After a sign is said to be over: it is back ("but came back this morning", "burning up again").
_RETURNED = re.compile(
    r"(?<!never\s)(?<!not\s)(?<!n't\s)(?<!nt\s)(?<!n’t\s)\b((came|come|comes|coming)\s+back"
    r"(?!\s+(on|completely|fully|totally|100|to\s+normal|normal|after|with))|returned(?!\s+to)|"
    r"(started|starting|began|happening|burning\s+up)\s+again)\b",
    _FLAGS,
)


def _said_over(cue: "Cue", reading: "Reading", begin: int, end: int, within: bool = False) -> bool:
    """The cue says a sign is over somewhere in text[begin:end] (read in place if `within`),
    and that is not denied."""
    text = reading.text
    if within:
        found = ((said.start(), said.end()) for said in cue.finditer_within(reading, begin, end))
    else:
        found = (
            (begin + said.start(), begin + said.end()) for said in cue.finditer(reading, begin, end)
        )
    # Not denied before it ("never settled"), nor back again later in its sentence ("went away
    # in 5 minutes but came back this morning").
    return any(
        _NOT_OVER.search(text, max(0, start - 40), stop) is None
        and _RETURNED.search(text, stop, reading.sentence_end(stop, stop)) is None
        for start, stop in found
    )


# A question that opens with "what if" is a possibility in all its clauses: "What if my disc goes
# and I lose bladder control?"
_WHAT_IF = re.compile(
    r"\W*(what\s+(if|happens\s+if|would\s+happen\s+if)|what.s\s+the\s+chance\s+(that\s+)?)\b",
    _FLAGS,
)
_TOLD_WHEN = re.compile(
    r"\b(today|tonight|this\s+(morning|afternoon|evening|week)|last\s+night|yesterday|since|"
    r"(right\s+)?now|\d+\s+(hours?|days?|weeks?)\s+ago)\b",
    _FLAGS,
)
_NEW_CLAUSE_MARK = re.compile(r"[,;:\u2013\u2014]|\s-\s")
# A question put to the patient, then the answer after a dash or a colon.
_ASKED = re.compile(r"(asked|enquired|inquired)\s+(about|re)\b", _FLAGS)
_ANSWER = re.compile(
    r"\w\W*?(\s[-–—]|:)\s+(?!\W?(none|no|nil|neg\w*|normal|nad|denie[sd]|not)\b)\W?\w", _FLAGS
)
# After a sign listed after a negated item: when it happens, so it is present.
_PRESENT_ITEM = re.compile(
    r"\s*(((every|each)\s+(night|day|morning|evening)|since\s+(this|last|yesterday|\d|"
    r"(mon|tues?|wed|wednes|thu|thurs?|fri|sat|satur|sun)(day)?)|all\s+(week|night|day)|most\s+nights|twice|again|"
    r"on\s+(and|n|&)\s+off)\b|\+(?![\d+])|\(\+\))",
    _FLAGS,
)
# A relative named as the one who called or brought the person in: "999 by daughter", "brought
# in by his son".
_BY_AGENT = re.compile(
    r"\b(999|111|call|called|rang|phoned|brought(\s+in)?|referred|accompanied|reported|tel|"
    r"telephone|phone|escorted)\s+(in\s+)?(by|via)\s+((his|her|their|the)\s+)?$",
    _FLAGS,
)
# A form's mark that the item after it is present: "(+) night sweats".
_MARKED_PRESENT = re.compile(r"(\(\+\)|\[\+\]|\[\s*[x✓✔]\s*\]|\+ve\b)\s*$", _FLAGS)
# A denial hedged right after the sign is the sign in other words: "Not a fever exactly, more
# like hot then freezing", "I didn't poo myself exactly. It just came out".
_HEDGED = re.compile(r"\s*exactly\b", _FLAGS)
# Medicines that can hide a sign for a while (a fever above all): a normal reading after one
# does not clear it.
_MASKING = re.compile(
    r"\b(paracetamol|acetaminophen|tylenol|ibuprofen|advil|nurofen|motrin|calpol|panadol|"
    r"aspirin|naproxen|co-?codamol|antibiotics?|steroids?|pain\s*killers?|tablets?|pills?|meds?|"
    r"medicine|medication|dose)\b",
    _FLAGS,
)
# After a statement that a sign is gone, words that say it is not quite.
_TAKEN_BACK = re.compile(
    # ("but my back's sore" turns to the back pain, not to the sign)
    r"\b(but(?!\s+([\w'’]+\s+){0,5}(?<!came\s)(?<!come\s)(?<!comes\s)(?<!coming\s)"
    r"(back|backs|back'?s|back’s|pain|ache\w*|sore))|until|till|except|"
    r"apart\s+from|though|although|however|then|again|"
    r"only\s+for|for\s+a\s+(bit|while|minute|moment))\b",
    _FLAGS,
)
# Words that turn from a condition to what is so: "... go to A&E if it happens, but I can't pee".
_CONTRAST = re.compile(
    r"\b(but|however|although|though|except|whereas|yet|instead|now|today)\b", _FLAGS
)
# A quotation that holds a sign: it opens after a space or mark and before a word ("Dad 'lost
# his legs'"), and closes after a word before a non-word, so an apostrophe ("Dad's") does neither.
_OPENING_QUOTE = re.compile(r"(?:^|(?<=[\s(\[:;,=/-]))['\"](?=\w)")
_CLOSING_QUOTE = re.compile(r"(?<=[\w.!?])['\"](?!\w)")


def _in_aside(text: str, begin: int, denial: int, start: int) -> bool:
    """The denial at `denial` is in brackets closed before the sign at `start`, so it ends
    there ("Someone (not naming names) dared me to jump"); not one that says whose the sign
    is ("Husband (not pt) has hx of prostate ca")."""
    opening = text.rfind("(", begin, denial)
    return (
        opening > text.rfind(")", begin, denial)
        and ")" in text[denial:start]
        and not _NOT_THE_PATIENT.match(text, opening)
    )


def _quotation_end(text: str, sentence_begin: int, start: int, end: int) -> int:
    """Where the quotation around the sign at text[start:end] closes (after its mark), or -1
    when the sign is not quoted: an opening mark at most 30 characters before it in its
    sentence, and the closing one after its start and at most 30 characters after its end."""
    opening = -1
    for mark in _OPENING_QUOTE.finditer(text, max(sentence_begin, start - 30), end):
        opening = mark.start()
    if opening < 0:
        return -1
    closing = _CLOSING_QUOTE.search(text, opening + 1, min(len(text), end + 30))
    return -1 if closing is None or closing.start() < start else closing.end()


# Where a sentence may begin after: ".!?\n", which the shadow keeps where they are. There they
# are found as line breaks, one `bytes.find` each (~2 µs on 1,000 characters, `re` ~5).
_MARKS_AS_BREAKS = bytes.maketrans(b".!?", b"\n\n\n")
_UPPERCASE = re.compile(r"(?<!\\)[A-Z]")
# Curly quotes are folded so that "can’t" matches rules written with "can't".
_QUOTES = (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"'))
_LOOKAROUND = ("(?!", "(?=", "(?<!", "(?<=")


def fold(text: str) -> str:
    """Lowercase without changing length, so offsets in the folded text fit the original."""
    folded = text.lower()
    if len(folded) != len(text):
        folded = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return _straight_quotes(folded)


def _straight_quotes(text: str) -> str:
    # One `str.replace` per quote is a C scan of the text; `str.translate` with a mapping
    # looks up every character (~8 µs on 1,000 characters). ASCII text has no curly quotes.
    if text.isascii():
        return text
    for curly, straight in _QUOTES:
        text = text.replace(curly, straight)
    return text


# RE2 reports byte offsets, Python's `re` character offsets. RE2 therefore reads an ASCII
# "shadow" of the folded text with one byte per character, of the same kind for the regex
# syntax rules use: a letter stays a word character, a digit a digit, a space a space (in the
# rules' RE2 form too), and each non-ASCII symbol a rule names (→, °, ↓ ...) gets its own
# control character. Every RE2 hit is then confirmed by `re` on the real text at the same offset.
# Not \x0b or \x1c-\x1f: the shadow turns those into spaces (see _ODD_SPACES).
_STAND_INS = [chr(code) for code in (*range(1, 9), *range(14, 28))]
_SYMBOLS: dict[str, str] = {}  # non-ASCII character named in a rule -> its control character
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


# The non-ASCII letters that folding keeps and `re` ignoring case reads as an ASCII letter
# ("ı" in Turkish "ağrısı" as "i"): written as that letter, so that RE2 and Hyperscan, which
# read the shadow, find at least every place `re` can match (the Kelvin sign folds to "k").
_ASCII_TO_RE = {"\u0130": "i", "\u0131": "i", "\u017f": "s"}


def _stand_in(char: str) -> str:
    symbol = _SYMBOLS.get(char) or _ASCII_TO_RE.get(char)
    if symbol is not None:
        return symbol
    if char.isspace():
        return " "
    if char.isdecimal():
        return "0"
    if char.isalnum():
        return "x"
    return "\x7f"


# ASCII characters that Python's `\s` counts as space and RE2's and Hyperscan's do not: as
# they stood, a sign split by one of them ("numb\x1cbum") was never found.
_ODD_SPACES = bytes.maketrans(b"\x0b\x1c\x1d\x1e\x1f", b"     ")


def ascii_shadow(folded: str) -> bytes:
    """The folded text as RE2 reads it: one ASCII byte per character."""
    if not folded.isascii():
        folded = _NON_ASCII.sub(lambda m: _stand_in(m.group(0)), folded)
    return folded.encode("ascii").translate(_ODD_SPACES)


def _shadow_pattern(pattern: str) -> str:
    """A pattern for the shadow text: each non-ASCII character becomes its stand-in. Curly
    quotes are straightened first, as in the text, so they use up no stand-in."""
    pattern = _straight_quotes(pattern)

    def symbol(match: re.Match[str]) -> str:
        char = match.group(0)
        if not (char.isalnum() or char.isspace()) and char not in _SYMBOLS:
            if len(_SYMBOLS) == len(_STAND_INS):
                raise RulesError(f"rules name more than {len(_STAND_INS)} non-ASCII symbols")
            _SYMBOLS[char] = _STAND_INS[len(_SYMBOLS)]
        return f"\\x{ord(_stand_in(char)):02x}"

    return _NON_ASCII.sub(symbol, pattern)


def without_lookarounds(pattern: str) -> str:
    """The pattern with look-around groups removed: it matches a superset of the original."""
    out, resume = [], 0
    for start, token in _tokens(pattern):
        if start < resume:
            continue
        if pattern.startswith(_LOOKAROUND, start):
            resume = _group_end(pattern, start)
            continue
        out.append(token)
    return "".join(out)


def _tokens(pattern: str, i: int = 0) -> Iterator[tuple[int, str]]:
    """The pattern from `i` on as (offset, token): an escape, a whole character class (where
    "(", ")", "^" and "$" are literals) or one character."""
    while i < len(pattern):
        end = i + 1
        if pattern[i] == "\\":
            end = i + 2
        elif pattern[i] == "[":
            end = _class_body(pattern, i)
            while pattern[end] != "]":
                end += 2 if pattern[end] == "\\" else 1
            end += 1
        yield i, pattern[i:end]
        i = end


def _class_body(pattern: str, i: int) -> int:
    """Where the body of the character class opened at pattern[i] starts: past the "[", a
    negating "^" and a "]" that comes first, which is a literal."""
    i += 1
    for literal in ("^", "]"):
        if pattern.startswith(literal, i):
            i += 1
    return i


def _group_end(pattern: str, i: int) -> int:
    """Where the group opened at pattern[i] closes (one past its ")")."""
    depth = 0
    for start, token in _tokens(pattern, i):
        depth += (token == "(") - (token == ")")
        if depth == 0:
            return start + 1
    raise ValueError(f"unbalanced group in {pattern!r}")


class RulesError(ValueError):
    """The rules file is unusable; the message names the rule and what is wrong."""


@dataclass(frozen=True)
class RedFlag:
    """A sign that applies to the person now, with where it stands in the submitted text."""

    category: str
    rule: str
    evidence: str
    start: int
    end: int


@dataclass(frozen=True)
class SuppressedSign:
    """A sign that matched but that its context says does not apply now, and why."""

    category: str
    rule: str
    evidence: str
    start: int
    end: int
    reason: str


# Runs of spaces are read as one: "legs  gave way" is "legs gave way" to a reader, and a text
# with no two spaces side by side lets the Hyperscan forms say `\s` where a rule says `\s+`
# (see `one_space`), which halves the cost of both passes.
_SPACE_RUN = re.compile(r"\s{2,}")
_SPACES_MARKED = bytes(ord(" ") if chr(byte).isspace() else ord("x") for byte in range(256))
_MARKED_RUN = re.compile(rb"  +")  # _SPACE_RUN in an ASCII text marked so (~8 times as fast)


_Sign = TypeVar("_Sign", RedFlag, SuppressedSign)


class Spacing:
    r"""Where a text's runs of spaces (two or more `\s`) were each written as one character:
    maps offsets between the text and its single-spaced form."""

    __slots__ = ("_ends", "_gone", "_singles", "_starts")

    def __init__(self, runs: list[tuple[int, int]]) -> None:
        self._starts = [start for start, _ in runs]
        self._ends = [end for _, end in runs]
        self._singles: list[int] = []  # where each run's one character stands in the form
        self._gone: list[int] = []  # characters left out up to and including each run
        gone = 0
        for start, end in runs:
            self._singles.append(start - gone)
            gone += end - start - 1
            self._gone.append(gone)

    def original(self, offset: int) -> int:
        """The text's offset of the form's character at `offset` (a run's: where it starts)."""
        before = bisect.bisect_left(self._singles, offset)  # runs written before the character
        return offset + self._gone[before - 1] if before else offset

    def single_spaced(self, offset: int) -> int:
        """The form's offset of the text's character at `offset` (in a run: the run's one)."""
        before = bisect.bisect_right(self._starts, offset)  # runs that start at or before it
        if not before:
            return offset
        if offset < self._ends[before - 1]:
            return self._singles[before - 1]
        return offset - self._gone[before - 1]

    def in_text(self, sign: _Sign, text: str) -> _Sign:
        """A sign found in the single-spaced form, with its place and words in the text."""
        start, end = self.original(sign.start), self.original(sign.end - 1) + 1
        return replace(sign, evidence=text[start:end], start=start, end=end)


def single_spaced(text: str) -> tuple[str, Spacing | None]:
    """The text with each run of spaces written as one space, or as one line break where the
    run has one (it still ends a sentence); None for the spacing where nothing changed."""
    if text.isascii():
        marked = text.encode("ascii").translate(_SPACES_MARKED)
        if b"  " not in marked:
            return text, None  # found in ~2 µs a 1,000 characters, where the search takes ~8
        runs = [match.span() for match in _MARKED_RUN.finditer(marked)]
    else:
        runs = [match.span() for match in _SPACE_RUN.finditer(text)]
    if not runs:
        return text, None
    pieces, last = [], 0
    for start, end in runs:
        pieces += (text[last:start], "\n" if "\n" in text[start:end] else " ")
        last = end
    pieces.append(text[last:])
    return "".join(pieces), Spacing(runs)


# Bytes the Hyperscan forms' `\s` matches: none two side by side in a single-spaced shadow.
_SHADOW_SPACES = frozenset(b" \t\n\x0b\x0c\r")
_REPEAT = re.compile(r"(\+|\*|\{([01]),\d*\})(\??)(?![+?])")


@functools.cache
def _spaces_only(token: str) -> bool:
    """Whether a token of a pattern (a character, escape or class) matches spaces only."""
    try:
        atom = re.compile(token.encode())
    except re.error:
        return False
    matched = [byte for byte in range(256) if atom.fullmatch(bytes([byte]))]
    return bool(matched) and all(byte in _SHADOW_SPACES for byte in matched)


def one_space(pattern: str) -> str:
    r"""A pattern's form for single-spaced text: `\s+` (or `[ \t]*`, `\s{1,}` ...) becomes
    `\s` (`[ \t]?`). In a text with no two spaces side by side such a repeat takes one
    character at most, so the form matches exactly where the pattern does; and Hyperscan
    then reads words joined by a space as one literal instead of following every space run
    after every word."""
    out, resume = [], 0
    for start, token in _tokens(pattern):
        if start < resume:
            continue
        repeat = _REPEAT.match(pattern, start + len(token))
        if repeat is None or not _spaces_only(token):
            out.append(token)
            continue
        minimum = repeat[2] or ("1" if repeat[1] == "+" else "0")
        out.append(token if minimum == "1" else f"{token}?{repeat[3]}")
        resume = repeat.end()
    return "".join(out)


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    description: str
    # Each listed pattern with its RE2 form (look-arounds removed): Python's `re` runs only
    # the patterns Hyperscan finds in a text, and only from where RE2 finds them start.
    parts: tuple[tuple[re.Pattern[str], "RulePatternRE2"], ...] = field(default=(), repr=False)
    history_counts: bool = False
    requires: re.Pattern[str] | None = None
    requires_prefilter: Any = field(default=None, repr=False)
    unless: "Cue | None" = None
    # ...but `unless` does not clear a sentence that also says one of these ("lost 10 kg on keto
    # but kept losing after I stopped", "the sauna, and now a fever of 38.9").
    unless_not: "Cue | None" = None
    # Said after a sign of a kind (the evidence matches `sign`), in its sentence or a later
    # one: it is not there now ("temp's been 36.5 every check since", "waterworks normal").
    cleared_later: tuple[tuple[re.Pattern[str], "Cue"], ...] = ()


# Categories whose signs are red flags only when new (a long-standing baseline is not one).
_NEW_SIGNS_ONLY = frozenset({"cauda_equina", "neurological_deficit"})

_CONTEXT_LISTS = (
    "terminators",
    "negation_before",
    "negation_breakers",
    "negation_after",
    "negation_answer",
    "negation_list",
    "resolved_history",
    "resolved_history_after",
    "long_standing_before",
    "long_standing_after",
    "hypothetical",
    "hypothetical_after",
    "safety_netting",
    "advice_condition",
    "condition",
    "advice_after_condition",
    "came_true",
    "came_true_next",
    "present_condition",
    "general_question",
    "general_question_after",
    "definition_question",
    "personal_question",
    "self_reference_after_question",
    "other_person",
    "reinterpreted",
    "retracted",
)


@dataclass(frozen=True)
class Context:
    window_words: int
    negation_window_words: int
    terminators: "Cue"
    negation_before: "Cue"
    negation_breakers: "Cue"
    negation_after: "Cue"
    negation_answer: "Cue"
    negation_list: "Cue"
    resolved_history: "Cue"
    resolved_history_after: "Cue"
    long_standing_before: "Cue"
    long_standing_after: "Cue"
    hypothetical: "Cue"
    hypothetical_after: "Cue"
    safety_netting: "Cue"
    advice_condition: "Cue"
    condition: "Cue"
    advice_after_condition: "Cue"
    came_true: "Cue"
    came_true_next: "Cue"
    present_condition: "Cue"
    general_question: "Cue"
    general_question_after: "Cue"
    definition_question: "Cue"
    personal_question: "Cue"
    self_reference_after_question: "Cue"
    other_person: "Cue"
    reinterpreted: "Cue"
    retracted: "Cue"
    # Words that on their own never tell a sign, and those of them that do not hint at a
    # condition either (see `ordinary_words` in the rules file).
    ordinary_words: frozenset[str] = frozenset()
    plain_words: frozenset[str] = frozenset()
    # The ordinary words of other languages, which never make a text English.
    other_language_words: frozenset[str] = frozenset()


class Cue:
    """A context cue list (or a rule's `unless` list), searched in a stretch of one text.

    Python's `re` (needed for the look-arounds) is slow on the long cue lists: `hypothetical`
    costs ~0.8 µs a character. The costly lists are therefore also in one Hyperscan database
    that is scanned once per text (`Reading`), in a loosened form that matches a superset, and
    `re` runs only on stretches where some loosened match ends.

    The loosened form drops anchors and word boundaries, so it often passes a stretch that
    `re` then reads in vain for ~10-50 µs ("no" inside "know"). So every list also keeps an RE2
    form (only the look-arounds dropped) that reads the same stretch of the shadow in well
    under a µs: where it finds nothing `re` cannot, and `re` tries only where it says a match
    can start. The other lists are read by RE2 alone: their share of the Hyperscan pass is
    more than RE2 needs on each sign's stretches.
    """

    __slots__ = ("index", "parts", "pattern", "prefilter")

    def __init__(self, parts: list[re.Pattern[str]]) -> None:
        self.parts = parts
        self.pattern = re.compile("|".join(f"(?:{p.pattern})" for p in parts))
        self.index: int | None = None  # its place in a CueScan, when one scans for it
        self.prefilter: Any = None  # its RE2 form on the shadow, when checked before `re`

    def check_first(self) -> None:
        """Let RE2 check a stretch before `re` reads it (see the class)."""
        try:
            self.prefilter = re2.compile(
                _shadow_pattern(_open_ended(self.pattern.pattern)), _NO_CAPTURE
            )
        except re2.error:
            self.prefilter = None  # RE2 cannot run it: `re` reads every stretch, as before

    def _possible(self, reading: "Reading", begin: int, end: int) -> bool:
        """Whether a match of this cue can lie inside text[begin:end].

        Every such match is also a match of the loosened pattern (no anchors, word boundaries
        or look-arounds, so its context does not matter) at the same place, and Hyperscan
        reports the end of every loosened match: one of them must end within (begin, end]."""
        if self.index is None:
            return True
        # Read in place, not through a method: ~65 checks per 1,000-character text with signs.
        every = reading.cue_ends if reading.cue_ends is not None else reading.scan_cues()
        ends = every[self.index]
        first = bisect.bisect_right(ends, begin)
        return first < len(ends) and ends[first] <= end

    def _search_from(self, reading: "Reading", begin: int, end: int) -> int:
        """Where `re` can start to search the slice text[begin:end]: no match of the cue in
        it starts before; -1 when there is none.

        The RE2 form matches a superset in the same slice of the shadow: the slice has the
        same edges for `^`, `$` and `\\b`, each character the same class for `\\w`, `\\s` and
        `\\d`, and cues ignore no case. `re` from that offset finds what it finds from the
        slice's start: `^` matches only at the slice's start, look-behinds still see it."""
        if self.index is not None:
            # `_possible` written out: ~70 checks per 1,000-character text with signs.
            every = reading.cue_ends if reading.cue_ends is not None else reading.scan_cues()
            ends = every[self.index]
            first = bisect.bisect_right(ends, begin)
            if first == len(ends) or ends[first] > end:
                return -1
        if self.prefilter is None:
            return 0
        stretch = reading.shadow[begin:end]
        return self.prefilter._regexp.Match(_UNANCHORED, stretch, 0, len(stretch))[0][0]

    def search(self, reading: "Reading", begin: int, end: int) -> re.Match[str] | None:
        """The first match in the slice text[begin:end] (offsets in the slice)."""
        start = self._search_from(reading, begin, end)
        if start < 0:
            return None
        if self.prefilter is None:
            return self.pattern.search(reading.text[begin:end], start)
        return next(self._matches_from(reading, begin, end, start), None)

    def search_within(self, reading: "Reading", begin: int, end: int) -> re.Match[str] | None:
        """The first match in text[begin:end] read in place (`\\b` sees the text around it)."""
        if not self._possible(reading, begin, end):
            return None
        return self.pattern.search(reading.text, begin, end)

    def finditer_within(self, reading: "Reading", begin: int, end: int) -> Iterator[re.Match[str]]:
        """The matches in text[begin:end] read in place."""
        if not self._possible(reading, begin, end):
            return iter(())
        return self.pattern.finditer(reading.text, begin, end)

    def finditer(self, reading: "Reading", begin: int, end: int) -> Iterator[re.Match[str]]:
        """The matches in the slice text[begin:end] (offsets in the slice)."""
        start = self._search_from(reading, begin, end)
        if start < 0:
            return iter(())
        if self.prefilter is None:
            return self.pattern.finditer(reading.text[begin:end], start)
        return self._matches_from(reading, begin, end, start)

    def _matches_from(
        self, reading: "Reading", begin: int, end: int, start: int
    ) -> Iterator[re.Match[str]]:
        """The matches in the slice from `start`, where RE2 says the first can start."""
        told, stretch = reading.text[begin:end], reading.shadow[begin:end]
        return _matches_from(self.pattern, self.prefilter, told, stretch, start)


# Cue lists worth a Hyperscan pass: `re` costs a µs or more on each stretch they are searched in,
# more than their share of the scan (hypothetical_after and safety_netting add ~3 µs to the scan
# of a 1,000-character text and save ~2.5 µs on each sign).
# negation_answer (a transcript's answer on the next line) is rare: its share of the scan is under
# a µs, and it spares each sign a search of 200 characters (~1 µs).
# retracted reads up to two sentences after every sign for words that are rare (~12 µs with `re`).
_FILTERED_CUES = (
    "negation_before",
    "negation_answer",
    "negation_list",
    "resolved_history",
    "resolved_history_after",
    "hypothetical_after",
    "safety_netting",
    "retracted",
)
# The other lists (not the terminators, which `Reading.stops` finds its own way) are read by RE2
# before `re`: their loosened forms would cost the scan more (~5 µs each on 1,000 characters)
# than RE2 costs each sign (~0.5 µs), and `re` tried at every character of a sentence costs
# ~0.1 µs a character (on real 1,000-character texts: median 493 µs a text with all of them,
# 560 with only negation_after, hypothetical and other_person).
_RE2_CUES = tuple(n for n in _CONTEXT_LISTS if n not in _FILTERED_CUES and n != "terminators")


def loosened(pattern: str) -> str:
    """The pattern without look-arounds, anchors and word boundaries: wherever the pattern
    matches a stretch of a text, this matches the same characters whatever surrounds them."""
    return "".join(
        token for _, token in _tokens(without_lookarounds(pattern)) if token not in _ANCHORS
    )


_ANCHORS = ("^", "$", "\\b", "\\B", "\\A", "\\Z")


# What may repeat zero times at the start of a pattern: a character class, a class escape or
# escaped symbol, a group (its contents are read by _group_end) or a plain character, then a
# quantifier with no minimum, maybe lazy.
_ATOM = re.compile(r"\[\^?\]?(?:\\.|[^\]\\])*\]|\\[dDwWsS\W]|\((?!\?[^:])|[^\\()\[\]|*+?{}^$]")
_NO_MINIMUM = re.compile(r"(?:\*|\?|\{0?,\d*\})\??(?!\+)")


def ends_only(pattern: str) -> str:
    """The pattern without what may repeat zero times at its start ("[^.!?\\n]{0,60}",
    "\\W*"): it matches where the pattern matches and ends where the pattern ends.

    Every match of `X*A|B` ends where a match of `A|B` ends and the other way round, so a
    Hyperscan pass that only reports where matches end reports the same offsets for both, and
    `A|B` is cheaper: Hyperscan need not follow every stretch of `X` that could lead to `A`."""
    while atom := _ATOM.match(pattern):
        end = _group_end(pattern, 0) if atom.group() == "(" else atom.end()
        quantifier = _NO_MINIMUM.match(pattern, end)
        if quantifier is None or quantifier.end() == len(pattern):
            return pattern
        pattern = pattern[quantifier.end() :]
    return pattern


class CueScan:
    """Where the loosened forms of some cue lists end in a text, and where the terminators can
    start, in one Hyperscan pass (two passes cost ~5 µs more on 1,000 characters)."""

    def __init__(self, cues: dict[str, Cue], terminators: Cue) -> None:
        """Scan for these cues (keyed by where they are defined) and tell each its index."""
        patterns, ids, names = [], [], []
        for name, cue in cues.items():
            # A loosened form that matches empty text would end everywhere: no use as a filter.
            if any(re.fullmatch(loosened(part.pattern), "") for part in cue.parts):
                continue
            cue.index = len(set(ids))
            for part in cue.parts:
                form = _open_ended(ends_only(loosened(part.pattern)))
                patterns.append(one_space(_shadow_pattern(form)).encode())
                ids.append(cue.index)
                names.append(name)
        self.size = len(set(ids))
        flags = [0] * len(patterns)
        # `re` finds the terminators of a 1,000-character text in ~65 µs, trying every
        # alternative at every character. Hyperscan reports where each alternative without its
        # look-arounds can match, with the leftmost start for each end (a terminator has one
        # start per end: a punctuation mark, or words and spaces between word boundaries), so
        # `re` need only try those starts. Not the terminators that could match empty text.
        # They come last, each under an id of its own: Hyperscan reports one match per id and
        # end, and two terminators can end at one place (":\n" and "\n").
        forms = [without_lookarounds(part.pattern) for part in terminators.parts]
        self.scans_stops = not any(re.fullmatch(form, "") for form in forms)
        if self.scans_stops:
            patterns += [one_space(_shadow_pattern(form)).encode() for form in forms]
            ids += range(self.size, self.size + len(forms))
            names += ["context terminators"] * len(forms)
            flags += [hyperscan.HS_FLAG_SOM_LEFTMOST] * len(forms)
        # `re` tries the first terminator first: when it is one character class ("[.!;\n]"),
        # a start on one of its characters is that one character, with no `re` to run.
        first = terminators.parts[0].pattern
        one_class = first.startswith("[") and next(_tokens(first))[1] == first
        self.one_character_stops = frozenset(
            char for char in map(chr, range(128)) if one_class and re.fullmatch(first, char)
        )
        self._set = PatternSet(patterns, names, ids, flags)

    def scan(self, shadow: bytes) -> tuple[list[list[int]], list[int] | None]:
        """For each cue scanned for, the sorted offsets where a loosened match ends; and the
        sorted offsets where a terminator may start, or None when not scanned for."""
        ends: list[list[int]] = [[] for _ in range(self.size)]
        starts: list[int] = []
        self._set.scan(shadow, _collect_end_or_start, (ends, starts))  # in order of end
        return ends, sorted(set(starts)) if self.scans_stops else None


def _patterns(patterns: Any, where: str) -> list[re.Pattern[str]]:
    """A validated list of patterns, each compiled; a literal space stands for any run of
    spaces or tabs."""
    if (
        not isinstance(patterns, list)
        or not patterns
        or not all(isinstance(p, str) for p in patterns)
    ):
        raise RulesError(f"{where}: needs a non-empty list of pattern strings.")
    compiled = []
    for pattern in patterns:
        if _UPPERCASE.search(pattern):
            raise RulesError(
                f"{where}: pattern {pattern!r} has capital letters; texts are lowercased before "
                "matching, so write patterns in lowercase."
            )
        try:
            compiled.append(re.compile(_space_or_tab(_dropped_g(pattern))))
        except re.error as err:
            raise RulesError(f"{where}: pattern {pattern!r} does not compile: {err}.") from None
        if compiled[-1].fullmatch(""):
            raise RulesError(
                f"{where}: pattern {pattern!r} matches empty text, so it would match anywhere."
            )
    return compiled


def _dropped_g(pattern: str) -> str:
    """A written word ending in "ing" also matches it without the g ("givin way", "wettin
    myself", "nothin"), except inside a look-behind, which must keep a fixed width."""
    out, behind, run = [], [False], []  # behind: per open group, inside a look-behind?

    def flush(following: str) -> None:
        word = "".join(run)
        stem = word[:-3]  # "go" of "going"; "th" of "thing" has no vowel: not an -ing form
        if (
            word.endswith("ing")
            and len(stem) >= 2
            and any(vowel in stem for vowel in "aeiouy")
            and not behind[-1]
            and following not in "?*+{"
        ):
            word = word[:-1] + "(?:g|'|(?![g']))"  # no g only where none follows
        out.append(word)
        run.clear()

    for offset, token in _tokens(pattern):
        if len(token) == 1 and token.isalpha():
            run.append(token)
            continue
        if run:
            flush(token[0])
        if token == "(":
            behind.append(behind[-1] or pattern.startswith(("(?<!", "(?<="), offset))
        elif token == ")" and len(behind) > 1:
            behind.pop()
        out.append(token)
    if run:
        flush(" ")
    return "".join(out)


def _space_or_tab(pattern: str) -> str:
    """A literal space stands for a space or a tab, also inside a character class ("[- ]" must
    not become a class that ends early). Runs of them are one character by the time a rule
    reads a text (`single_spaced`), so a look-behind's `\\s` is one too ("(?<!hay\\s)")."""
    return "".join(
        r"[ \t]" if token == " " else token.replace(" ", " \\t") if token.startswith("[") else token
        for _, token in _tokens(pattern)
    )


def _compile(patterns: Any, where: str) -> re.Pattern[str]:
    """A validated list of patterns as one alternation."""
    return re.compile("|".join(f"(?:{p.pattern})" for p in _patterns(patterns, where)))


# The RE2 and Hyperscan forms of a pattern only have to match a superset of it, so long counted
# repeats such as `[^.!?]{0,40}` become open-ended: Hyperscan compiles the rule patterns in
# 2.9 s instead of 3.9 s, into 4.0 MiB instead of 4.7.
_COUNTED_REPEAT = re.compile(r"(?<!\\)\{(\d+),(\d+)\}")


def _open_ended(pattern: str) -> str:
    return _COUNTED_REPEAT.sub(
        lambda m: f"{{{m[1]},}}" if int(m[2]) > 3 else m[0], without_lookarounds(pattern)
    )


# Only whole-match spans are read, so RE2 needs no groups (no submatch engine after its DFA).
_NO_CAPTURE = re2.Options()
_NO_CAPTURE.never_capture = True
_UNANCHORED = re2._re2.RE2.Anchor.UNANCHORED


def _prefilter(pattern: re.Pattern[str], where: str) -> Any:
    try:
        return re2.compile(_shadow_pattern(_open_ended(pattern.pattern)), _NO_CAPTURE)
    except re2.error as err:
        raise RulesError(f"{where}: a pattern uses syntax RE2 cannot run ({err}).") from None


# A rule pattern's RE2 form holds ~25 KiB of automaton once it has run, and a worker reading
# texts it has not seen runs most of the 2,700: 73 MiB after 30,000 texts, a third of its memory.
# Without a budget for it RE2 runs its slower engines (~10 µs more a search), so a form gets
# one only once it has read enough texts to repay it: ~200 forms after those 30,000, which
# make three quarters of the searches.
_UNBUDGETED = re2.Options()
_UNBUDGETED.never_capture = True
_UNBUDGETED.max_mem = 16 << 10  # too little for any automaton, enough for the program
_UNBUDGETED.log_errors = False  # RE2 would log each search it cannot give an automaton
_BUDGET_AFTER_SEARCHES = 100


class RulePatternRE2:
    """The RE2 form of a rule pattern, which gets an automaton once it is searched often."""

    __slots__ = ("_compiled", "pattern", "searches")

    def __init__(self, form: str) -> None:
        self.pattern = form
        self.searches = 0
        try:
            self._compiled = re2.compile(form, _UNBUDGETED)._regexp
        except re2.error:  # a program too large for the small budget (or one RE2 cannot run)
            self._compiled = re2.compile(form, _NO_CAPTURE)._regexp
            self.searches = _BUDGET_AFTER_SEARCHES

    @property
    def _regexp(self) -> Any:
        self.searches += 1
        if self.searches == _BUDGET_AFTER_SEARCHES:
            self._compiled = re2.compile(self.pattern, _NO_CAPTURE)._regexp
        return self._compiled


def _rule_prefilter(pattern: re.Pattern[str], where: str) -> RulePatternRE2:
    try:
        return RulePatternRE2(_shadow_pattern(_open_ended(pattern.pattern)))
    except re2.error as err:
        raise RulesError(f"{where}: a pattern uses syntax RE2 cannot run ({err}).") from None


# The RE2 forms of the whole-text patterns that `_patient_relatives` reads.
_WRITER_COMPLAINT_RE2 = _prefilter(_WRITER_COMPLAINT, "_WRITER_COMPLAINT")
_PATIENT_RELATIVE_RE2 = _prefilter(_PATIENT_RELATIVE, "_PATIENT_RELATIVE")
# `re` reads a 1,000-character text that names no relative in ~100 µs (the alternation with
# `\w+` tails tried at every word); RE2 says where the first one can start in a few.
_RELATIVE_NOUN_RE2 = _prefilter(_RELATIVE_NOUN, "_RELATIVE_NOUN")
# Read only where a relative is named before the writer's own pain, but then ~50 µs by `re`.
_WRITER_FOCUS_RE2 = _prefilter(_WRITER_FOCUS, "_WRITER_FOCUS")
_PROXY_RE2 = _prefilter(_PROXY, "_PROXY")
# Read only when a sign's owner is in doubt, but then ~200 µs each by `re` on 1,000 characters.
_REPORTING_RELATIVE_RE2 = _prefilter(_REPORTING_RELATIVE, "_REPORTING_RELATIVE")
_TELLING_RELATIVE_RE2 = _prefilter(_TELLING_RELATIVE, "_TELLING_RELATIVE")
_SETS_ASIDE_RE2 = _prefilter(_SETS_ASIDE, "_SETS_ASIDE")
_COMPLAINT_RE2 = _prefilter(_COMPLAINT, "_COMPLAINT")


# The non-ASCII characters that `re` with IGNORECASE matches to an ASCII letter and that
# folding keeps: found by trying every code point. In a folded text without them, a lowercase
# pattern finds the same with or without IGNORECASE.
_CASELESS_ASCII = tuple(_ASCII_TO_RE)
# Read for most signs, and twice as fast without IGNORECASE (~3 µs on 150 characters).
_THIRD_PERSON_LOWERCASE = re.compile(_THIRD_PERSON.pattern)
# `re` still needs ~10 µs for the 250 characters before a sign; RE2 says in ~1 whether and where
# a third person can be named there.
_THIRD_PERSON_RE2 = _prefilter(_THIRD_PERSON_LOWERCASE, "_THIRD_PERSON")


def _third_persons(reading: "Reading", begin: int, end: int) -> Iterator[re.Match[str]]:
    """The matches of _THIRD_PERSON in the slice text[begin:end] (offsets in the slice).

    `re` reads the slice from where RE2 finds the first match of the pattern without its
    look-ahead in the same slice of the shadow (as `Cue` does), ignoring case only where the
    text has letters that it then reads as ASCII ones."""
    told = reading.text[begin:end]
    stretch = reading.shadow[begin:end]
    first = _THIRD_PERSON_RE2._regexp.Match(_UNANCHORED, stretch, 0, len(stretch))[0][0]
    if first < 0:
        return iter(())
    return (_THIRD_PERSON if reading.caseless else _THIRD_PERSON_LOWERCASE).finditer(told, first)


def _matches_from(
    pattern: re.Pattern[str], prefilter: Any, text: str, shadow: bytes, start: int
) -> Iterator[re.Match[str]]:
    """The matches of `pattern` in `text` from `start`, the first place where its RE2 form
    `prefilter` matches `shadow` (-1: none), for a pattern that never matches empty text.

    `re` is tried only where RE2 says a match can start, also after a start where RE2's
    superset matched and `re` did not: `re` tries a long alternation at every character
    (~0.1 µs a character, ~100-200 µs on 1,000 characters, even where nothing matches)."""
    regexp = prefilter._regexp
    while start >= 0:
        match = pattern.match(text, start)
        if match is None:
            start += 1
        else:
            yield match
            start = max(match.end(), start + 1)
        if start > len(shadow):
            return
        start = regexp.Match(_UNANCHORED, shadow, start, len(shadow))[0][0]


def _finditer(
    pattern: re.Pattern[str], prefilter: Any, reading: "Reading", begin: int = 0
) -> Iterator[re.Match[str]]:
    """pattern.finditer(reading.text, begin), for a pattern that never matches empty text."""
    start = _first_start(prefilter, reading, begin)
    return _matches_from(
        pattern, prefilter, reading.text, reading.shadow, -1 if start is None else start
    )


def _first_match(
    pattern: re.Pattern[str], prefilter: Any, reading: "Reading", begin: int = 0
) -> re.Match[str] | None:
    """pattern.search(reading.text, begin), for a pattern that never matches empty text."""
    return next(_finditer(pattern, prefilter, reading, begin), None)


def _first_start(prefilter: Any, reading: "Reading", begin: int = 0) -> int | None:
    """Where `re` can start to search a text for a pattern of this module (_WRITER_COMPLAINT,
    _PATIENT_RELATIVE, _RELATIVE_NOUN, _WRITER_FOCUS, _PROXY, _REPORTING_RELATIVE,
    _TELLING_RELATIVE and others): no match begins before; None when there is no match at all.

    RE2 finds the pattern without its look-arounds in the shadow in a few µs, where `re` reads
    a whole text without a match in ~40-60 µs (~150 µs in a text with an "é"). The shadow
    writes each other character as these patterns' `\\w`, `\\s`, `\\d` and `\\b` see it, and
    those that they, ignoring case, read as an ASCII letter as that letter."""
    if begin > len(reading.shadow):
        return None
    start = prefilter._regexp.Match(_UNANCHORED, reading.shadow, begin, len(reading.shadow))[0][0]
    return None if start < 0 else start


def _clearings(entries: Any, where: str) -> tuple[tuple[re.Pattern[str], "Cue"], ...]:
    """`cleared_later`: a list of {sign: the evidence it applies to, by: what clears it}."""
    if entries is None:
        return ()
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and set(e) == {"sign", "by"} for e in entries
    ):
        raise RulesError(f"{where}: expected a list of entries with 'sign' and 'by'.")
    return tuple(
        (
            _compile([e["sign"]] if isinstance(e["sign"], str) else e["sign"], f"{where} sign"),
            Cue(_patterns(e["by"], f"{where} by")),
        )
        for e in entries
    )


def _parse_rule(entry: Any, number: int, source: str, seen: set[str]) -> Rule:
    rule_id = entry.get("id") if isinstance(entry, dict) else None
    where = f"{source}: rule {rule_id or f'#{number}'}"
    if not rule_id or not isinstance(rule_id, str):
        raise RulesError(f"{where}: missing 'id'.")
    if rule_id in seen:
        raise RulesError(f"{where}: duplicate rule id.")
    seen.add(rule_id)
    category = entry.get("category")
    if category not in CATEGORIES:
        raise RulesError(f"{where}: unknown category {category!r}; one of {', '.join(CATEGORIES)}.")
    if not entry.get("description"):
        raise RulesError(f"{where}: missing 'description'.")
    unknown = set(entry) - {
        "id",
        "category",
        "description",
        "patterns",
        "requires",
        "unless",
        "unless_not",
        "cleared_later",
        "history_counts",
        "examples",
    }
    if unknown:
        raise RulesError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}.")
    parts = tuple(
        (part, _rule_prefilter(part, where)) for part in _patterns(entry.get("patterns"), where)
    )
    requires = _compile(entry["requires"], f"{where} requires") if "requires" in entry else None
    return Rule(
        id=rule_id,
        category=category,
        description=entry["description"],
        parts=parts,
        history_counts=bool(entry.get("history_counts", False)),
        requires=requires,
        requires_prefilter=None if requires is None else _prefilter(requires, f"{where} requires"),
        unless=Cue(_patterns(entry["unless"], f"{where} unless")) if "unless" in entry else None,
        unless_not=(
            Cue(_patterns(entry["unless_not"], f"{where} unless_not"))
            if "unless_not" in entry
            else None
        ),
        cleared_later=_clearings(entry.get("cleared_later"), f"{where} cleared_later"),
    )


def parse_rules(document: Any, source: str = "rules") -> tuple[list[Rule], Context]:
    """Validate a loaded rules document; raise RulesError naming the rule at fault."""
    if not isinstance(document, dict) or "rules" not in document or "context" not in document:
        raise RulesError(f"{source}: expected a mapping with 'rules' and 'context'.")
    seen: set[str] = set()
    rules = [_parse_rule(e, n, source, seen) for n, e in enumerate(document["rules"] or [], 1)]
    if not rules:
        raise RulesError(f"{source}: no rules.")
    cues = document["context"]
    try:
        context = Context(
            window_words=int(cues["window_words"]),
            negation_window_words=int(cues["negation_window_words"]),
            **{
                name: Cue(_patterns(cues[name], f"{source}: context {name}"))
                for name in _CONTEXT_LISTS
            },
        )
    except KeyError as err:
        raise RulesError(f"{source}: context is missing {err}.") from None
    groups = document.get("ordinary_words") or {}
    if (
        not isinstance(groups, dict)
        or set(groups) - {"plain", "clues", "other_languages"}
        or not all(
            isinstance(words, list)
            and all(isinstance(w, str) and re.fullmatch(r"[a-z0-9]{2,}", w) for w in words)
            for words in groups.values()
        )
    ):
        raise RulesError(
            f"{source}: ordinary_words must have lists 'plain', 'clues' and 'other_languages' of "
            "single lowercase words of two or more letters or digits (the detector's words)."
        )
    plain = frozenset(groups.get("plain") or [])
    other = frozenset(groups.get("other_languages") or [])
    return rules, replace(
        context,
        ordinary_words=plain | frozenset(groups.get("clues") or []) | other,
        plain_words=plain,
        other_language_words=other,
    )


# Hyperscan takes ~10 s to compile the rules' patterns, most of a worker's start-up (a replaced
# or reloading worker, every test server). Its compiled databases are kept once a machine, under
# a name made from everything that goes into the compilation, and load in milliseconds.
COMPILED = machine_cache.folder("hyperscan")
KEPT = 8  # two a rule set


@functools.lru_cache(maxsize=8)
def _database(
    patterns: tuple[bytes, ...], ids: tuple[int, ...], flags: tuple[int, ...]
) -> hyperscan.Database:
    """Compiled once a machine for a set of patterns, loaded once a process."""
    made_from = repr((hyperscan.__version__, hyperscan.HS_MODE_BLOCK, patterns, ids, flags))
    path = COMPILED / f"{hashlib.sha256(made_from.encode()).hexdigest()}.db"
    try:
        machine_cache.check_private(COMPILED)
        # Hyperscan refuses a damaged database (it checks its CRC) and one compiled for another
        # platform: it is then compiled again.
        return hyperscan.loadb(path.read_bytes(), hyperscan.HS_MODE_BLOCK)
    except (OSError, ValueError, hyperscan.error):
        pass
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(
        expressions=list(patterns), ids=list(ids), elements=len(patterns), flags=list(flags)
    )
    try:
        machine_cache.make_private(COMPILED)
        with machine_cache.written_whole(path) as part:
            part.write(hyperscan.dumpb(database))
        # ~17 MiB each: only those of the last few rule sets are kept.
        for old in sorted(COMPILED.glob("*.db"), key=lambda p: p.stat().st_mtime)[:-KEPT]:
            old.unlink(missing_ok=True)
    except (OSError, ValueError) as err:  # no writable temp folder, or someone else's
        log.warning(
            "compiled red-flag patterns not kept",
            extra={"event": "hyperscan_not_kept", "reason": str(err)},
        )
    return database


def _collect_match(
    index: int, start: int, end: int, flags: int, found: list[tuple[int, int, int]]
) -> None:
    found.append((index, start, end))


def _collect_pattern_end(
    index: int, start: int, end: int, flags: int, ends: dict[int, list[int]]
) -> None:
    found = ends.get(index)
    if found is None:
        ends[index] = [end]
    else:
        found.append(end)


# Hyperscan calls back into Python for every match (~30 cue ends and ~25 terminator starts in
# 1,000 characters with signs): this keeps only what is read, where it is read from. The ids
# after the cues' are the terminators', the only patterns scanned with their starts.
def _collect_end_or_start(
    index: int, start: int, end: int, flags: int, found: tuple[list[list[int]], list[int]]
) -> None:
    ends, starts = found
    if index < len(ends):
        ends[index].append(end)
    else:
        starts.append(start)


class PatternSet:
    """Where many patterns match a text, found in one pass by Hyperscan.

    A single `re2.Set` of the rule patterns could not cache its automaton: each "word … word"
    pattern keeps a "seen the first word" state, their combinations are endless, and on texts
    it had not seen before it took ~600 µs a text (it looked fast only on repeated texts).
    Hyperscan is built for thousands of such patterns and needs no cache.
    """

    def __init__(
        self,
        patterns: list[str] | list[bytes],
        names: list[str],
        ids: list[int] | None = None,
        flags: list[int] | None = None,
    ) -> None:
        """Reports every match's end; with HS_FLAG_SOM_LEFTMOST (flags, one per pattern) also
        its leftmost start."""
        encoded = tuple(p if isinstance(p, bytes) else p.encode() for p in patterns)
        every = tuple(flags or [0] * len(encoded))
        try:
            self._database = _database(encoded, tuple(ids or range(len(encoded))), every)
        except hyperscan.error:
            for pattern, name, flag in zip(encoded, names, every, strict=True):
                try:
                    _database((pattern,), (0,), (flag,))
                except hyperscan.error as err:
                    raise RulesError(
                        f"{name}: a pattern uses syntax Hyperscan cannot run ({err})."
                    ) from None
            raise
        self._scratch = threading.local()  # a scan needs scratch space no other thread uses

    def _space(self) -> hyperscan.Scratch:
        scratch = getattr(self._scratch, "space", None)
        if scratch is None:
            scratch = self._scratch.space = hyperscan.Scratch(self._database)
        return scratch

    def matches(self, text: bytes) -> list[tuple[int, int, int]]:
        """(id, start, end) of every match (start 0 without HS_FLAG_SOM_LEFTMOST)."""
        found: list[tuple[int, int, int]] = []
        self.scan(text, _collect_match, found)
        return found

    def scan(self, text: bytes, handler: Callable[..., None], context: Any) -> None:
        """Call handler(id, start, end, flags, context) for every match, in order of end."""
        self._database.scan(
            text, match_event_handler=handler, context=context, scratch=self._space()
        )


# A question typed without its question mark, as into a search box: "what is cauda equina
# syndrome", "can a slipped disc cause incontinence" (read only where no mark ends the sentence).
_BARE_QUESTION = re.compile(
    r"\s*(what\s+(is|are|does|do)|what'?s|how\s+(do|does|can|long|would)|can|could|does|do|is|are|"
    r"should|will|would|why\s+(does|do|is|would))\s",
    _FLAGS,
)


class Reading:
    """One folded text, with what the context step finds in it once for all its signs."""

    __slots__ = (
        "_backs",
        "_breaks",
        "_named",
        "_scan",
        "_stop_starts",
        "_stops",
        "_writer",
        "caseless",
        "cue_ends",
        "shadow",
        "sign_spans",
        "text",
    )

    def __init__(self, text: str, scan: CueScan, shadow: bytes | None = None) -> None:
        self.text = text
        self.shadow = ascii_shadow(text) if shadow is None else shadow
        # Whether `re` ignoring case reads letters here as ASCII ones ("ſ" as "s"): then
        # patterns that ignore case keep it.
        self.caseless = not text.isascii() and any(char in text for char in _CASELESS_ASCII)
        self._scan = scan
        # For each cue scanned for, the sorted offsets where a loosened match ends; None until
        # a sign's context needs them (`scan_cues`).
        self.cue_ends: list[list[int]] | None = None
        self._stop_starts: list[int] | None = None  # found by the same pass
        self._stops: tuple[list[int], list[int]] | None = None
        self._breaks: list[int] | None = None
        self._writer: tuple[int, int] | None = None
        self._named = -1  # where a relative is first named, set with `_writer`
        self._backs: frozenset[str] | None = None
        # Where the rules' matches are, so that a negation that opens one ("no control of my
        # bladder") is not read as denying the next ("and both legs are weak").
        self.sign_spans: list[tuple[int, int]] = []

    def writer_and_relative(self) -> tuple[int, int]:
        """Where the writer first describes pain of their own (-1: nowhere) and where a
        relative is first named (the text's length: nowhere, or the writer says they ask
        about themselves), read once for all its signs."""
        if self._writer is None:
            text = self.text
            complaint = _first_match(_WRITER_COMPLAINT, _WRITER_COMPLAINT_RE2, self)
            # Someone else's quoted words are not the writer's own pain: 'Our daughter ...
            # says "my back is hurting"', "Dad keeps saying 'my back'".
            while complaint and (
                said := _SAID_IN_QUOTES.search(
                    text, max(0, complaint.start() - 80), complaint.start()
                )
            ):
                closing = _QUOTE_END[said.group("quote")].search(text, complaint.start())
                if closing is None:
                    break
                complaint = _first_match(
                    _WRITER_COMPLAINT, _WRITER_COMPLAINT_RE2, self, closing.end()
                )
            relative = _first_match(_RELATIVE_NOUN, _RELATIVE_NOUN_RE2, self)
            self._named = relative.start() if relative else len(text)
            if complaint and _first_match(_PROXY, _PROXY_RE2, self):
                complaint = None  # the "I" with pain is the relative whose words are passed on
            # "Mine's from golf, ignore me": the writer sets their own pain aside.
            if complaint and relative and _first_match(_SETS_ASIDE, _SETS_ASIDE_RE2, self):
                complaint = None
            # Only where it would change who the patient is (a relative named before the
            # writer's own pain) is the whole text read for "I'm asking for me".
            if (
                complaint
                and relative
                and relative.start() < complaint.start()
                and _first_match(_WRITER_FOCUS, _WRITER_FOCUS_RE2, self)
            ):
                relative = None
            self._writer = (
                complaint.start() if complaint else -1,
                relative.start() if relative else len(text),
            )
        return self._writer

    def first_relative(self) -> int:
        """Where a relative is first named (the text's length: nowhere), also where the writer
        says they ask about themselves (`writer_and_relative` then hides it)."""
        self.writer_and_relative()
        return self._named

    def relatives_with_backs(self) -> frozenset[str]:
        """The relatives with back pain of their own, read once for all the text's signs."""
        if self._backs is None:
            self._backs = _relatives_in_pain(self, backs_only=True)
        return self._backs

    def writer_is_patient(self, start: int) -> bool:
        """The writer describes their own pain before naming any relative (who could be the
        patient), or names none before the sign at `start`."""
        complaint, relative = self.writer_and_relative()
        return complaint >= 0 and (complaint < relative or start < relative)

    def scan_cues(self) -> list[list[int]]:
        """For each cue scanned for, where its loosened matches end, and where terminators
        may start (one Hyperscan pass)."""
        self.cue_ends, self._stop_starts = self._scan.scan(self.shadow)
        return self.cue_ends

    def stops(self, terminators: Cue) -> tuple[list[int], list[int]]:
        """Where the terminators are, found once for all the text's signs."""
        if self._stops is None:
            text, pattern = self.text, terminators.pattern
            if self.cue_ends is None:
                self.scan_cues()
            if self._stop_starts is None:
                found = [m.span() for m in pattern.finditer(text)]
                self._stops = [a for a, _ in found], [b for _, b in found]
                return self._stops
            # What finditer finds: the first match from each start after the last match.
            starts: list[int] = []
            ends: list[int] = []
            single = self._scan.one_character_stops
            for start in self._stop_starts:
                if ends and start < ends[-1]:
                    continue
                if text[start] in single:
                    starts.append(start)
                    ends.append(start + 1)
                elif match := pattern.match(text, start):
                    starts.append(start)
                    ends.append(match.end())
            self._stops = starts, ends
        return self._stops

    def sentence(self, start: int, end: int) -> tuple[int, int, bool]:
        """The sentence around a span, and whether it is a question.

        It begins after the last sentence end before the span and ends at the first one after
        it: each of ".!?\\n" but a point between digits, so "Does 37.1 count as a fever?" is one
        sentence. Each sentence end is one character whose look-arounds see the whole text, so
        all of them are found once, and each sign's sentence is two bisections."""
        if self._breaks is None:
            text, marks = self.text, []
            find = self.shadow.translate(_MARKS_AS_BREAKS).find
            at = find(b"\n")
            while at >= 0:
                marks.append(at)
                at = find(b"\n", at + 1)
            # The marks that _SENTENCE_END matches: all but a point between digits ("38.2").
            # Found from the marks because `re` scans for that pattern at ~30 ns a character.
            self._breaks = [
                i
                for i in marks
                if not (
                    text[i] == "."
                    and text[i - 1 : i].isdecimal()
                    and text[i + 1 : i + 2].isdecimal()
                )
            ]
        ends = self._breaks
        last = bisect.bisect_left(ends, start) - 1
        begin = ends[last] + 1 if last >= 0 else 0
        following = bisect.bisect_left(ends, end)
        # The text's end closes a sentence as a line break does.
        finish = ends[following] if following < len(ends) else len(self.text)
        mark = self.text[finish] if finish < len(self.text) else "\n"
        bare = mark == "\n" and _BARE_QUESTION.match(self.text, begin) is not None
        return begin, finish, mark == "?" or bare

    def sentence_end(self, start: int, end: int) -> int:
        """Where the sentence around a span ends: `sentence(start, end)[1]`, read without the
        rest once the sentence ends are known (for each RE2 hit of a rule)."""
        if self._breaks is None:
            return self.sentence(start, end)[1]
        ends = self._breaks
        following = bisect.bisect_left(ends, end)
        return ends[following] if following < len(ends) else len(self.text)


# The writer's own back: "my lower back", "I've got a sore back" (not "we both have bad backs").
_WRITERS_OWN = re.compile(
    r"(\b(my|mine)\s+((own|lower|bad|sore)\s+)*|"
    r"\bi('?ve|\s+have)?\s+((also|only|just)\s+)?(got\s+)?(a\s+|the\s+|some\s+)?((low|lower|bad|sore)\s+)*)$",
    _FLAGS,
)
# Relatives whose "'s back" is their own back pain ("Hubby's back's gone"): a look-behind each,
# as look-behinds have a fixed width.
_BACKED_RELATIVES = (
    *("hubby", "husband", "wife", "dad", "mum", "mom", "father", "mother", "brother", "sister"),
    *("son", "daughter", "partner", "grandad", "grandma", "nan", "gran", "grandpa", "fiance"),
)
# A relative's own back pain ("hurt his back", "we both have bad backs"), not the sign itself
# ("fractured his spine") nor a thing ("back belts").
_BACK_COMPLAINT = re.compile(
    r"\b(his|her|their)\s+(lower\s+)?back\b|\bback\s*(pain|ache)s?\b|\bbackaches?\b|\bsciatica\b|"
    # "Hubby's back's gone", "we both did our backs in".
    r"\b(bad|sore)\s+backs?\b|\bour\s+backs\b|"
    rf"\b{_THEIR_BAD_DISC}\b|"
    + "(?:"
    + "|".join(f"(?<={word})" for word in _BACKED_RELATIVES)
    + r")['’]s\s+(lower\s+)?back\b(?!\s*(door|garden|yard|seat|pocket|room|step|wheel|of|from|home|"
    r"in|at|to|on|again|together|now|after)\b)",
    _FLAGS,
)


# Back pain told of both, then the relative: "We've both got sciatica, me and my husband".
_BOTH_BACKS_BEFORE = re.compile(
    r"\bboth\s+(\w+\s+){0,3}(sciatica|bad\s+backs?|back\s*(pain|aches?|problems|trouble)|"
    r"backaches?|slipped\s+discs?|dodgy\s+backs?)\b[^.!?\n]{0,30}$",
    _FLAGS,
)


# The relative a message says it is about: "It's my dad I'm asking about", "it's my uncle who
# hurt his back", "the question's about my mum".
_SUBJECT_NAMED = re.compile(
    # Not "it's my mum who had the cancer": who has the back pain, or whom the writer asks about.
    rf"\b(it'?s|it\s+is)\s+(my|our)\s+{_PATIENT}\b(?!'s)(?=[^.!?\n]{{0,40}}?"
    r"(\b(asking|writing|enquiring|worried)\b|\b(back|backache|sciatica)\b))|"
    r"\b(ask|asking|question'?s?|question\s+is|query|writing|enquiring|here)\s+"
    rf"(about|for|regarding|on\s+behalf\s+of)\s+(my|our)\s+{_PATIENT}\b(?!'s)|"
    # "My father had bowel cancer so I'm twitchy about my daughter's back pain".
    r"\b(worried|worrying|twitchy|anxious|panicking|paranoid|concerned|scared|nervous)\s+"
    rf"(about|for)\s+(my|our)\s+{_PATIENT}(?='s|’s|\s+(back|backache|sciatica)\b)",
    _FLAGS,
)


_BACK_COMPLAINT_RE2 = _prefilter(_BACK_COMPLAINT, "_BACK_COMPLAINT")
_SUBJECT_NAMED_RE2 = _prefilter(_SUBJECT_NAMED, "_SUBJECT_NAMED")


def _relatives_in_pain(reading: "Reading", backs_only: bool = False) -> frozenset[str]:
    """The relatives named shortly before a description of pain, and then the first relative
    named, usually the message's subject (unless the writer names another one as it). With
    `backs_only`, the pain must be a back's and not the writer's own ("my back")."""
    text = reading.text
    start = _first_start(_PATIENT_RELATIVE_RE2, reading)
    if start is None:
        return frozenset()
    mentions = list(_finditer(_PATIENT_RELATIVE, _PATIENT_RELATIVE_RE2, reading, start))
    if not mentions:
        return frozenset()
    patients = set()
    complaints, found_by = (
        (_BACK_COMPLAINT, _BACK_COMPLAINT_RE2) if backs_only else (_COMPLAINT, _COMPLAINT_RE2)
    )
    for mention, following in zip(mentions, [*mentions[1:], None], strict=True):
        # A complaint is about the relative named last before it ("my father-in-law had an
        # aneurysm repair, and my husband's back hurts"). Complaints are whole words (or
        # "can't get up") and never overlap, so the first one from the mention on is one a
        # scan of the whole text finds: no need to scan all of it (~180 µs).
        complaint = _first_match(complaints, found_by, reading, mention.end())
        while (
            complaint is not None
            and backs_only
            and _WRITERS_OWN.search(text, max(0, complaint.start() - 20), complaint.start())
        ):
            complaint = _first_match(complaints, found_by, reading, complaint.end())
        # "Her lower back" is told of the relative named last before it however long the story
        # between ("My mum is 76 ... On Tuesday ... a sudden sharp pain in her lower back").
        # (_BACK_COMPLAINT's first group is the owner: "his/her/their back".)
        owned = backs_only and complaint is not None and complaint.group(1) is not None
        reach = 600 if owned else 300
        if (
            complaint is not None
            and complaint.start() < mention.end() + reach
            and (following is None or following.end() > complaint.start())
        ) or (
            backs_only
            and _BOTH_BACKS_BEFORE.search(text, max(0, mention.start() - 60), mention.start())
        ):
            # Every relative word of the mention: "my cousin brother" (Indian English for a
            # male cousin) is one person, named by either word later.
            patients.update(named.group(0) for named in _PATIENT_NOUN.finditer(mention.group(0)))
    if patients:
        # The first relative named is usually the subject of the whole message, unless the
        # writer names another one as the subject ("It's my dad I'm asking about"). (Not "my
        # husband's back is sore": beside "my dad has a high fever and can't pee" that lost
        # the dad's signs.)
        named = {
            _PATIENT_NOUN.search(m.group(0)).group(0).lower()
            for m in _finditer(_SUBJECT_NAMED, _SUBJECT_NAMED_RE2, reading)
        }
        first = mentions[0].group(1)
        if not named or first.lower() in named:
            patients.add(first)
    return frozenset(patients)


# The shadow with each byte that `_WORD` reads as part of a word written "w", every other a
# space: a non-ASCII letter or digit is "x" or "0" there, any other character not a word's.
_WORD_BYTES = bytes(ord("w") if _WORD.fullmatch(chr(byte)) else ord(" ") for byte in range(256))


def _opens_another_sign(reading: "Reading", at: int, start: int) -> bool:
    """Whether a sign matched before the one at `start` begins at `at`: its own negative ("no
    control of my bladder") denies nothing after it ("and both legs are weak")."""
    spans = reading.sign_spans
    index = bisect.bisect_left(spans, (at, 0))
    return index < len(spans) and spans[index][0] == at and spans[index][1] <= start


def _denials(cue: "Cue", reading: "Reading", begin: int, start: int) -> list[re.Match[str]]:
    """The matches of a negation list between `begin` and the sign at `start`, less those that
    open another sign (see `_opens_another_sign`)."""
    return [
        match
        for match in cue.finditer(reading, begin, start)
        if not _opens_another_sign(reading, begin + match.start(), start)
    ]


def _windows(shadow: bytes, begin: int, start: int, *counts: int) -> list[int]:
    """For each count, where the last `count` words before the sign at `start` begin, counted
    from `begin` (`begin` itself when there are not more than `count` words).

    The words `_WORD.finditer(text, begin, start)` finds, without reading them one by one
    (~6 µs a sign): in the marked stretch a word starts at each "w" after a space (a word cut
    by `begin` too, after the space put before it). Split there, the stretch is the part
    before the first word and then one piece for each word, which has lost its first two
    characters (" w"): the last `count` words start where those pieces and their separators
    begin, counted back from the end."""
    if min(counts) < 1:  # no window of words (none in the rules file): read them one by one
        tokens = list(_WORD.finditer(shadow.decode("ascii"), begin, start))
        return [tokens[-words].start() if len(tokens) > words else begin for words in counts]
    marked = b" " + shadow[begin:start].translate(_WORD_BYTES)  # marked[i + 1] is begin + i
    pieces = marked.split(b" w")
    return [
        begin + len(marked) - sum(map(len, pieces[-words:])) - 2 * words
        if len(pieces) > words + 1
        else begin
        for words in counts
    ]


# libyaml's safe loader reads the rules file in 0.02 s instead of 0.28 (a worker starts in ~2 s).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RedFlagEngine:
    """Applies every rule to a text and keeps the signs whose context says they apply now."""

    def __init__(self, rules: list[Rule], context: Context) -> None:
        self.rules = rules
        self.context = context
        # One Hyperscan pass over the text says which patterns of which rules can match, and
        # where their matches end (as cheap as only whether they match).
        self._part_of = [(n, i) for n, rule in enumerate(rules) for i in range(len(rule.parts))]
        self._any_part = PatternSet(
            [one_space(p.pattern) for rule in rules for _, p in rule.parts],
            [f"rule {rules[n].id}" for n, _ in self._part_of],
        )
        # Costly to run with `re` for every sign: the long cue lists and the `unless` lists.
        scanned = {f"context {name}": getattr(context, name) for name in _FILTERED_CUES}
        self._cues = CueScan(scanned, context.terminators)
        # RE2 reads a stretch before `re` (see `Cue`): where the scan passes it, or always.
        of_rules = [cue for rule in rules for cue in (rule.unless, rule.unless_not) if cue]
        of_rules += [cue for rule in rules for _, cue in rule.cleared_later]
        for cue in [*scanned.values(), *(getattr(context, name) for name in _RE2_CUES), *of_rules]:
            cue.check_first()

    @classmethod
    def from_file(cls, path: str | Path = DEFAULT_RULES_FILE) -> "RedFlagEngine":
        path = Path(path)
        try:
            document = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
        except FileNotFoundError:
            raise RulesError(f"{path}: rules file not found.") from None
        except yaml.YAMLError as err:
            raise RulesError(f"{path}: is not valid YAML ({err}).") from None
        return cls(*parse_rules(document, str(path)))

    def find(self, text: str) -> list[RedFlag]:
        """The red flags that apply to the person now, in order of position."""
        return self.explain(text)[0]

    def explain(self, text: str) -> tuple[list[RedFlag], list[SuppressedSign]]:
        """Red flags, plus the matches that were suppressed and the reason for each."""
        spaced, spacing = single_spaced(text)
        flags, suppressed = self._explain(spaced)
        if spacing is None:
            return flags, suppressed
        return (
            [spacing.in_text(flag, text) for flag in flags],
            [spacing.in_text(sign, text) for sign in suppressed],
        )

    def _explain(self, text: str) -> tuple[list[RedFlag], list[SuppressedSign]]:
        flags: list[RedFlag] = []
        suppressed: list[SuppressedSign] = []
        folded = fold(text)
        shadow = ascii_shadow(folded)
        ends: dict[int, list[int]] = {}  # pattern (numbered rule by rule) -> where matches end
        self._any_part.scan(shadow, _collect_pattern_end, ends)
        if not ends:
            return flags, suppressed
        hits: dict[int, list[tuple[int, list[int]]]] = {}  # rule -> [(its pattern, ends)]
        for part in sorted(ends):
            number, index = self._part_of[part]
            hits.setdefault(number, []).append((index, ends[part]))
        reading = Reading(folded, self._cues, shadow)
        # Only needed when a sign is near another person's name, so worked out on demand.
        patient_relatives = functools.cache(lambda: self._patient_relatives(reading))
        found = []
        for number, parts in hits.items():  # in order of rule, each rule's in order of pattern
            rule = self.rules[number]
            matches = self._rule_matches(rule, parts, reading)
            if matches and (rule.requires is None or self._required(reading, rule)):
                found.append((rule, matches))
        reading.sign_spans = sorted(match.span() for _, matches in found for match in matches)
        for rule, matches in found:
            for match in matches:
                self._judge(text, reading, match, rule, patient_relatives, flags, suppressed)
        flags.sort(key=lambda f: (f.start, f.end))
        return flags, suppressed

    def context_of(self, text: str, start: int, end: int, category: str) -> str | None:
        """Why the words at text[start:end], read as a sign of `category`, do not apply to
        the person now (the reasons `explain` gives), or None when they do.

        For signs found by something other than a rule (the learned sign detector). History
        still counts where any rule of the category says so (a past cancer still matters).
        """
        text, spacing = single_spaced(text)
        if spacing is not None:
            start, end = spacing.single_spaced(start), spacing.single_spaced(end - 1) + 1
        folded = fold(text)
        history_counts = any(r.history_counts for r in self.rules if r.category == category)
        probe = Rule("", category, "", history_counts=history_counts)
        reading = Reading(folded, self._cues)
        relatives = functools.cache(lambda: self._patient_relatives(reading))
        return self._suppression(reading, start, end, probe, relatives)

    def _rule_matches(
        self, rule: Rule, parts: list[tuple[int, list[int]]], reading: Reading
    ) -> list[re.Match[str]]:
        """A rule's matches from its patterns Hyperscan found (each with where its matches
        end), leftmost first, without overlaps."""
        found = [
            match
            for index, ends in parts
            for match in self._search(*rule.parts[index], reading, sorted(ends))
            if match.end() > match.start()
        ]
        found.sort(key=lambda m: (m.start(), -m.end()))
        kept: list[re.Match[str]] = []
        for match in found:
            if not kept or match.start() >= kept[-1].end():
                kept.append(match)
        return kept

    def _search(
        self,
        pattern: re.Pattern[str],
        prefilter: Any,
        reading: Reading,
        ends: list[int] | None = None,
    ) -> Iterator[re.Match[str]]:
        """Exact matches of a pattern, searched from where its RE2 form hits the shadow.

        Python's `re` (which has the look-arounds RE2 lacks) starts right at each hit instead
        of scanning the whole text with a long alternation, and reads to the end of the hit's
        sentence. With the sorted offsets where Hyperscan saw the RE2 form's matches end, `re`
        stops reading a sentence where no further non-empty match could end (`_rule_matches`
        drops empty ones).

        The hits are the spans `re2`'s `finditer` gives: successive leftmost matches that do
        not overlap, read from the compiled RE2 object itself (google-re2 1.1), whose Python
        layer builds a generator and a match object for each, which cost more than RE2's own
        search here. No match ends after the last of `ends`: RE2 is not asked to read the rest
        of the text only to find nothing there, nor past it to see whether a longer match is
        preferred; it still reads the characters around its range for `\\b` and `$`, so the
        matches are those of the whole text.
        """
        text, shadow, regexp = reading.text, reading.shadow, prefilter._regexp
        last_end = ends[-1] if ends else None
        limit = len(shadow) if last_end is None else last_end
        pos = searched_to = 0
        while last_end is None or pos < limit:
            start, stop = regexp.Match(_UNANCHORED, shadow, pos, limit)[0]
            if start < 0:
                return
            if start >= searched_to:
                searched_to = reading.sentence_end(start, stop)
                for match in pattern.finditer(text, start, searched_to):
                    yield match
                    if ends is not None:
                        following = bisect.bisect_right(ends, match.end())
                        if following == len(ends) or ends[following] > searched_to:
                            break
            if pos == limit:
                return
            pos = stop if stop != pos else pos + 1  # after an empty match, one further on

    def _required(self, reading: Reading, rule: Rule) -> bool:
        """A rule's `requires` cue is present and not negated."""
        assert rule.requires is not None
        for m in self._search(rule.requires, rule.requires_prefilter, reading):
            begin, finish = self._clause(reading, *m.span())
            context = self.context
            before, near = _windows(
                reading.shadow,
                begin,
                m.start(),
                context.negation_window_words,
                context.window_words,
            )
            # History only near the cue: "osteoporosis (fracture 2019) ... after a slip" is new,
            # and not in an aside closed before it: "my dad (prostate cancer, treated 2017)
            # stepped off a kerb".
            near = max(near, reading.text.rfind(")", near, m.start()) + 1)
            if self._negated(reading, m.start(), m.end(), before, begin) or _said_over(
                context.resolved_history, reading, near, finish, within=True
            ):
                continue
            # A cue that is only a possibility: "on Humira - ring us if you get a fever".
            sentence_begin, sentence_end, _ = reading.sentence(m.start(), m.end())
            if not self._hypothetical(
                reading, (begin, near, m.start(), m.end()), sentence_begin, sentence_end, 100
            ):
                return True
        return False

    def _judge(
        self,
        text: str,
        reading: Reading,
        match: re.Match[str],
        rule: Rule,
        patient_relatives: Callable[[], frozenset[str]],
        flags: list[RedFlag],
        suppressed: list[SuppressedSign],
    ) -> None:
        """Keep a matched sign as a flag, or record why its context suppresses it."""
        start, end = match.span()
        # A pattern ending in a space class can take the line break after the sign ("38.4\n"),
        # and the next line's "Any injury? no" would then read as the sign's own answer.
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            return
        reason = self._suppression(reading, start, end, rule, patient_relatives)
        if reason is None:
            flags.append(RedFlag(rule.category, rule.id, text[start:end], start, end))
        else:
            suppressed.append(
                SuppressedSign(rule.category, rule.id, text[start:end], start, end, reason)
            )

    def _patient_relatives(self, reading: Reading) -> frozenset[str]:
        """Relatives a text is written about ("my mum, 74, has back pain"): their signs count.

        A description of pain may belong to any relative named shortly before it (pronouns are
        not resolved, so this errs towards counting signs), unless the writer describes pain
        of their own.
        """
        if reading.writer_and_relative()[0] >= 0:
            return frozenset()
        # A relative whose own back is told of later ("Dad's on chemo ... [300 characters] ...
        # he keeps reaching round to the middle of his back") is as much the patient.
        found = _relatives_in_pain(reading) | reading.relatives_with_backs()
        # The relative the writer asks for or passes words on from is the patient, however the
        # pain is told ("asking on behalf of my mum who is 84 ... she slipped").
        proxy = _first_match(_PROXY, _PROXY_RE2, reading)
        if proxy is not None and (named := _RELATIVE_NOUN.search(proxy.group(0))):
            found |= {named.group(0).lower()}
        # A relative who rings or is spoken to reports on the one named next: "Call from son.
        # Dad has been incontinent since this morning", "Spoke to daughter - mum can't pee".
        reporter = _first_match(_REPORTING_RELATIVE, _REPORTING_RELATIVE_RE2, reading)
        told = reporter or _first_match(_TELLING_RELATIVE, _TELLING_RELATIVE_RE2, reading)
        if told is not None:
            caller = _RELATIVE_NOUN.search(told.group(0))
            # Unless the caller rings about themselves: "daughter rang - daughter herself has LBP".
            if caller is not None and re.search(
                rf"\b{re.escape(caller.group(0))}\s+(herself|himself)\b", reading.text, _FLAGS
            ):
                return found
            # A caller only reports: a sign near their name is the patient's ("partner called: he
            # hasn't passed urine", "Pt's daughter: mum had breast cancer").
            if reporter is not None and caller is not None:
                found |= {caller.group(0).lower()}
            for named in _RELATIVE_NOUN.finditer(reading.text, told.end()):
                if caller is None or named.group(0).lower() != caller.group(0).lower():
                    return found | {named.group(0).lower()}
        return found

    def _clause(self, reading: Reading, start: int, end: int) -> tuple[int, int]:
        """The span between the terminators around a sign, at most 250 characters each way."""
        text = reading.text
        starts, ends = reading.stops(self.context.terminators)
        before = max(0, start - 250)
        last = bisect.bisect_right(ends, start) - 1  # the last stop that ends by the sign
        begin = ends[last] if last >= 0 and starts[last] >= before else before
        # A sign that opens with a stop ("... would not bother you but at 85") opens a clause.
        if last + 1 < len(starts) and starts[last + 1] == start:
            begin = start
        limit = min(len(text), end + 250)
        following = bisect.bisect_left(starts, end)  # the first stop after it
        if following < len(starts) and ends[following] <= limit:
            return begin, starts[following]
        return begin, limit

    def _negated(self, reading: Reading, start: int, end: int, before: int, begin: int) -> bool:
        """A negation cue in the window before the span (from `before`, within its clause that
        starts at `begin`), or right after it in its sentence."""
        context, text = self.context, reading.text
        # A sign a form marks present: "ROS: (+) night sweats, (+) LBP, (-) cough"; or a denial
        # hedged after it: "Not a fever exactly, more like ...".
        if _MARKED_PRESENT.search(text, max(0, start - 8), start) or _HEDGED.match(text, end):
            return False
        negations = _denials(context.negation_before, reading, before, start)
        # "Someone (not naming names) dared me to jump": a denial in an aside ends with it.
        if negations and _in_aside(text, begin, before + negations[-1].start(), start):
            negations = []
        if not negations:
            # "Denies fever, rigors, night sweats, weight loss or urinary retention": a list
            # negation reaches every item of its clause, however long the list.
            before = begin
            negations = _denials(context.negation_list, reading, begin, start)
        # "No numbness anywhere except around my bum": the sign itself names the exception. "I
        # don't feel nothing down there": a sign that starts with its own negative is a double
        # negative, as in many Englishes.
        if (
            negations
            and not _EXCEPTION.search(text, start, end)
            and not (
                _NEGATIVE_SIGN.match(text, start)
                and _VERBAL_NEGATION.search(negations[-1].group(0))
            )
        ):
            gap = before + negations[-1].end()
            # A later item told as present: "No energy, night sweats every night", "No trauma,
            # urinary retention since this am".
            # "with no panic at all and fell down the whole flight": "and" starts a new clause.
            clausal = ("," in text[gap:start] or _AND_BEFORE.search(text, gap, start)) and (
                _CLAUSAL_START.match(text, start)
                or _PRESENT_ITEM.match(text, end)
                or _PRESENT_ITEM.match(text, start)
            )
            if not context.negation_breakers.search(reading, gap, start) and not clausal:
                return True
        # Answers follow questions: "Fever? No." reads past the question mark.
        stop = _STATEMENT_END.search(text, end, end + 60)
        if context.negation_after.search(reading, end, stop.start() if stop else end + 60):
            return True
        # In a transcript the answer is the next speaker's line: "Nurse: Any fever?\nCaller: No."
        return bool(context.negation_answer.search(reading, end, end + 200))

    def _excluded(self, reading: Reading, rule: Rule, begin: int, end: int) -> bool:
        """The rule's exception (`unless`) in the sentence text[begin:end], unless it is denied
        ("lost 2 stone, haven't been on a diet", "not on Ozempic or anything" leave the weight
        loss unexplained) or the sentence also says what it cannot explain (`unless_not`: "kept
        losing after I stopped the diet")."""
        if rule.unless is None:
            return False
        text = reading.text
        excepted = any(
            _DENIED.search(
                text, max(begin, begin + exception.start() - 25), begin + exception.start()
            )
            is None
            for exception in rule.unless.finditer(reading, begin, end)
        )
        return excepted and not (
            rule.unless_not is not None and rule.unless_not.search(reading, begin, end)
        )

    def _cleared_later(self, reading: Reading, rule: Rule, start: int, end: int) -> bool:
        """The text goes on to say the sign is not there now, with no medicine named between
        that could mask it: "the 'fever' was the thermometer in Fahrenheit ... no temperature",
        but not "38.9 last night, took paracetamol, temp normal now"."""
        text = reading.text
        for sign, cleared in rule.cleared_later:
            if sign.search(text, start, end) is None:
                continue
            found = cleared.search(reading, end, len(text))
            if found is None or _MASKING.search(text, end, end + found.start()) is not None:
                continue
            # Not when the rest of its sentence takes it back: "sensation came back for a bit
            # then went again", "bladder is normal on the scan but nothing comes out".
            after = end + found.end()
            if _TAKEN_BACK.search(text, after, reading.sentence_end(after, after)) is None:
                return True
        return False

    def _conditional_advice(
        self, reading: Reading, sentence_begin: int, start: int, end: int, sentence_end: int
    ) -> bool:
        """Advice that reaches every sign of the condition it lists, past the commas that
        otherwise end a clause: "go to A&E if my legs go weak, I can't pee or I get numb",
        "if I can't feel the paper when I wipe, or I wet myself, go straight to A&E"."""
        context, text = self.context, reading.text
        advice = context.advice_condition.search(reading, sentence_begin, start)
        if advice is not None:
            return _CONTRAST.search(text, advice.end(), start) is None
        conditions = list(context.condition.finditer(reading, sentence_begin, start))
        return bool(
            conditions
            and _CONTRAST.search(text, conditions[-1].end(), start) is None
            and context.advice_after_condition.search(reading, end, sentence_end)
        )

    def _hypothetical(
        self,
        reading: Reading,
        span: tuple[int, int, int, int],
        sentence_begin: int,
        sentence_end: int,
        came_true_beyond: int,
    ) -> bool:
        """The words at span = (clause begin, window begin, start, end) are only a possibility:
        feared, asked about, advised on or a condition, and it has not come true since ("ring
        999 if I can't pee, and that is exactly what has happened"), up to `came_true_beyond`
        characters into what follows the sentence; nor is a condition the writer is in now one
        ("Should I go to A&E if I can't lift my foot and it drags?")."""
        context = self.context
        begin, window, start, end = span
        cue = context.hypothetical.search(reading, window, start)
        if (
            cue is None
            and came_true_beyond
            and (opening := _WHAT_IF.match(reading.text, sentence_begin))
            and opening.end() <= start
            # Not past a comma: "What if they give way again, they went twice today and ...".
            and not _NEW_CLAUSE_MARK.search(reading.text, opening.end(), start)
            # Nor told with a time of its own: "what happens if ... came on this afternoon".
            and not _TOLD_WHEN.search(reading.text, sentence_begin, sentence_end)
        ):
            cue = opening
        # A clinician's question and its answer: "Asked about saddle sensation - 'dead since Sat'".
        if (
            cue
            and _ASKED.match(cue.group(0))
            and not reading.text[sentence_begin : window + cue.start()].strip(" -*/\n")
            and _ANSWER.search(reading.text, window + cue.end(), end)
        ):
            cue = None
        return bool(
            cue
            # With the sentence's own mark: "= A&E?" asks, "= A&E." tells.
            or context.hypothetical_after.search(
                reading, end, min(sentence_end + 1, len(reading.text))
            )
            # Advice on what to watch for covers every sign listed after it in the clause.
            or context.safety_netting.search(reading, begin, start)
            or self._conditional_advice(reading, sentence_begin, start, end, sentence_end)
        ) and not (
            context.came_true.search(reading, end, sentence_end + came_true_beyond)
            or context.came_true_next.search(reading, sentence_end, sentence_end + 120)
            or context.present_condition.search(reading, sentence_begin, sentence_end + 80)
        )

    def _general_question(
        self, reading: Reading, sentence_begin: int, start: int, end: int, sentence_end: int
    ) -> bool:
        """A question about a sign in general, not about the writer's own symptoms."""
        context = self.context
        if context.present_condition.search(reading, sentence_begin, sentence_end + 80):
            return False
        # Asking what the sign is, is general whoever asks: "What is cauda equina syndrome and
        # why does my physio keep asking about my bladder?" (but not "What's a pulsing lump in
        # my belly?").
        definition = context.definition_question.search(
            reading, sentence_begin, start
        ) and not _SELF_REFERENCE.search(reading.text, start, end)
        if not definition and (
            _SELF_REFERENCE.search(reading.text[sentence_begin:sentence_end])
            or context.personal_question.search(reading, sentence_begin, sentence_end)
            or not (
                context.general_question.search(reading, sentence_begin, sentence_end)
                or context.general_question_after.search(reading, end, sentence_end)
            )
        ):
            return False
        return not context.self_reference_after_question.search(
            reading, sentence_end + 1, sentence_end + 80
        )

    def _opener_owns(
        self, reading: Reading, sentence_begin: int, sentence_end: int, before: int
    ) -> bool:
        """The person who opens the sentence owns its signs however far on, beside the writer's
        own pain: "My riding buddy went over a car bonnet on his Ducati and fractured T12".

        Not in a sentence told as now ("My husband's had a kidney transplant so he's on the
        anti-rejection tablets"), and a relative with a back of their own only in one told wholly
        in the past: "My hubby's back's gone and he can't feel the wee coming out. Mine's sore"."""
        text = reading.text
        if not (
            sentence_begin < before
            and reading.writer_and_relative()[0] >= 0
            and (opener := self.context.other_person.search(reading, sentence_begin, before))
            and opener.start() <= 2
            and not _TOLD_AS_NOW.search(text, sentence_begin, sentence_end)
        ):
            return False
        if _TOLD_AS_PAST.search(text, sentence_begin, sentence_end):
            return True
        named = _RELATIVE_NOUN.search(opener.group(0))
        return not (named and named.group(0).lower() in reading.relatives_with_backs())

    def _suppression(
        self,
        reading: Reading,
        start: int,
        end: int,
        rule: Rule,
        patient_relatives: Callable[[], frozenset[str]],
    ) -> str | None:
        context, text = self.context, reading.text
        begin, finish = self._clause(reading, start, end)
        sentence_begin, sentence_end, question = reading.sentence(start, end)

        # The words before the sign are read once for both windows.
        negation_before, before = _windows(
            reading.shadow, begin, start, context.negation_window_words, context.window_words + 4
        )
        if self._negated(reading, start, end, negation_before, begin):
            return "negated"
        if self._excluded(reading, rule, sentence_begin, sentence_end):
            return "excluded_by_rule"
        if rule.cleared_later and self._cleared_later(reading, rule, start, end):
            return "cleared_later"
        # Someone's words in quotes, then what they meant: "Carer said Dad 'lost his legs' -
        # turns out he refused to walk", "'passed out' = fell asleep on the sofa".
        quoted = _quotation_end(text, sentence_begin, start, end)
        if quoted >= 0 and context.reinterpreted.search(
            reading, quoted, min(len(text), quoted + 80)
        ):
            return "reinterpreted"
        # Taken back right after, in its sentence or the next: "I thought I had a fever last
        # night. Scratch that, the thermometer was by my tea", "Wet the bed. Correction: ...".
        if context.retracted.search(reading, end, min(len(text), sentence_end + 120)):
            return "retracted"

        # After a question, into the next sentence: "... cause no control on potty? Since 4 days
        # I am having this problem".
        if self._hypothetical(
            reading,
            (begin, before, start, end),
            sentence_begin,
            sentence_end,
            100 if question else 0,
        ):
            return "hypothetical"
        if question and self._general_question(reading, sentence_begin, start, end, sentence_end):
            return "general_question"
        # A relative can be named inside the sign: "my dad's cancer", or open its sentence.
        owner_from = (
            sentence_begin
            if self._opener_owns(reading, sentence_begin, sentence_end, before)
            else before
        )
        wide = text[owner_from:end]
        writer_too = _WRITER_HAS_IT_TOO.match(text, end) is not None
        for cue in () if writer_too else context.other_person.finditer(reading, owner_from, end):
            if _WITH_THE_WRITER.search(wide, 0, cue.start()) or _AND_THE_WRITER.match(
                wide, cue.end()
            ):
                continue
            # Who acted, not who has the sign: "999 by daughter: 77M collapsed".
            if _BY_AGENT.search(wide, 0, cue.start()):
                continue
            # The relative as company inside the sign: "when I am with my wife nothing happens",
            # "I can't feel my partner".
            # "with my wife the man part is not working": a partner is company for those signs.
            if (owner_from + cue.start() > start and _COMPANY.search(wide, 0, cue.start())) or (
                rule.category == "cauda_equina"
                and _PARTNER.search(cue.group(0))
                and _WITH_PARTNER.search(wide, 0, cue.start())
            ):
                continue
            patient = _PATIENT_NOUN.search(cue.group(0))
            if patient and patient.group(0) in patient_relatives():
                continue
            relative = _RELATIVE_NOUN.search(cue.group(0))
            rest = wide[cue.end() :]
            if _FIRST_PERSON.search(rest) or _told_of_its_owner(cue.group(0), rest):
                continue
            if relative and _reports_on_another(relative.group(0), rest):
                continue
            # Someone who reports on the relative the message is about: "My dad's carer has
            # noticed he's stopped knowing when he's wet himself".
            if relative is None and _REPORTER.match(rest) and patient_relatives():
                continue
            # The patient the message is about (the first relative named, a patient whenever
            # any is) is named between: "found by his carer, my grandfather (92) has ...".
            if (
                patient_relatives()
                and (subject := _first_match(_PATIENT_RELATIVE, _PATIENT_RELATIVE_RE2, reading))
                and any(m.group(0) == subject.group(1) for m in _RELATIVE_NOUN.finditer(rest))
            ):
                continue
            # "My daughter-in-law measure 38.7": a relative reports the sign of a writer who
            # describes pain of their own.
            told = _RELATIVE_REPORTS.match(rest)
            if (
                told
                and relative
                and reading.writer_and_relative()[0] >= 0
                and not _THIRD_PERSON_WORD.search(rest, told.end())
            ):
                continue
            return "other_person"
        # Asking for a relative, the writer's own sign is not the patient's: "Asking for my wife,
        # who has backache. I'm the one who's lost weight", "I had bowel cancer at his age".
        complaint, relative = reading.writer_and_relative()
        if (
            complaint < 0
            and relative < start
            and patient_relatives()
            and _WRITER_OWNS.search(text, max(sentence_begin, start - 60), start)
        ):
            return "other_person"
        # A writer with pain of their own who names a relative first is the patient too, unless
        # that relative has back pain of their own: "My sister has MS and she can't walk. I'm
        # 41 and my back aches" (but "My dad hurt his back and he can't stand up").
        if not writer_too and (
            reading.writer_is_patient(start)
            or (complaint >= 0 and not reading.relatives_with_backs())
        ):
            # A sign told of a third person is someone else's: "a lady with a fractured spine".
            # The sentence, not the clause: "..., and she had a high fever" starts a clause.
            told_from = max(sentence_begin, start - 250)
            told = text[told_from:end]
            for cue in _third_persons(reading, told_from, end):
                rest = told[cue.end() :]
                if not _WRITER_WORD.search(rest) and not _REPORTER.match(rest):
                    return "other_person"
            # And one of the writer's relatives: "My dad fainted last week and they found an
            # aneurysm" beside the writer's own back, however far back in the sentence.
            if reading.first_relative() < start:
                for cue in _MY_RELATIVE.finditer(text, told_from, start):
                    if _OBJECT_OF.search(text, max(0, cue.start() - 20), cue.start()):
                        continue
                    rest = text[cue.end() : end]
                    if not (
                        _WRITER_WORD.search(rest)
                        or _REPORTER.match(rest)
                        or _RELATIVE_REPORTS.match(rest)
                    ):
                        return "other_person"
        # A bladder, bowel or leg sign that has been the person's baseline for years is not a new
        # deficit: "incontinent of urine for years per care plan", "bed-bound since his stroke".
        if rule.category in _NEW_SIGNS_ONLY and (
            context.long_standing_before.search(reading, before, start)
            or context.long_standing_after.search(reading, end, sentence_end)
        ):
            return "long_standing"
        if not rule.history_counts and (
            _said_over(context.resolved_history, reading, begin, finish)
            # Into the next sentence: "Had a temperature with the cold. That's all gone now."
            or _said_over(context.resolved_history_after, reading, end, sentence_end + 80)
        ):
            return "resolved_history"
        return None
