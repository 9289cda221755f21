"""Instrument definitions from scoring (labels of determinants, indicators and ratings),
kept once read: a published version never changes (a change is a new version)."""

from collections.abc import Mapping
from typing import Any

from services.reporting.upstream import Upstream

SCORING = "/api/scoring"


class Definition:
    """The labels of an instrument version, from scoring's definition document."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.title = str(document.get("title", "HEF"))
        self.status = str(document.get("status", ""))
        self.version = str(document.get("version", ""))
        self.sections: list[tuple[str, str, list[tuple[str, str]]]] = [
            (
                str(s["id"]),
                str(s.get("title", s["id"])),
                [(str(i["id"]), str(i.get("text", i["id"]))) for i in s.get("items", [])],
            )
            for s in document.get("sections", [])
        ]
        self.options: dict[str, str] = {
            str(o["code"]): str(o.get("label", o["code"]))
            for scale in document.get("response_scales", [])
            for o in scale.get("options", [])
        }
        # Each item's own scale: two scales may use one code for different answers.
        self.scales: dict[str, dict[str, str]] = {
            str(scale["id"]): {
                str(o["code"]): str(o.get("label", o["code"])) for o in scale.get("options", [])
            }
            for scale in document.get("response_scales", [])
        }
        self.item_scales: dict[str, str] = {
            str(i["id"]): str(i.get("scale", ""))
            for s in document.get("sections", [])
            for i in s.get("items", [])
        }

    def section_title(self, section_id: str) -> str:
        return next((t for s, t, _ in self.sections if s == section_id), section_id)

    def item_text(self, item_id: str) -> str:
        return next(
            (text for _, _, items in self.sections for i, text in items if i == item_id), item_id
        )

    def answer_label(self, item_id: str, code: str | None) -> str | None:
        """The answer's words on the item's own scale (``None``: not answered)."""
        if code is None:
            return None
        scale = self.scales.get(self.item_scales.get(item_id, ""), {})
        return scale.get(code) or self.options.get(code, code)


# Definitions never change once published (a change is a new version): keep them.
_definitions: dict[tuple[str, str, str], Definition] = {}


async def definition_of(
    upstream: Upstream, instrument: str, variant: str, version: str
) -> Definition:
    key = (instrument, variant, version)
    if key not in _definitions:
        document = await upstream.get(
            "scoring", f"{SCORING}/instruments/{instrument}/{variant}/{version}"
        )
        _definitions[key] = Definition(document)
    return _definitions[key]


async def latest_definition(upstream: Upstream, instrument: str, variant: str) -> Definition:
    """The newest version of an instrument (its labels for aggregate reports)."""
    listed = await upstream.get("scoring", f"{SCORING}/instruments")
    versions = [
        str(i["version"])
        for i in listed
        if i.get("instrument") == instrument and i.get("variant") == variant
    ]
    if not versions:
        return Definition({"title": instrument})
    return await definition_of(upstream, instrument, variant, max(versions, key=_version_key))


def _version_key(version: str) -> tuple[int, ...]:
    numbers = version.split("-")[0].split(".")
    return tuple(int(n) if n.isdigit() else 0 for n in numbers)
