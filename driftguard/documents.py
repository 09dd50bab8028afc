"""Untrusted documents: where input bytes become data, with the same checks for every
source (plans, state, templates, reports, S3 objects, config, waivers, ignore files).

Whatever the source, a document that cannot be used is one `InputError` naming it:

- Text is UTF-8 (or UTF-8 / UTF-16 with a byte order mark); anything else is "not utf-8
  text (byte N)".
- Strings are valid Unicode. A JSON or YAML escape of half a UTF-16 pair (`"\\ud800"`)
  decodes to a lone surrogate, which no UTF-8 output can hold and which crashes the policy
  engine (regorus) outright. Such escapes are rare, so the text is first searched for
  them (a regular expression with a literal prefix: 15 ms for a 30 MB plan); only a
  document that has one is walked, to name the string. Strings from the command line and
  the environment (surrogateescape) and live resources are checked where they are read,
  with `check_text` and `check_strings`.
- Nesting is bounded by the parsers (Python's recursion limit): deeper is "nested too
  deeply", never a RecursionError. The loaders turn RecursionError from the walks that
  follow (masking, folding, intrinsics) into the same error (TOO_DEEP).
- JSON numbers are finite: NaN, Infinity and 1e400 (a float that overflows) are not
  numbers that JSON, Terraform or the policy engine know; integers are limited to Python's
  4,300 digits.
- Big Terraform files may be parsed fast (`loads_json(..., fast=True)`: jiter, in Rust,
  with its own check of duplicate keys): the same document, a quarter faster and with its
  repeated strings shared (a sixth less memory), except that a float that overflows reads
  as infinity.
  Their loader checks every number it reads and, on that or any other error, parses the
  file again the strict way (declared/files.load_json), so that the result or the error
  is the strict parse's. A big plan is read faster still, in its parts the loader reads
  (declared/plan_parts), while `BackgroundCheck` makes sure on the other core that the
  fast parse takes the whole document.
- YAML goes through a safe loader: dates that do not exist are errors with their line,
  and aliases are bounded (a "billion laughs" document that expands past
  ALIAS_EXPANSION_LIMIT is refused before anything walks it).
"""

from __future__ import annotations

import gc
import json
import math
import os
import re
import signal
from collections.abc import Callable, Iterator
from typing import Any

import jiter
import yaml

from driftguard.errors import InputError

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
# A JSON or YAML escape that may stand for half a surrogate pair (\ud800-\udfff).
_SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F]")
_SURROGATE_ESCAPE_BYTES = re.compile(rb"\\(?:u|U0000)[dD][89a-fA-F]")
ALIAS_EXPANSION_LIMIT = 100  # expanded nodes per distinct node
_ALIAS_FLOOR = 100_000  # small documents may expand up to this many nodes
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


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose keys are unique: JSON lets the last of two win silently, and a
    plan or report edited so would read otherwise than it says (D17)."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return out


def loads_json(origin: object, data: bytes | str, fast: bool = False) -> Any:
    """A JSON document (bytes: UTF-8 or with a BOM); `origin` names it in errors. Keys are
    unique in every object. `fast`: through jiter when it takes the bytes, where a number
    that overflows reads as infinity (see the module's docstring); the strict parse when
    it does not (to say why)."""
    if fast and isinstance(data, bytes) and not _SURROGATE_ESCAPE_BYTES.search(data):
        try:  # refuses NaN, Infinity, duplicate keys, invalid UTF-8 and lone surrogates
            return jiter.from_json(data, catch_duplicate_keys=True, allow_inf_nan=False)
        except ValueError:
            pass  # the strict parse says what is wrong, or takes what jiter cannot (UTF-16)
    if isinstance(data, bytes):
        encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), "utf-8")
        text: bytes | str = data if encoding == "utf-8" else decode(origin, data)
    else:
        text = data
    try:
        # bytes go to the parser as they are: it reads UTF-8 itself (orjson measured no
        # faster here, and bigger)
        doc = json.loads(text, parse_constant=_constant, parse_float=_float,
                         object_pairs_hook=_unique_keys)
    except UnicodeDecodeError as exc:
        raise InputError(origin, f"not utf-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise InputError(origin, f"not valid JSON: {exc.msg} at line {exc.lineno} "
                                 f"column {exc.colno}") from None
    except _DuplicateKey as exc:
        raise InputError(origin, f"not valid JSON: duplicate key {exc.args[0]!r}") from None
    except _BadNumber as exc:
        raise InputError(origin, f"not valid JSON: {exc}") from None
    except ValueError as exc:  # Python's own limit on integer digits
        raise InputError(origin, f"not valid JSON: {str(exc).split(';')[0]}") from None
    except RecursionError:
        raise InputError(origin, TOO_DEEP) from None
    escaped = (_SURROGATE_ESCAPE_BYTES.search(text) if isinstance(text, bytes)
               else _SURROGATE_ESCAPE.search(text))
    if escaped:
        check_strings(origin, doc)
    return doc


class BackgroundCheck:
    """Whether the fast parse (jiter: valid JSON in UTF-8, keys unique, no NaN, no lone
    surrogate) takes the whole of `data`, found out in a forked child, on another core,
    while the caller reads only some parts of the same bytes with a parser that checks
    less (declared/plan_parts). The child does nothing but the parse, one byte down its
    pipe and os._exit: it takes no lock that another thread of the parent could hold at
    the fork. Call `passed` or `cancel` once."""

    def __init__(self, data: bytes) -> None:
        """OSError when there is no pipe or process to be had."""
        read_end, write_end = os.pipe()
        try:
            self._pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            raise
        if self._pid == 0:  # the child
            verdict = b"0"
            try:
                os.close(read_end)
                gc.disable()  # a collection would touch, and so copy, the parent's pages
                jiter.from_json(data, catch_duplicate_keys=True, allow_inf_nan=False)
                verdict = b"1"
            except BaseException:  # noqa: BLE001, S110 - every failure is a "no"
                pass
            finally:
                try:
                    os.write(write_end, verdict)
                finally:
                    os._exit(0)
        os.close(write_end)
        self._verdict = read_end

    def passed(self) -> bool:
        """Waits for the child: True when the whole document parsed. A child that died
        (out of memory) says no."""
        try:
            verdict = os.read(self._verdict, 1)
        except BaseException:  # ^C while waiting
            self.cancel()
            raise
        self._end()
        return verdict == b"1"

    def cancel(self) -> None:
        """Stops the child: its answer is not needed."""
        try:
            os.kill(self._pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._end()

    def _end(self) -> None:
        os.close(self._verdict)
        try:
            os.waitpid(self._pid, 0)
        except ChildProcessError:  # reaped already (a host process ignoring SIGCHLD)
            pass


# --- strings ---------------------------------------------------------------------------


def _is_valid(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _walk(doc: Any) -> Iterator[tuple[str, Any]]:
    """(path, string) of every key and string value, without recursion."""
    stack: list[tuple[str, Any]] = [("", doc)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            yield path, node
        elif isinstance(node, dict):
            for key, value in node.items():
                name = f"{path}.{key}" if path else str(key)
                if isinstance(key, str):
                    yield name, key
                stack.append((name, value))
        elif isinstance(node, list):
            stack.extend((f"{path}[{n}]", item) for n, item in enumerate(node))


def _all_valid(doc: Any) -> bool:
    """Every string and key is valid Unicode (the quick walk: no paths)."""
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if not _is_valid(node):
                return False
        elif isinstance(node, dict):
            if not all(_is_valid(k) for k in node if isinstance(k, str)):
                return False
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return True


def invalid_string(doc: Any) -> tuple[str, str] | None:
    """(path, string) of the first string that is not valid Unicode, if any."""
    if _all_valid(doc):
        return None
    return next(((p, s) for p, s in _walk(doc) if not _is_valid(s)), None)


def check_strings(origin: object, doc: Any, where: str = "") -> None:
    """Every string (and key) of the document is valid Unicode; `where` (a resource's
    address) comes before the path in the error."""
    found = invalid_string(doc)
    if found is not None:
        path, text = found
        bad = next(ch for ch in text if not _is_valid(ch))
        path = path.encode("utf-8", "backslashreplace").decode("utf-8")  # it may hold it
        at = ": ".join(p for p in (where, path) if p)
        raise InputError(origin, f"{at + ': ' if at else ''}a string holds {bad!r}, a lone "
                                 "surrogate, which is not valid Unicode")


def check_text(name: object, text: str) -> str:
    """A string from the command line or the environment: bytes that were not UTF-8 come
    to Python as lone surrogates (surrogateescape)."""
    if not _is_valid(text):
        raise InputError(name, "not valid UTF-8")
    return text


# --- YAML ------------------------------------------------------------------------------


_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SafeLoader(_Base):  # type: ignore[misc]  # a loader class chosen at import time
    """yaml's safe loader (libyaml when present); a date that does not exist
    (2027-02-30) is an error at its line, not a ValueError."""


def _timestamp(loader: Any, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value!r} is not a date or time ({exc})", node.start_mark
        ) from None


SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def load_yaml(origin: object, text: str, loader: Any = SafeLoader,
              problem: Callable[[yaml.YAMLError], str] | None = None) -> Any:
    """A YAML document through a safe `loader`; `problem` words a YAMLError (default:
    `invalid YAML at line N: what`)."""
    try:
        doc = yaml.load(text, Loader=loader)  # noqa: S506 - safe loaders only
    except yaml.YAMLError as exc:
        raise InputError(origin, (problem or yaml_problem)(exc)) from None
    except RecursionError:
        raise InputError(origin, TOO_DEEP) from None
    except ValueError as exc:  # Python's own limit on integer digits
        raise InputError(origin, f"invalid YAML: {str(exc).split(';')[0]}") from None
    if "&" in text:  # anchors exist: aliases may expand the document
        check_expansion(origin, doc)
    if _SURROGATE_ESCAPE.search(text):
        check_strings(origin, doc)
    return doc


def yaml_problem(exc: yaml.YAMLError, what: str = "invalid YAML") -> str:
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}" if mark else ""
    problem = getattr(exc, "problem", None) or "syntax error"
    return f"{what}{where}: {problem}"


def check_expansion(origin: object, doc: Any) -> None:
    """Reject documents whose aliases expand them past the limit, counting each shared
    node once per use (memoised by identity: linear in the distinct nodes)."""
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()
    stack: list[tuple[Any, bool]] = [(doc, False)]
    while stack:
        node, done = stack.pop()
        if not isinstance(node, dict | list):
            continue
        key = id(node)
        children = list(node.values()) if isinstance(node, dict) else node
        if done:
            in_progress.discard(key)
            sizes[key] = 1 + sum(sizes.get(id(c), 1) for c in children)
            continue
        if key in sizes:
            continue
        if key in in_progress:
            raise InputError(origin, "a YAML alias refers to itself (a recursive document)")
        in_progress.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children if isinstance(c, dict | list))
    total = sizes.get(id(doc), 1)
    if total > max(_ALIAS_FLOOR, ALIAS_EXPANSION_LIMIT * len(sizes)):
        raise InputError(origin, f"YAML aliases expand the document to {total} nodes from "
                                 f"{len(sizes)} (an alias bomb?); refusing to read it")
