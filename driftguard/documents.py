"""Untrusted documents: where input bytes become data, with the same checks for every
source (plans, state, templates, reports, S3 objects, config, waivers, ignore files).

Whatever the source, a document that cannot be used is one `InputError` naming it:

- Text is UTF-8 (or UTF-8 / UTF-16 with a byte order mark); anything else is "not utf-8
  text (byte N)".
- Nesting is bounded by the parsers (Python's recursion limit): deeper is "nested too
  deeply", never a RecursionError. The loaders turn RecursionError from the walks that
  follow (masking, folding, intrinsics) into the same error (`too_deep`).
- JSON numbers are finite: NaN, Infinity and 1e400 (a float that overflows) are not
  numbers that JSON, Terraform or the policy engine know; integers are limited to Python's
  4,300 digits.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from driftguard.errors import InputError

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
TOO_DEEP = "the document is nested too deeply"


def decode(origin: object, data: bytes) -> str:
    """Text from a file's bytes: UTF-8, or the encoding its byte order mark names."""
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), "utf-8")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(origin, f"not {encoding.removesuffix('-sig')} text "
                                 f"(byte {exc.start})") from None
    return text


# --- JSON ----------------------------------------------------------------------------


class _BadNumber(ValueError):
    pass


def _constant(name: str) -> Any:
    raise _BadNumber(f"{name} is not a JSON number")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _BadNumber(f"the number {text[:40]} is out of range")
    return value


def loads_json(origin: object, data: bytes | str,
               object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None) -> Any:
    """A JSON document (bytes: UTF-8 or with a BOM); `origin` names it in errors."""
    if isinstance(data, bytes):
        encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), "utf-8")
        text: bytes | str = data if encoding == "utf-8" else decode(origin, data)
    else:
        text = data
    try:
        # bytes go to the parser as they are: it reads UTF-8 itself (orjson measured no
        # faster here, and bigger)
        doc = json.loads(text, parse_constant=_constant, parse_float=_float,
                         object_pairs_hook=object_pairs_hook)
    except UnicodeDecodeError as exc:
        raise InputError(origin, f"not utf-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise InputError(origin, f"not valid JSON: {exc.msg} at line {exc.lineno} "
                                 f"column {exc.colno}") from None
    except _BadNumber as exc:
        raise InputError(origin, f"not valid JSON: {exc}") from None
    except ValueError as exc:  # Python's own limit on integer digits
        raise InputError(origin, f"not valid JSON: {str(exc).split(';')[0]}") from None
    except RecursionError:
        raise InputError(origin, TOO_DEEP) from None
    return doc
