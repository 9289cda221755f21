"""The private mode's code: a board self-assessment's answers in a compact, tamper-evident
string that travels in a link's fragment (``#code=...``), so the answers never reach a server
log and nothing is stored (NHS Providers, 2024: "the PDF contains a unique link, when you
click the link, the tool will re-generate your answers using a unique code. Your responses
are not retained anywhere").

Layout, then base64url without padding::

    format (1 byte) | HMAC-SHA256 tag (16 bytes) | raw DEFLATE of the body

The body is ``<instrument>|<version>|<answers>``, with one character per item in definition
order: ``-`` for unanswered, else the option's position on its scale as a base-36 digit. The
tag (keyed with ``EQUITAS_PRIVATE_CODE_KEY``, truncated to 128 bits as RFC 2104 section 5
allows) covers the format byte and the compressed body, so a changed, swapped or truncated
code is refused before it is decompressed. Pure: the key is passed in.
"""

import base64
import binascii
import hashlib
import hmac
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

from services.scoring.instruments.definition import InstrumentDefinition

FORMAT = 1
TAG_BYTES = 16
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
UNANSWERED = "-"
# A code is a few dozen characters; anything far longer is not one (and is not inflated).
MAX_CODE_CHARS = 2048
MAX_BODY_BYTES = 4096


class CodeRefused(ValueError):
    """The code is not one this service made: altered, truncated or not a code at all."""


@dataclass(frozen=True)
class Decoded:
    instrument: str
    version: str
    responses: dict[str, str]


def _tag(key: bytes, signed: bytes) -> bytes:
    return hmac.new(key, signed, hashlib.sha256).digest()[:TAG_BYTES]


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj(-15)
    body = inflater.decompress(data, MAX_BODY_BYTES)
    if inflater.unconsumed_tail or not inflater.eof:
        raise CodeRefused("the code's contents are incomplete or too long")
    return body


def encode(key: bytes, defn: InstrumentDefinition, responses: Mapping[str, str]) -> str:
    """The code of ``responses`` (checked against ``defn`` by the caller)."""
    lookup = defn.lookup()
    chars = []
    for item_id, entry in lookup.items.items():
        code = responses.get(item_id)
        if code is None:
            chars.append(UNANSWERED)
            continue
        position = list(entry.values).index(code)
        if position >= len(DIGITS):
            raise ValueError(f"scale of {item_id} has more options than a code can carry")
        chars.append(DIGITS[position])
    body = f"{defn.instrument}|{defn.version}|{''.join(chars)}".encode()
    signed = bytes([FORMAT]) + _deflate(body)
    raw = signed[:1] + _tag(key, signed) + signed[1:]
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def read_header(key: bytes, code: str) -> Decoded:
    """Check the code's tag and read its instrument, version and answer characters
    (``responses`` maps item position, as text, to the character); ``decode`` maps them to
    items once the version's definition is known."""
    if not code or len(code) > MAX_CODE_CHARS or not code.isascii():
        raise CodeRefused("not a code from this service")
    try:
        raw = base64.urlsafe_b64decode(code + "=" * (-len(code) % 4))
    except (binascii.Error, ValueError) as exc:
        raise CodeRefused("not a code from this service") from exc
    if len(raw) <= 1 + TAG_BYTES or raw[0] != FORMAT:
        raise CodeRefused("not a code from this service, or cut short")
    tag, signed = raw[1 : 1 + TAG_BYTES], raw[:1] + raw[1 + TAG_BYTES :]
    if not hmac.compare_digest(tag, _tag(key, signed)):
        raise CodeRefused("the code has been changed or cut short")
    try:
        text = _inflate(signed[1:]).decode("ascii")
    except (zlib.error, UnicodeDecodeError) as exc:  # pragma: no cover - the tag matched
        raise CodeRefused("the code's contents cannot be read") from exc
    parts = text.split("|")
    if len(parts) != 3:  # pragma: no cover - the tag matched, so we wrote it
        raise CodeRefused("the code's contents cannot be read")
    instrument, version, answers = parts
    return Decoded(instrument, version, {str(i): c for i, c in enumerate(answers)})


def decode(header: Decoded, defn: InstrumentDefinition) -> dict[str, str]:
    """The answers of a code whose header named ``defn``."""
    lookup = defn.lookup()
    if (header.instrument, header.version) != (defn.instrument, defn.version):
        raise CodeRefused("the code is for another instrument or version")
    if len(header.responses) != len(lookup.items):
        raise CodeRefused("the code does not match the instrument's questions")
    responses: dict[str, str] = {}
    for position, (item_id, entry) in enumerate(lookup.items.items()):
        char = header.responses[str(position)]
        if char == UNANSWERED:
            continue
        codes = list(entry.values)
        index = DIGITS.find(char)
        if index < 0 or index >= len(codes):
            raise CodeRefused("the code does not match the instrument's answers")
        responses[item_id] = codes[index]
    return responses
