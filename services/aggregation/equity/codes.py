"""The codes an activity record's characteristics and events are given in (pure data).

Every value aggregation keeps from an activity file is a code from one of these fixed lists,
a number or a date (decision 0032); ``values`` holds the rules that read them.
"""

from typing import Final

from services.aggregation.dimensions import ETHNIC_GROUPS, NOT_KNOWN
from services.common import imd_file

NOT_STATED = "not_stated"

AGE_BANDS: tuple[tuple[int, str], ...] = (
    (0, "0-17"),
    (18, "18-24"),
    (25, "25-34"),
    (35, "35-44"),
    (45, "45-54"),
    (55, "55-64"),
    (65, "65-74"),
    (75, "75-84"),
    (85, "85+"),
)
AGE_BAND_LABELS: Final = tuple(b for _, b in AGE_BANDS)

# NHS ethnic category (Data Dictionary, 2001 census classification): national code first.
ETHNIC_CATEGORY_GROUP: Final = {
    **dict.fromkeys("ABC", "white"),
    **dict.fromkeys("DEFG", "mixed"),
    **dict.fromkeys("HJKL", "asian_or_asian_british"),
    **dict.fromkeys("MNP", "black_or_black_british"),
    **dict.fromkeys("RS", "other"),
    "Z": NOT_STATED,
}
ETHNIC_CATEGORIES: Final = (*sorted(ETHNIC_CATEGORY_GROUP), "99")
assert set(ETHNIC_CATEGORY_GROUP.values()) | {NOT_KNOWN} == set(ETHNIC_GROUPS)

# Person stated gender code (1, 2, 9, X) or the words.
SEXES: Final = ("male", "female", "other", NOT_STATED, NOT_KNOWN)
SEX_CODES: Final = {"1": "male", "2": "female", "9": "other", "x": NOT_KNOWN, "0": NOT_KNOWN}

YES_NO: Final = ("yes", "no", NOT_STATED, NOT_KNOWN)
RELIGIONS: Final = (
    "no_religion", "christian", "buddhist", "hindu", "jewish", "muslim", "sikh", "other",
    NOT_STATED, NOT_KNOWN,
)  # fmt: skip
SEXUAL_ORIENTATIONS: Final = (
    "heterosexual", "gay_or_lesbian", "bisexual", "other", NOT_STATED, NOT_KNOWN,
)  # fmt: skip
PREGNANCY: Final = ("pregnant", "postnatal", "no", NOT_STATED, NOT_KNOWN)
DISCHARGE_REASONS: Final = ("completed", "dropped_out", "transferred", "other")
INCLUSION_GROUPS: Final = (
    "homelessness", "drug_alcohol_dependence", "vulnerable_migrant", "gypsy_roma_traveller",
    "sex_worker", "justice_system", "modern_slavery", "other_excluded",
)  # fmt: skip
# Core20PLUS5's five clinical areas (adults, then children and young people).
CLINICAL_AREAS: Final = (
    "maternity", "severe_mental_illness", "chronic_respiratory", "early_cancer",
    "hypertension", "asthma", "diabetes", "epilepsy", "oral_health", "mental_health",
)  # fmt: skip
# Vintages (editions) of the English Indices of Deprivation, oldest first, with the census
# year of the LSOA boundaries each ranks: a 2021 LSOA read against IoD2019 (or the reverse)
# would give a wrong decile, so every derived decile records its vintage.
IMD_VINTAGES: Final[dict[str, int]] = {
    name: vintage.lsoa_year for name, vintage in imd_file.IMD_VINTAGES.items()
}
