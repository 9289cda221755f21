"""The board assurance scorecard: the grid of key lines of enquiry (rows, the definition's
sections) by national priorities (columns, its grouping), each cell's rating with its evidence
and action notes, and the roll-ups by row, by column and overall "so that outcomes can be seen
at a glance" (NHS Confederation board assurance tool; instruments.md section 4).

Pure. The roll-up rule is the definition's (provisional: the lowest assessed rating, with the
count of each rating), read from the engine's scores, never decided here.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.instruments.engine import score
from services.scoring.instruments.results import JsonMixin, ScoreGroup


@dataclass(frozen=True)
class Rating(JsonMixin):
    code: str
    label: str
    colour: str | None


@dataclass(frozen=True)
class Cell(JsonMixin):
    item_id: str
    row: str
    column: str
    prompt: str
    rating: Rating | None
    """None while unanswered."""
    evidence: str | None
    action: str | None


@dataclass(frozen=True)
class RollUp(JsonMixin):
    code: str
    """Row or column code, or "overall"."""
    label: str
    rating: Rating | None
    """The banded roll-up; None when no cell of it was assessed."""
    counts: Mapping[str, int]
    """Rating code -> how many cells have it (unanswered cells are not counted)."""


@dataclass(frozen=True)
class Scorecard(JsonMixin):
    instrument_version: str
    grouping: str
    rows: tuple[RollUp, ...]
    columns: tuple[RollUp, ...]
    overall: RollUp
    cells: tuple[Cell, ...]
    """Row by row, in definition order."""


def _rating_of(defn: InstrumentDefinition, item_id: str, code: str | None) -> Rating | None:
    if code is None:
        return None
    entry = defn.lookup().items[item_id]
    scale = defn.lookup().scales[entry.item.scale]
    option = next(o for o in scale.options if o.code == code)
    return Rating(option.code, option.label, option.colour)


def _roll_up(defn: InstrumentDefinition, code: str, label: str, group: ScoreGroup) -> RollUp:
    counts = {
        rule_id: int(value)
        for rule_id, value in group.scores.items()
        if rule_id in group.counted_items and value is not None
    }
    rating = None
    for band_id, band in group.bands.items():
        if band is not None:
            levels = defn.lookup().bands[band_id].levels
            colour = next((lv.colour for lv in levels if lv.code == band.code), None)
            rating = Rating(band.code, band.label, colour)
    return RollUp(code, label, rating, counts)


def scorecard(
    defn: InstrumentDefinition,
    responses: Mapping[str, str],
    item_notes: Mapping[str, Mapping[str, str | None]],
) -> Scorecard:
    if not defn.groupings:
        raise ValueError(f"{defn.label} has no grouping to use as the scorecard's columns")
    grouping = defn.groupings[0]
    scores = score(defn, responses)
    cells = []
    for section in defn.sections:
        for item in section.items:
            notes = item_notes.get(item.id, {})
            cells.append(
                Cell(
                    item_id=item.id,
                    row=section.id,
                    column=item.groups.get(grouping.id, ""),
                    prompt=item.text,
                    rating=_rating_of(defn, item.id, responses.get(item.id)),
                    evidence=notes.get("evidence"),
                    action=notes.get("action"),
                )
            )
    return Scorecard(
        instrument_version=defn.version,
        grouping=grouping.id,
        rows=tuple(_roll_up(defn, s.id, s.title, scores.sections[s.id]) for s in defn.sections),
        columns=tuple(
            _roll_up(defn, g.code, g.label, scores.groupings[grouping.id][g.code])
            for g in grouping.groups
        ),
        overall=_roll_up(defn, "overall", "Overall", scores.overall),
        cells=tuple(cells),
    )
