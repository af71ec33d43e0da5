"""Streaming JSONL in and out for the extraction commands: one line at a time, errors by line.

Other tools depend on this contract, so it is kept small and strict: each input line is a JSON
object with an "id" and a "text"; a malformed line is reported with its number and skipped,
and the run goes on. Memory does not grow with the number of lines.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO

from core import jsonsafe


@dataclass
class StreamReport:
    read: int = 0
    written: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


# A posting is a few thousand characters; the feed API and the ingestion cap descriptions at
# 100,000. Longer texts cost seconds and hundreds of MB each and are not job ads.
MAX_TEXT_CHARS = 100_000
_SURROGATES = re.compile("[\ud800-\udfff]")
JSON_WHITESPACE = " \t\r\n"


def records(handle: IO[str], report: StreamReport) -> Iterator[tuple[int, object, str]]:
    """(line number, id, text) for each well-formed line; the others go to `report.errors`."""
    for number, line in enumerate(handle, start=1):
        # JSON's white space only: str.strip() would also take U+001C–U+001F for blank and
        # skip such a line without a word.
        if not line.strip(JSON_WHITESPACE):
            continue
        report.read += 1
        try:
            record = jsonsafe.loads(line)
        except ValueError as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            report.errors.append((number, f"invalid JSON ({reason})"))
            continue
        if not isinstance(record, dict):
            report.errors.append((number, "expected a JSON object"))
            continue
        if "id" not in record:
            report.errors.append((number, 'missing "id"'))
            continue
        text = record.get("text")
        if not isinstance(text, str):
            report.errors.append((number, '"text" must be a string'))
            continue
        if len(text) > MAX_TEXT_CHARS:
            report.errors.append((number, f'"text" is longer than {MAX_TEXT_CHARS} characters'))
            continue
        if _has_surrogate(record["id"]) or _has_surrogate(text):
            report.errors.append((number, "not valid UTF-8 text (a lone surrogate escape)"))
            continue
        yield number, record["id"], text


# Characters JSON leaves raw in strings that many readers take for line ends (Python's
# `str.splitlines`, JavaScript before ES2019): escaped, one record stays one line for everyone.
_LINE_BREAKING = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def json_line(result: dict) -> str:
    """One output record: JSON on a single line for any line splitter, then a newline."""
    return json.dumps(result, ensure_ascii=False).translate(_LINE_BREAKING) + "\n"


def _has_surrogate(value) -> bool:
    """Whether a JSON value holds a lone surrogate anywhere (strings, keys, nested values):
    such text cannot be written out as UTF-8."""
    if isinstance(value, str):
        return _SURROGATES.search(value) is not None
    if isinstance(value, list):
        return any(_has_surrogate(item) for item in value)
    if isinstance(value, dict):
        return any(_has_surrogate(key) or _has_surrogate(item) for key, item in value.items())
    return False


def run_stream(
    *,
    source: IO[str],
    sink: IO[str],
    handle_record: Callable[[object, str], dict],
    on_error: Callable[[int, str], None],
    progress: bool,
) -> StreamReport:
    """Read records from `source`, write `handle_record(id, text)` as JSON lines to `sink`."""
    report = StreamReport()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(unit=" lines", file=sys.stderr)
    seen_errors = 0
    for number, record_id, text in records(source, report):
        while seen_errors < len(report.errors):
            on_error(*report.errors[seen_errors])
            seen_errors += 1
        try:
            result = handle_record(record_id, text)
        except Exception as exc:  # one bad record must not stop a batch of thousands
            report.errors.append((number, f"{type(exc).__name__}: {exc}"))
            continue
        sink.write(json_line(result))
        report.written += 1
        if bar is not None:
            bar.update(1)
    while seen_errors < len(report.errors):
        on_error(*report.errors[seen_errors])
        seen_errors += 1
    if bar is not None:
        bar.close()
    return report
