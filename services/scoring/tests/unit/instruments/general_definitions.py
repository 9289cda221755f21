"""Tiny definitions shaped like the other instruments Equitas must express later
(instruments.md sections 3 and 4), to prove the format is general. Statements are test text."""

from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.instruments.registry import load_definition_text

BOARD_SELF_ASSESSMENT = """
instrument: board-self-assessment
variant: standard
version: 0.1.0-test
title: Board self-assessment (test shape)
subject_type: organisation
source:
  citation: Shaped after the NHS Providers board self-assessment (four domains, maturity levels).
  publisher: NHS Providers
licence_note: Test fixture; the statements are written for the tests.
status: provisional
provisional_notes:
  - part: everything
    reason: test fixture
terms:
  section: domain
  item: statement
episode_types:
  - code: annual
    label: Annual self-assessment
response_scales:
  - id: in_place
    label: How far this is in place
    options:
      - {code: not_in_place, label: Not in place, value: 0}
      - {code: planned, label: Planned, value: 1}
      - {code: partly, label: Partly in place, value: 2}
      - {code: in_place, label: In place, value: 3}
      - {code: embedded, label: Embedded and evidenced, value: 4}
sections:
  - id: leadership
    title: Strategic leadership and accountability
    items:
      - {id: lead_named, text: A named executive leads on this., scale: in_place}
      - {id: board_training, text: The board is trained every year., scale: in_place}
      - {id: reports_by_group, text: Reports split data by ethnicity., scale: in_place}
    suggested_actions:
      - band_set: maturity_level
        levels: [not_started, emerging]
        ref: "3.4"
        priority: true
        text: Name an executive lead for health inequalities.
      - band_set: maturity_level
        levels: [not_started, emerging, developing]
        ref: "3.9"
        text: Ask for board reports broken down by ethnicity and deprivation.
  - id: partnerships
    title: System partnerships
    items:
      - {id: ics_represented, text: The trust joins system work., scale: in_place}
      - {id: vcse_engaged, text: Community groups set priorities., scale: in_place}
scoring:
  direction: higher_is_better
  section_scores:
    - {id: percent, label: Score (% of maximum), rule: percent_of_max, decimals: 1}
  overall_scores:
    - {id: percent, label: Score (% of maximum), rule: percent_of_max, decimals: 1}
    - id: lowest_domain
      label: Lowest domain score
      rule: min
      over: section_scores
      score: percent
bands:
  - id: maturity_level
    label: Maturity level
    applies_to: section
    score: percent
    levels: &maturity
      - {code: not_started, label: Not started}
      - {code: emerging, label: Emerging, above: 0}
      - {code: developing, label: Developing, above: 25}
      - {code: maturing, label: Maturing, above: 50}
      - {code: thriving, label: Thriving, above: 75}
  - id: overall_maturity
    label: Overall maturity level
    applies_to: overall
    score: percent
    levels: *maturity
"""

BOARD_ASSURANCE = """
instrument: board-assurance
variant: standard
version: 0.1.0-test
title: Board assurance matrix (test shape)
subject_type: organisation
source:
  citation: Shaped after the NHS Confederation board assurance tool (KLOEs x priorities).
  publisher: NHS Confederation
licence_note: Test fixture.
status: provisional
provisional_notes:
  - part: everything
    reason: test fixture
response_scales:
  - id: rag
    label: Assurance
    options:
      - {code: not_assured, label: Not assured, value: 0, colour: red}
      - {code: partly_assured, label: Partly assured, value: 1, colour: amber}
      - {code: assured, label: Assured, value: 2, colour: green}
      - code: not_assessed
        label: Not assessed
        value: null
        counts_as_missing: true
        colour: grey
groupings:
  - id: priority
    label: National priority
    groups:
      - {code: p1, label: Restore services inclusively}
      - {code: p2, label: Digitally enabled pathways}
sections:
  - id: k1
    title: Leadership capability
    items:
      - {id: k1_p1, text: K1 x P1, scale: rag, groups: {priority: p1}}
      - {id: k1_p2, text: K1 x P2, scale: rag, groups: {priority: p2}}
  - id: k2
    title: Vision and strategy
    items:
      - {id: k2_p1, text: K2 x P1, scale: rag, groups: {priority: p1}}
      - {id: k2_p2, text: K2 x P2, scale: rag, groups: {priority: p2}}
scoring:
  direction: higher_is_better
  section_scores:
    - id: red
      label: Cells not assured
      rule: count_of
      codes: [not_assured]
      direction: lower_is_better
    - {id: amber, label: Cells partly assured, rule: count_of, codes: [partly_assured]}
    - {id: green, label: Cells assured, rule: count_of, codes: [assured]}
    - {id: worst, label: Lowest rating, rule: min}
  grouping_scores:
    - {grouping: priority, id: red, label: Cells not assured, rule: count_of, codes: [not_assured]}
    - {grouping: priority, id: worst, label: Lowest rating, rule: min}
  overall_scores:
    - {id: red, label: Cells not assured, rule: count_of, codes: [not_assured]}
bands:
  - id: row_rag
    label: Row rating
    applies_to: section
    score: worst
    levels: &rag
      - {code: red, label: Not assured, colour: red}
      - {code: amber, label: Partly assured, colour: amber, at_least: 1}
      - {code: green, label: Assured, colour: green, at_least: 2}
  - id: column_rag
    label: Column rating
    applies_to: grouping
    grouping: priority
    score: worst
    levels: *rag
"""


def board_self_assessment() -> InstrumentDefinition:
    return load_definition_text(BOARD_SELF_ASSESSMENT, source_name="board-self-assessment")


def board_assurance() -> InstrumentDefinition:
    return load_definition_text(BOARD_ASSURANCE, source_name="board-assurance")
