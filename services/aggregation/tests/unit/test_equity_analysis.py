"""Equity analyses on hand-built datasets whose answers are computed here independently
(statsmodels, numpy, by hand), never from the functions' own output."""

import math

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from services.aggregation.equity.analysis.completeness import completeness, mark_least_complete
from services.aggregation.equity.analysis.engagement import engagement
from services.aggregation.equity.analysis.evaluation import evaluation
from services.aggregation.equity.analysis.figures import GroupTotals
from services.aggregation.equity.analysis.representation import proportion_of, representation


def test_engagement_rates_and_intervals_by_group() -> None:
    groups = [
        GroupTotals("white", referrals=200, asked=200, opted_in=150, offered=800, dna=80),
        GroupTotals(
            "asian_or_asian_british", referrals=60, asked=60, opted_in=30, offered=240, dna=48
        ),
    ]
    result = engagement("ethnic_group", groups)
    white = result.rows[0]
    assert white.referrals.value == 200
    lower, upper = proportion_confint(150, 200, alpha=0.05, method="wilson")
    assert white.figures["opt_in"].value == pytest.approx(0.75)
    assert (white.figures["opt_in"].lower, white.figures["opt_in"].upper) == (
        pytest.approx(lower),
        pytest.approx(upper),
    )
    asian = result.rows[1]
    lower, upper = proportion_confint(48, 240, alpha=0.05, method="wilson")
    assert asian.figures["dna"].value == pytest.approx(0.2)
    assert asian.figures["dna"].lower == pytest.approx(lower)
    assert result.total.referrals.value == 260
    assert result.total.figures["dna"].value == pytest.approx(128 / 1040)


def test_a_small_group_hides_its_figures_and_a_neighbour() -> None:
    groups = [
        GroupTotals("white", referrals=200, asked=200, opted_in=150),
        GroupTotals("mixed", referrals=5, asked=5, opted_in=2),
        GroupTotals("black_or_black_british", referrals=40, asked=40, opted_in=20),
    ]
    result = engagement("ethnic_group", groups)
    mixed = next(r for r in result.rows if r.category == "mixed")
    assert mixed.referrals.value is None
    assert mixed.referrals.reason == "fewer than 8 people"
    assert mixed.figures["opt_in"].value is None
    assert mixed.figures["opt_in"].withheld
    # The total is shown, so a second group is hidden: 245 - 200 would give 45 - 40.
    hidden = [r.category for r in result.rows if r.referrals.value is None]
    assert len(hidden) == 2


def test_means_from_group_summaries() -> None:
    values = [3.0, 5.0, 7.0, 9.0, 4.0, 6.0, 8.0, 10.0, 2.0, 6.0]
    mean, sd = float(np.mean(values)), float(np.std(values, ddof=1))
    result = engagement(
        "sex",
        [GroupTotals("female", referrals=10, change_n=10, change_mean=mean, change_sd=sd)],
    )
    figure = result.rows[0].figures["outcome_change"]
    half = sps.t.ppf(0.975, 9) * sd / math.sqrt(10)
    assert figure.value == pytest.approx(mean)
    assert (figure.lower, figure.upper) == (pytest.approx(mean - half), pytest.approx(mean + half))


def test_sii_across_imd_quintiles_matches_weighted_least_squares() -> None:
    people = [100, 120, 110, 90, 80]
    dna_rate = [0.30, 0.25, 0.20, 0.15, 0.10]
    groups = [
        GroupTotals(str(q + 1), referrals=n, asked=n, opted_in=round(n * (1 - r)), offered=n * 4,
                    dna=round(n * 4 * r))
        for q, (n, r) in enumerate(zip(people, dna_rate, strict=True))
    ]  # fmt: skip
    result = engagement("imd_quintile", groups)
    sii_figure, rii_figure = result.sii["dna"]
    # Independently: WLS of the rate on the mid-point of each quintile's cumulative rank.
    offered = np.array([n * 4 for n in people], dtype=float)
    rates = np.array([round(n * 4 * r) for n, r in zip(people, dna_rate, strict=True)]) / offered
    share = offered / offered.sum()
    mid = np.cumsum(share) - share / 2
    x = np.column_stack([np.ones(5), mid])
    w = np.diag(offered)
    beta = np.linalg.solve(x.T @ w @ x, x.T @ w @ rates)
    assert sii_figure.value == pytest.approx(beta[1], rel=1e-9)
    assert rii_figure.value == pytest.approx((beta[0] + beta[1]) / beta[0], rel=1e-9)
    assert sii_figure.lower is not None
    assert sii_figure.lower < beta[1] < (sii_figure.upper or 0)


def test_completeness_counts_not_stated_apart_from_not_known() -> None:
    counts = {
        ("1", "recorded"): 90, ("1", "not_stated"): 20, ("1", "not_known"): 40,
        ("5", "recorded"): 140, ("5", "not_stated"): 10, ("5", "not_known"): 0,
    }  # fmt: skip
    rows = mark_least_complete(completeness("imd_quintile", "ethnic_category", counts))
    by_group = {r.group: r for r in rows}
    assert by_group["1"].not_stated.value == 20
    assert by_group["1"].not_known.value == 40
    assert by_group["all"].records.value == 300
    assert by_group["1"].not_recorded_percent.value == pytest.approx(40.0)
    lower, _ = proportion_confint(60, 150, alpha=0.05, method="wilson")
    assert by_group["1"].not_recorded_percent.lower == pytest.approx(lower * 100)
    assert [r.group for r in rows if r.least_complete] == ["1"]


def test_representation_against_a_reference_population() -> None:
    observed = {"white": 800, "asian_or_asian_british": 100, "mixed": 0, "not_known": 50}
    reference = {
        "white": 70_000, "asian_or_asian_british": 20_000, "mixed": 5_000,
        "black_or_black_british": 5_000,
    }  # fmt: skip
    rows = {r.category: r for r in representation("ethnic_group", observed, reference)}
    # Recorded people: 900; expected Asian = 900 x 0.2 = 180; ratio 100/180, Byar's limits.
    asian = rows["asian_or_asian_british"]
    assert asian.expected == pytest.approx(180)
    assert asian.ratio.value == pytest.approx(100 / 180)
    z = sps.norm.ppf(0.975)
    byars_lower = 100 * (1 - 1 / (9 * 100) - z / (3 * math.sqrt(100))) ** 3
    assert asian.ratio.lower == pytest.approx(byars_lower / 180)
    assert rows["mixed"].absent
    assert rows["black_or_black_british"].absent
    assert not rows["white"].absent
    assert "not_known" not in rows


def test_expected_counts_never_give_away_a_hidden_group() -> None:
    # 100 + 100 + 3 = 203 recorded: from the exact total, expected = 203 x share would show
    # the 3 hidden "other" as 203 minus the groups shown. Expected uses the published total.
    observed = {"female": 100, "male": 100, "other": 3}
    reference = {"female": 60, "male": 40}
    rows = {r.category: r for r in representation("sex", observed, reference)}
    assert rows["other"].observed.value is None
    published_total = 205  # 203 rounded to the nearest 5
    assert rows["female"].expected == pytest.approx(published_total * 0.6)
    assert rows["male"].expected == pytest.approx(published_total * 0.4)


def test_evaluation_before_and_after_with_the_gap() -> None:
    before = [
        GroupTotals("1", referrals=200, offered=400, dna=120),
        GroupTotals("5", referrals=200, offered=400, dna=40),
    ]
    after = [
        GroupTotals("1", referrals=220, offered=440, dna=66),
        GroupTotals("5", referrals=210, offered=420, dna=42),
    ]
    result = evaluation("imd_quintile", "dna", before, after, focus="1")
    q1 = result.rows[0]
    low, upp = confint_proportions_2indep(66, 440, 120, 400, method="newcomb", compare="diff")
    assert q1.change.value == pytest.approx(66 / 440 - 120 / 400)
    assert (q1.change.lower, q1.change.upper) == (pytest.approx(low), pytest.approx(upp))
    gap = result.gap
    assert gap is not None
    before_gap, after_gap = 0.30 - 0.10, 66 / 440 - 42 / 420
    assert gap.before.value == pytest.approx(before_gap)
    assert gap.after.value == pytest.approx(after_gap)
    se = math.sqrt(sum(p * (1 - p) / n for p, n in
                       [(0.3, 400), (0.1, 400), (0.15, 440), (0.1, 420)]))  # fmt: skip
    dd = after_gap - before_gap
    assert gap.change.value == pytest.approx(dd)
    assert gap.change.p_value == pytest.approx(2 * sps.norm.sf(abs(dd) / se))
    assert gap.narrowed is True


def test_evaluation_withholds_a_small_focus_group() -> None:
    before = [
        GroupTotals("1", referrals=5, offered=10, dna=3),
        GroupTotals("5", referrals=100, offered=200, dna=20),
    ]
    after = [
        GroupTotals("1", referrals=6, offered=12, dna=2),
        GroupTotals("5", referrals=100, offered=200, dna=18),
    ]
    result = evaluation("imd_quintile", "dna", before, after, focus="1")
    assert result.rows[0].change.value is None
    assert result.gap is not None
    assert result.gap.narrowed is None
    assert result.gap.change.withheld


def test_a_share_of_nobody_is_withheld_not_an_error() -> None:
    from services.aggregation.disclosure import Table, protect

    empty = protect(Table.from_counts(["group"], {("a",): 0}))
    assert proportion_of(empty, "a").value is None
