"""Build the SYNTHETIC sample reference files shipped in ``files/`` (deterministic).

The files imitate the official formats (IoD2019 File 7; ONS postcode directory) with
made-up areas that cannot collide with real ones: LSOA codes ``E01990001``-``E01990300``
(real 2011/2021 English LSOA codes stop below ``E01040000``), local authority codes
``E0x999xxx``, and postcodes in the ``ZZ1``-``ZZ11`` districts (no ZZ postcode area
exists; the NHS's own ``ZZ99`` pseudo-postcodes are avoided). See ``files/README.md``.

Regenerate with ``python -m services.scoring.reference_data.synthetic_samples``; a unit
test checks the shipped files equal what this module builds.
"""

import csv
import io
import random
from pathlib import Path

from services.scoring.reference_data.imd import IOD2019

SEED = 20_190_926  # IoD2019 publication date: any fixed value would do
LSOA_COUNT = 300
POSTCODES_PER_LSOA = 10
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # inward-code letters Royal Mail uses (no C I K M O V)

IMD_FILE_NAME = "imd2019_file7_sample_synthetic.csv"
POSTCODE_FILE_NAME = "nspl_sample_synthetic.csv"

# (code, name): names with commas mirror real ones such as "Bristol, City of".
LADS = (
    ("E06999001", "Demo Town"),
    ("E06999002", "Demo City, City of"),
    ("E07999003", "Demo Vale"),
    ("E07999004", "Demo Shire"),
    ("E08999005", "Demo Metropolitan"),
    ("E09999006", "Demo Borough"),
)
WELSH_LAD = ("W06999001", "Demo Border")
WELSH_LSOA = "W01990001"  # across the border: in the directory, never in English IMD

_DOMAINS = (
    ("Income Score (rate)", "Income"),
    ("Employment Score (rate)", "Employment"),
    ("Education, Skills and Training Score", "Education, Skills and Training"),
    ("Health Deprivation and Disability Score", "Health Deprivation and Disability"),
    ("Crime Score", "Crime"),
    ("Barriers to Housing and Services Score", "Barriers to Housing and Services"),
    ("Living Environment Score", "Living Environment"),
    (
        "Income Deprivation Affecting Children Index (IDACI) Score (rate)",
        "Income Deprivation Affecting Children Index (IDACI)",
    ),
    (
        "Income Deprivation Affecting Older People (IDAOPI) Score (rate)",
        "Income Deprivation Affecting Older People (IDAOPI)",
    ),
    ("Children and Young People Sub-domain Score", "Children and Young People Sub-domain"),
    ("Adult Skills Sub-domain Score", "Adult Skills Sub-domain"),
    ("Geographical Barriers Sub-domain Score", "Geographical Barriers Sub-domain"),
    ("Wider Barriers Sub-domain Score", "Wider Barriers Sub-domain"),
    ("Indoors Sub-domain Score", "Indoors Sub-domain"),
    ("Outdoors Sub-domain Score", "Outdoors Sub-domain"),
)
_POPULATIONS = (
    "Total population: mid 2015 (excluding prisoners)",
    "Dependent Children aged 0-15: mid 2015 (excluding prisoners)",
    "Population aged 16-59: mid 2015 (excluding prisoners)",
    "Older population aged 60 and over: mid 2015 (excluding prisoners)",
    "Working age population 18-59/64: for use with Employment Deprivation Domain "
    "(excluding prisoners)",
)


def imd_header() -> list[str]:
    """The IoD2019 File 7 header: area columns, IMD, each domain's score/rank/decile."""
    header = [
        "LSOA code (2011)",
        "LSOA name (2011)",
        "Local Authority District code (2019)",
        "Local Authority District name (2019)",
        "Index of Multiple Deprivation (IMD) Score",
        "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
        "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",
    ]
    for score, stem in _DOMAINS:
        header += [
            score,
            f"{stem} Rank (where 1 is most deprived)",
            f"{stem} Decile (where 1 is most deprived 10% of LSOAs)",
        ]
    return header + list(_POPULATIONS)


def sample_lsoa_code(index: int) -> str:
    return f"E0199{index + 1:04d}"


def _decile(rank: int, count: int) -> int:
    # Ten near-equal groups of national ranks, decile 1 holding ranks 1..count/10.
    return (rank - 1) * 10 // count + 1


def imd_rows() -> list[list[str]]:
    """300 LSOAs, 30 in each IMD decile, ranks drawn from that decile's national range."""
    rng = random.Random(SEED)
    n = IOD2019.lsoa_count
    deciles = [d for d in range(1, 11) for _ in range(LSOA_COUNT // 10)]
    rng.shuffle(deciles)
    ranks_by_decile = {
        d: rng.sample(range(-(-(d - 1) * n // 10) + 1, -(-d * n // 10) + 1), LSOA_COUNT // 10)
        for d in range(1, 11)
    }
    rows = []
    for index, decile in enumerate(deciles):
        rank = ranks_by_decile[decile].pop()
        lad_code, lad_name = LADS[index * len(LADS) // LSOA_COUNT]
        within = index % (LSOA_COUNT // len(LADS))
        name = f"{lad_name} {within // 5 + 1:03d}{'ABCDE'[within % 5]}"
        score = 2 + 80 * (1 - rank / n) ** 3  # IMD scores run ~0.5-93, falling with rank
        row = [sample_lsoa_code(index), name, lad_code, lad_name, f"{score:.3f}", str(rank)]
        row.append(str(_decile(rank, n)))
        for _ in _DOMAINS:
            domain_rank = min(n, max(1, round(rng.gauss(rank, n * 0.08))))
            domain_score = max(0.0, 0.5 * (1 - domain_rank / n) ** 2 + rng.gauss(0, 0.01))
            row += [f"{domain_score:.3f}", str(domain_rank), str(_decile(domain_rank, n))]
        total = rng.randint(1000, 2600)
        children = round(total * rng.uniform(0.12, 0.25))
        older = round(total * rng.uniform(0.12, 0.35))
        row += [str(total), str(children), str(total - children - older), str(older)]
        row.append(str(round((total - children - older) * 0.97)))
        rows.append(row)
    return rows


POSTCODE_HEADER = ["pcd", "pcd2", "pcds", "dointr", "doterm", "oslaua", "usertype", "ctry"]
POSTCODE_HEADER += ["lsoa11", "lsoa21"]


def _postcode_forms(outward: str, inward: str) -> list[str]:
    # pcd: 7 characters (outward padded to 4); pcd2: 8 characters (outward padded to 4,
    # then a space); pcds: one space. As the ONS directories' user guides define them.
    padded = outward.ljust(4)
    return [padded + inward, f"{padded} {inward}", f"{outward} {inward}"]


def postcode_rows() -> list[list[str]]:
    """3,000 English postcodes (10 per sample LSOA) and 10 across the Welsh border."""
    rng = random.Random(SEED + 1)
    units = [a + b for a in UNIT_LETTERS for b in UNIT_LETTERS][:30]
    rows = []
    for sector_index in range(LSOA_COUNT * POSTCODES_PER_LSOA // len(units)):
        outward = f"ZZ{sector_index // 10 + 1}"
        for unit_index, unit in enumerate(units):
            lsoa_index = sector_index * 3 + unit_index // POSTCODES_PER_LSOA
            lsoa11 = sample_lsoa_code(lsoa_index)
            # Every 20th LSOA changed at the 2021 census (split or merged): new 2021 code.
            lsoa21 = f"E0199{5000 + lsoa_index:04d}" if lsoa_index % 20 == 19 else lsoa11
            lad_code = LADS[lsoa_index * len(LADS) // LSOA_COUNT][0]
            dointr, doterm = "198001", ""
            if rng.random() < 0.03:
                year = rng.randint(2005, 2023)
                doterm = f"{year}{rng.randint(1, 12):02d}"
            elif rng.random() < 0.1:
                dointr = f"{rng.randint(1990, 2020)}{rng.randint(1, 12):02d}"
            usertype = "1" if rng.random() < 0.05 else "0"
            row = _postcode_forms(outward, f"{sector_index % 10}{unit}")
            rows.append([*row, dointr, doterm, lad_code, usertype, "E92000001", lsoa11, lsoa21])
    for unit in units[:10]:
        row = _postcode_forms("ZZ11", f"0{unit}")
        rows.append([*row, "198001", "", WELSH_LAD[0], "0", "W92000004", WELSH_LSOA, WELSH_LSOA])
    return rows


def render_csv(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def sample_files() -> dict[str, str]:
    """File name -> content of every synthetic sample file."""
    return {
        IMD_FILE_NAME: render_csv(imd_header(), imd_rows()),
        POSTCODE_FILE_NAME: render_csv(POSTCODE_HEADER, postcode_rows()),
    }


def write_samples(directory: Path) -> None:
    for name, content in sample_files().items():
        (directory / name).write_text(content, encoding="utf-8")


if __name__ == "__main__":
    write_samples(Path(__file__).parent / "files")
