"""The shipped sample files are exactly what the seeded builder makes, and synthetic."""

import csv

from services.scoring.reference_data.lookup import FILES_DIR
from services.scoring.reference_data.synthetic_samples import imd_header, sample_files


def test_shipped_files_match_the_builder() -> None:
    for name, content in sample_files().items():
        assert (FILES_DIR / name).read_text(encoding="utf-8") == content, name


def test_imd_sample_has_the_file7_header_with_57_columns() -> None:
    header = imd_header()
    assert len(header) == 57
    assert header[0] == "LSOA code (2011)"
    assert "Education, Skills and Training Score" in header


def test_codes_are_outside_the_real_ranges() -> None:
    with (FILES_DIR / "imd2019_file7_sample_synthetic.csv").open(encoding="utf-8") as handle:
        codes = [row[0] for row in csv.reader(handle)][1:]
    assert codes == [f"E0199{n:04d}" for n in range(1, 301)]


def test_readme_says_it_is_synthetic() -> None:
    readme = (FILES_DIR / "README.md").read_text(encoding="utf-8")
    assert "made up" in readme
