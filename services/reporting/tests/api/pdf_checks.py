"""What a report's PDF must be: its text (pypdf) and its tagged structure (pikepdf)."""

import io

import pikepdf
from pypdf import PdfReader


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def assert_accessible(pdf: bytes, title: str) -> int:
    """PDF/UA essentials; returns how many figures carry alternative text."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        root = doc.Root
        assert bool(root.MarkInfo.Marked) is True
        assert "/StructTreeRoot" in root
        assert str(root.Lang).lower().startswith("en")
        assert str(doc.docinfo.get("/Title", "")) == title
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        figures, headings, table_headers = 0, 0, 0
        stack = [root.StructTreeRoot]
        seen: set[tuple[int, int]] = set()
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(node)
                continue
            if not isinstance(node, pikepdf.Dictionary):
                continue
            if node.is_indirect:
                if node.objgen in seen:
                    continue
                seen.add(node.objgen)
            kind = str(node.get("/S", ""))
            if kind == "/Figure":
                alt = str(node.get("/Alt", ""))
                assert alt.strip(), "a figure without alternative text"
                figures += 1
            if kind in ("/H1", "/H2", "/H3"):
                headings += 1
            if kind == "/TH":
                table_headers += 1
            kids = node.get("/K")
            if kids is not None:
                stack.append(kids)
        assert headings >= 2
        assert table_headers >= 2
        return figures
