"""Flag identifiers in free text so they never leak into aggregates.

Why: the HEF workshop (instruments reference, seed 000) made it a requirement that
"free text that names a person must not leak into aggregates". Free-text comments are
therefore screened before they leave the care record, and only ``redacted_preview`` and
positions are ever shown in summaries: a flag never carries the matched text.

Method: plain regular expressions, one pass each, plus cheap checks:

- NHS number: 10 digits, plain or grouped 3-3-4; a Modulus 11 valid one (NHS Data
  Dictionary, see ``nhs_number``) is flagged ``strong``, any other ``weak``.
- UK phone number: ``0`` or ``+44`` then a 9 or 10 digit national number starting 1, 2,
  3, 5, 7, 8 or 9 (Ofcom numbering plan: the national significant number is 9-10 digits).
- Email address: ``local@domain.tld``.
- Another person's name: a title and a capitalised word ("Mr Smith", "Dr Jones")
  ``strong``; two or more consecutive capitalised words not at the start of a sentence
  ``weak``. Words in ``subject_names`` (the person the record is about) and common
  capitalised non-names (days, months, NHS service words) are not flagged.

It is a screen, not a guarantee: it favours false positives over misses, and a human
still reviews flagged text.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from services.scoring.people.nhs_number import check_digit


class FreeTextKind(StrEnum):
    NHS_NUMBER = "nhs_number"
    PHONE_NUMBER = "phone_number"
    EMAIL = "email"
    PERSON_NAME = "person_name"


class FlagStrength(StrEnum):
    STRONG = "strong"  # almost certainly an identifier
    WEAK = "weak"  # looks like one; a person should check


@dataclass(frozen=True, slots=True)
class FreeTextFlag:
    """Where an identifier seems to be; deliberately without the matched text itself."""

    kind: FreeTextKind
    start: int
    end: int
    strength: FlagStrength
    redacted_preview: str

    def to_public_dict(self) -> dict[str, str | int]:
        return {
            "kind": self.kind.value,
            "start": self.start,
            "end": self.end,
            "strength": self.strength.value,
            "redacted_preview": self.redacted_preview,
        }


_NHS_NUMBER = re.compile(r"(?<![\d+])\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")
_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d[\d \-()]{7,14}\d(?![\d])")
_NON_DIGITS = re.compile(r"\D")
_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

# A capitalised word: Latin-1 letters so "Zoë" and "Łukasz"-like spellings mostly work;
# optional Irish/Scottish prefixes and hyphenated or apostrophe parts ("O'Brien",
# "McDonald", "Smith-Jones").
_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
_WORD = rf"(?:O['\u2019]|Mc|Mac)?[{_UPPER}][{_LOWER}]+(?:[-'\u2019][{_UPPER}][{_LOWER}]+)*"
_CAPITALISED = re.compile(rf"(?<![\w'\u2019-]){_WORD}(?![\w'\u2019])")
_TITLES = "Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sister|Nurse|Rev|Revd|Sir|Dame|Father"
_TITLED = re.compile(
    rf"(?<![\w])(?P<title>{_TITLES})\.?[ \t]+(?P<names>{_WORD}(?:[ \t]+{_WORD})?)(?![\w'\u2019])"
)
_SENTENCE_END = ".!?\n"

# Capitalised words that are not names in care notes. Lower case; matched per word.
_NOT_NAMES = frozenset(
    str.split(
        """
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december today tomorrow yesterday
    morning afternoon evening christmas easter bank holiday
    nhs gp trust hospital ward team service services clinic centre center surgery practice
    community learning disability disabilities disabled mental health care plan action
    annual check review assessment referral discharge equality equalities framework social
    support worker nurse doctor consultant speech language therapy therapist occupational
    physiotherapy psychology psychiatry psychiatrist dental dentist pharmacy emergency
    department unit primary secondary integrated board council district county city
    street road lane avenue house home court close way drive
    british english irish welsh scottish sign makaton easy read epilepsy down syndrome
    autism dementia covid
    the and of in on at to for with from by he she they we it his her their our my this
    that these those patient client person carer mum dad mother father brother sister
    parent parents family staff key manager yes no not none new follow up next please
    thanks dear regards kind best also then when after before did was has had will
    mr mrs ms miss mx dr prof professor rev revd sir dame
    """
    )
)


def _normalise_subject(names: Sequence[str]) -> frozenset[str]:
    tokens: set[str] = set()
    for name in names:
        tokens.update(part.casefold() for part in re.split(r"[\s\-]+", name) if part)
    return frozenset(tokens)


def _is_sentence_start(text: str, index: int) -> bool:
    before = text[:index].rstrip(" \t\"'\u201c\u2018(")
    return not before or before[-1] in _SENTENCE_END or "\n" in text[len(before) : index]


def _nhs_number_flags(text: str) -> list[FreeTextFlag]:
    flags = []
    for match in _NHS_NUMBER.finditer(text):
        digits = _NON_DIGITS.sub("", match.group())
        valid = check_digit(digits[:9]) == int(digits[9])
        strength = FlagStrength.STRONG if valid else FlagStrength.WEAK
        flags.append(
            FreeTextFlag(
                FreeTextKind.NHS_NUMBER, match.start(), match.end(), strength, "[NHS number]"
            )
        )
    return flags


def _phone_flags(text: str) -> list[FreeTextFlag]:
    flags = []
    for match in _PHONE.finditer(text):
        digits = _NON_DIGITS.sub("", match.group())
        # National significant number: drop the trunk 0, or 44 and an optional "(0)".
        national = digits[2:].removeprefix("0") if digits.startswith("44") else digits[1:]
        if len(national) in (9, 10) and national[0] in "1235789":
            flags.append(
                FreeTextFlag(
                    FreeTextKind.PHONE_NUMBER,
                    match.start(),
                    match.end(),
                    FlagStrength.STRONG,
                    "[phone number]",
                )
            )
    return flags


def _email_flags(text: str) -> list[FreeTextFlag]:
    return [
        FreeTextFlag(FreeTextKind.EMAIL, m.start(), m.end(), FlagStrength.STRONG, "[email]")
        for m in _EMAIL.finditer(text)
    ]


def _titled_name_flags(text: str, subject: frozenset[str]) -> list[FreeTextFlag]:
    flags = []
    for match in _TITLED.finditer(text):
        words = list(re.finditer(_WORD, match.group("names")))
        # Drop a trailing non-name ("Dr Jones Monday" -> "Dr Jones").
        while words and words[-1].group().casefold() in _NOT_NAMES:
            words.pop()
        if not words or all(w.group().casefold() in subject for w in words):
            continue
        end = match.start("names") + words[-1].end()
        preview = f"{match.group('title')} [name]"
        flags.append(
            FreeTextFlag(FreeTextKind.PERSON_NAME, match.start(), end, FlagStrength.STRONG, preview)
        )
    return flags


def _capitalised_run_flags(text: str, subject: frozenset[str]) -> list[FreeTextFlag]:
    """Runs of capitalised words separated by single spaces, split at non-name words."""
    flags: list[FreeTextFlag] = []
    run: list[re.Match[str]] = []

    def close_run() -> None:
        if run and _is_sentence_start(text, run[0].start()):
            # A sentence's first word is capitalised anyway: it is not evidence of a name.
            run.pop(0)
        if len(run) >= 2 and not all(w.group().casefold() in subject for w in run):
            flags.append(
                FreeTextFlag(
                    FreeTextKind.PERSON_NAME,
                    run[0].start(),
                    run[-1].end(),
                    FlagStrength.WEAK,
                    "[name]",
                )
            )
        run.clear()

    for word in _CAPITALISED.finditer(text):
        if word.group().casefold() in _NOT_NAMES:
            close_run()
            continue
        if run and text[run[-1].end() : word.start()] not in (" ", "\t"):
            close_run()
        run.append(word)
    close_run()
    return flags


# When flags overlap, the more specific reading wins.
_PRIORITY = {
    (FreeTextKind.EMAIL, FlagStrength.STRONG): 0,
    (FreeTextKind.NHS_NUMBER, FlagStrength.STRONG): 1,
    (FreeTextKind.PHONE_NUMBER, FlagStrength.STRONG): 2,
    (FreeTextKind.NHS_NUMBER, FlagStrength.WEAK): 3,
    (FreeTextKind.PERSON_NAME, FlagStrength.STRONG): 4,
    (FreeTextKind.PERSON_NAME, FlagStrength.WEAK): 5,
}


def flag_free_text(text: str, *, subject_names: Sequence[str] = ()) -> list[FreeTextFlag]:
    """Flags for what looks like an NHS number, phone, email or another person's name.

    ``subject_names`` are the record's own person's names (given, family, preferred); they
    are not flagged. Overlapping candidates are resolved by specificity (email, valid NHS
    number, phone, other 10-digit number, titled name, capitalised words). Result is
    ordered by position.
    """
    subject = _normalise_subject(subject_names)
    candidates = [
        *_email_flags(text),
        *_nhs_number_flags(text),
        *_phone_flags(text),
        *_titled_name_flags(text, subject),
        *_capitalised_run_flags(text, subject),
    ]
    candidates.sort(key=lambda f: (_PRIORITY[(f.kind, f.strength)], f.start, -f.end))
    kept: list[FreeTextFlag] = []
    for flag in candidates:
        if all(flag.end <= other.start or flag.start >= other.end for other in kept):
            kept.append(flag)
    kept.sort(key=lambda f: f.start)
    return kept


def redact_free_text(text: str, flags: Sequence[FreeTextFlag]) -> str:
    """``text`` with every flagged span replaced by its ``redacted_preview``."""
    parts: list[str] = []
    position = 0
    for flag in sorted(flags, key=lambda f: f.start):
        if flag.start < position:
            continue
        parts.append(text[position : flag.start])
        parts.append(flag.redacted_preview)
        position = flag.end
    parts.append(text[position:])
    return "".join(parts)
