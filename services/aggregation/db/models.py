"""The aggregation service's analytic store. Only pseudonymised, non-free-text fields may
ever appear here: no name, NHS number, local id, date of birth, postcode or note
(``tests/api/test_store_columns.py`` lists every column of the database against an
allow-list).

Filled by the feed consumer (``services/aggregation/feed``) from scoring's change feed;
the dimensions are derived by ``services/aggregation/dimensions`` (decision 0020). The
layout for national scale (partitions, indexes, Citus distribution) is decision 0027 and
``docs/deployment.md``.

Tables, and how to query them:

- ``assessment_fact``: one row per submitted, not deleted assessment, at its latest
  revision. Partitioned by financial year of ``assessed_on``; every query that can should
  bound ``assessed_on`` (or ``quarter_start``/``month_start``/``financial_year``, which
  follow it) so the planner prunes partitions. Distribution column (Citus): ``person_key``.
- ``person_fact``: one row per person per instrument and variant that has at least one
  fact: their first and latest assessment, for paired change (first -> latest). Recomputed
  by the consumer from ``assessment_fact`` for each person an event touched.
  Distribution column: ``person_key`` (co-located with ``assessment_fact``).
- ``assessment_feed_state``: one row per assessment the feed has ever named (deleted ones
  too): its latest revision and where its fact is. The consumer's ledger; not for
  reporting. Distribution column: ``assessment_key``.
- ``feed_checkpoint``: how far the feed has been applied, written in the same transaction
  as the facts (exactly-once), and the lag as last measured. Small (a reference table).
- ``rollup_cell`` and ``rollup_placement``: summary rollups kept by the consumer in the same
  transaction as the facts (decision 0034, ``services/aggregation/feed/rollups.py``); remade
  from the facts by ``rebuild_rollups`` after a bulk load.

Code lists used in columns (all from the feed, never free text):

- ``sex``: ``male`` | ``female`` | ``other`` | ``unknown``.
- ``age_band``: ``0-17``, ``18-24``, ``25-34``, ... ``75-84``, ``85+`` (age at the
  assessment date); NULL when unknown.
- ``ethnic_category``: NHS Data Dictionary ETHNIC CATEGORY national code (``A``..``S``,
  ``Z`` not stated, ``99`` not known); NULL when none was recorded.
- ``ethnic_group``: ``white``, ``mixed``, ``asian_or_asian_british``,
  ``black_or_black_british``, ``other`` (the 5 groups), ``not_stated`` (asked, chose not to
  say: code Z), ``not_known`` (code 99, or nothing recorded). Never NULL.
- ``imd_decile`` 1 (most deprived) .. 10; ``imd_quintile`` 1..5 (deciles 1-2 -> 1, ...);
  ``core20`` true for deciles 1-2 (the most deprived 20%); all three NULL when unknown.
- ``episode_type``: ``referral`` | ``review`` | ``discharge`` | ``ad-hoc`` for HEF.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    Numeric,
    PrimaryKeyConstraint,
    SmallInteger,
    Text,
)
from sqlalchemy.dialects.postgresql import JSON, JSONB
from sqlmodel import Field, SQLModel

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class AggregationBase(SQLModel):
    metadata = metadata


def _text(nullable: bool = False) -> Any:
    return Field(sa_column=Column(Text, nullable=nullable))


class AssessmentFact(AggregationBase, table=True):
    """One submitted, not deleted assessment at its latest revision.

    Keys
      ``person_key``      pseudonymous person key (``pk_`` + HMAC-SHA256 hex, from the feed);
                          ``ak_``-prefixed assessment key when the feed had none (a person
                          record gone: counted as a person of their own).
      ``assessment_key``  pseudonymous assessment key (``ak_`` + hex): stable across
                          revisions, so an amendment replaces its earlier revision.
      ``revision``        the scoring revision this row holds (1 = first submission).

    What and when
      ``instrument``, ``variant``, ``instrument_version``  e.g. ``hef``, ``standard``,
                          ``1.0.0-provisional``.
      ``episode_type``    see the module docstring.
      ``assessed_on``     the date of the assessment (partition key).
      ``submitted_at``    when it was (last) submitted, UTC; NULL if the feed had none.
      ``month_start``     first day of ``assessed_on``'s month.
      ``quarter_start``   first day of its quarter (Jan/Apr/Jul/Oct: the same quarters as
                          the NHS financial year's Q4/Q1/Q2/Q3).
      ``financial_year``  the year the NHS financial year starts (1 April): 2026 = 2026/27.

    Who (as of the assessment)
      ``organisation_code``  ODS code of the trust; ``commissioner_code`` its ICB (NULL if
                          not known); ``team_code`` Equitas team code.
      ``age_band``, ``sex``, ``ethnic_category``, ``ethnic_group``, ``imd_decile``,
      ``imd_quintile``, ``core20``: see the module docstring; ``imd_vintage`` the IMD
                          edition (e.g. ``2019``).

    Scores (as scoring computed them for that revision)
      ``overall_score``   the overall ``total`` score (HEF: the sum over the five
                          determinants; lower is better); NULL when nothing was rated.
      ``scores``          ``{"overall": {score id: value}, "<section id>": {score id: value}}``;
                          HEF sections (determinants): ``social``, ``biological``,
                          ``communication``, ``behaviour``, ``provision``, each with
                          ``total``, ``highest``, ``moderate_or_high``; overall ``total``
                          and ``moderate_or_high``. A value is NULL when nothing was rated.
      ``bands``           ``{"<section id>" or "overall": {band set id: level code}}``; HEF:
                          ``{"social": {"impact": "moderate"}, ...}`` (impact level of the
                          highest rating: ``none``, ``low``, ``moderate``, ``high``).
      ``item_values``     ``{"<item id>": value}``: the answer's scale value (HEF 0-3), NULL
                          for an answer that counts as missing ("not assessed"); items not
                          answered are absent. Codes and values only, never text. ``json``
                          as the consumer wrote it, not ``jsonb``: no query reads inside it
                          and the consumer writes one a fact (decision 0048); ``->>``
                          reads it as it reads ``jsonb``.
      ``complete``        every required item answered.
    """

    __tablename__ = "assessment_fact"
    __table_args__ = (
        # The partition key and the distribution column must be in every unique constraint.
        PrimaryKeyConstraint("person_key", "assessment_key", "assessed_on"),
        # The main summary (organisation x period x IMD), index-only.
        Index(
            "ix_assessment_fact_summary",
            "instrument",
            "organisation_code",
            "quarter_start",
            "imd_quintile",
            postgresql_include=["person_key", "overall_score"],
        ),
        # The same across an ICB's organisations.
        Index(
            "ix_assessment_fact_commissioner",
            "instrument",
            "commissioner_code",
            "quarter_start",
            postgresql_include=["organisation_code", "person_key", "overall_score"],
        ),
        Index("ix_assessment_fact_team", "team_code", "assessed_on"),
        {"postgresql_partition_by": "RANGE (assessed_on)"},
    )

    person_key: str = _text()
    assessment_key: str = _text()
    revision: int = Field(sa_column=Column(Integer, nullable=False))
    instrument: str = _text()
    variant: str = _text()
    instrument_version: str = _text()
    episode_type: str = _text()
    assessed_on: date = Field(sa_column=Column(Date, nullable=False))
    submitted_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    month_start: date = Field(sa_column=Column(Date, nullable=False))
    quarter_start: date = Field(sa_column=Column(Date, nullable=False))
    financial_year: int = Field(sa_column=Column(SmallInteger, nullable=False))
    organisation_code: str = _text()
    commissioner_code: str | None = _text(nullable=True)
    team_code: str = _text()
    age_band: str | None = _text(nullable=True)
    sex: str = _text()
    ethnic_category: str | None = _text(nullable=True)
    ethnic_group: str = _text()
    imd_decile: int | None = Field(default=None, sa_column=Column(SmallInteger, nullable=True))
    imd_quintile: int | None = Field(default=None, sa_column=Column(SmallInteger, nullable=True))
    core20: bool | None = Field(default=None, sa_column=Column(Boolean, nullable=True))
    imd_vintage: str | None = _text(nullable=True)
    overall_score: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    scores: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    bands: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    item_values: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    complete: bool = Field(sa_column=Column(Boolean, nullable=False))


class PersonFact(AggregationBase, table=True):
    """A person's first and latest assessment with one instrument and variant (paired
    change: first -> latest), from their current facts.

    First and latest are ordered by ``assessed_on``, then ``submitted_at``, then
    ``assessment_key`` (a stable tie-break). With one assessment, first = latest.

      ``person_key``, ``instrument``, ``variant``  the key.
      ``assessments``     how many current facts the person has with it.
      ``first_assessment_key``, ``first_assessed_on``, ``first_submitted_at``,
      ``first_episode_type``, ``first_overall_score``: the first's (as in
                          ``assessment_fact``).
      ``latest_assessment_key``, ``latest_assessed_on``, ``latest_submitted_at``,
      ``latest_episode_type``, ``latest_overall_score``: the latest's.
      ``organisation_code``, ``commissioner_code``, ``team_code``, ``age_band``, ``sex``,
      ``ethnic_category``, ``ethnic_group``, ``imd_decile``, ``imd_quintile``, ``core20``:
                          as of the latest assessment (breakdowns of paired change use them).

    Join to ``assessment_fact`` on (``person_key``, ``first_assessment_key``,
    ``first_assessed_on``) for anything else about the first, their other scores and bands
    included (co-located on Citus); likewise for the latest. The row is kept narrow: the
    consumer rewrites it for most events (decision 0048).
    """

    __tablename__ = "person_fact"
    __table_args__ = (
        PrimaryKeyConstraint("person_key", "instrument", "variant"),
        Index(
            "ix_person_fact_organisation",
            "instrument",
            "organisation_code",
            "latest_assessed_on",
        ),
    )

    person_key: str = _text()
    instrument: str = _text()
    variant: str = _text()
    assessments: int = Field(sa_column=Column(Integer, nullable=False))
    first_assessment_key: str = _text()
    first_assessed_on: date = Field(sa_column=Column(Date, nullable=False))
    first_submitted_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    first_episode_type: str = _text()
    first_overall_score: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    latest_assessment_key: str = _text()
    latest_assessed_on: date = Field(sa_column=Column(Date, nullable=False))
    latest_submitted_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    latest_episode_type: str = _text()
    latest_overall_score: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    organisation_code: str = _text()
    commissioner_code: str | None = _text(nullable=True)
    team_code: str = _text()
    age_band: str | None = _text(nullable=True)
    sex: str = _text()
    ethnic_category: str | None = _text(nullable=True)
    ethnic_group: str = _text()
    imd_decile: int | None = Field(default=None, sa_column=Column(SmallInteger, nullable=True))
    imd_quintile: int | None = Field(default=None, sa_column=Column(SmallInteger, nullable=True))
    core20: bool | None = Field(default=None, sa_column=Column(Boolean, nullable=True))


class AssessmentFeedState(AggregationBase, table=True):
    """The consumer's ledger: every assessment the feed has named, deleted ones too.

    ``assessment_key``  the assessment.
    ``revision``        the latest revision applied.
    ``deleted``         its latest event was a deletion (no fact).
    ``person_key``, ``assessed_on``: where its fact is (the fact's key), so an amendment
                        or deletion finds the row to replace in one partition and shard.
    ``changed_at``      when scoring recorded the latest event applied (UTC).
    """

    __tablename__ = "assessment_feed_state"

    assessment_key: str = Field(sa_column=Column(Text, primary_key=True))
    revision: int = Field(sa_column=Column(Integer, nullable=False))
    deleted: bool = Field(sa_column=Column(Boolean, nullable=False))
    person_key: str = _text()
    assessed_on: date = Field(sa_column=Column(Date, nullable=False))
    changed_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class FeedCheckpoint(AggregationBase, table=True):
    """How far the scoring change feed has been applied (one row per feed: ``scoring``).

    ``cursor``          the feed cursor of the last event applied (``<txid>.<seq>``).
    ``updated_at``      when the row was last written (UTC).
    ``events_applied``  events applied since the store was created.
    ``last_event_at``   when scoring recorded the last event applied (UTC).
    ``behind_events``   events the feed still held after the last page read (counted up
                        to the feed's cap), 0 when caught up.
    ``behind_since``    when scoring recorded the oldest event not yet applied; NULL when
                        caught up. Lag in seconds = now - ``behind_since``.
    ``checked_at``      when the feed was last read (the lag is as of then).
    """

    __tablename__ = "feed_checkpoint"

    feed: str = Field(primary_key=True, max_length=64)
    cursor: str = Field(max_length=256)
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    events_applied: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    last_event_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    behind_events: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    behind_since: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    checked_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class RollupCell(AggregationBase, table=True):
    """Summary figures of one cell, kept by the consumer from the facts (decision 0034).

    ``instrument``      e.g. ``hef`` (all variants together).
    ``grain``           ``team`` | ``trust`` | ``icb`` | ``all``: which recorded code the
                        unit is (``team_code``, ``organisation_code``, ``commissioner_code``
                        or '' when none; '' for ``all``).
    ``unit_code``       that code.
    ``period``          ``month`` | ``quarter`` | ``financial_year``; ``period_start`` its
                        first day.
    ``breakdown``       ``none`` (``category`` '') | ``imd_quintile`` (``category`` '1'..'5'
                        or ``unknown``).
    ``people``          distinct people with a fact in the cell; ``assessments`` their facts;
    ``scored``          facts with an overall score; ``score_sum``, ``score_squares``: exact
                        sum and sum of squares of those scores (numeric).
    """

    __tablename__ = "rollup_cell"
    __table_args__ = (
        PrimaryKeyConstraint(
            "instrument", "grain", "period", "breakdown", "unit_code", "period_start", "category"
        ),
    )

    instrument: str = _text()
    grain: str = _text()
    period: str = _text()
    breakdown: str = _text()
    unit_code: str = _text()
    period_start: date = Field(sa_column=Column(Date, nullable=False))
    category: str = _text()
    people: int = Field(sa_column=Column(Integer, nullable=False))
    assessments: int = Field(sa_column=Column(Integer, nullable=False))
    scored: int = Field(sa_column=Column(Integer, nullable=False))
    score_sum: float = Field(sa_column=Column(Numeric, nullable=False))
    score_squares: float = Field(sa_column=Column(Numeric, nullable=False))


class RollupPlacement(AggregationBase, table=True):
    """Each (instrument, team, trust, commissioner) combination the facts record: how many
    facts have it and the dates they may lie between (a range that only widens until a
    rebuild). Queries check against it that a rollup's units map onto theirs exactly.
    ``commissioner_code`` is '' where the facts record none."""

    __tablename__ = "rollup_placement"
    __table_args__ = (
        PrimaryKeyConstraint("instrument", "team_code", "organisation_code", "commissioner_code"),
    )

    instrument: str = _text()
    team_code: str = _text()
    organisation_code: str = _text()
    commissioner_code: str = _text()
    facts: int = Field(sa_column=Column(Integer, nullable=False))
    first_day: date = Field(sa_column=Column(Date, nullable=False))
    last_day: date = Field(sa_column=Column(Date, nullable=False))
