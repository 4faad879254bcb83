"""Reading JSON Lines with errors a person can act on (pure Python, shared by the model packages)."""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any


def parse_jsonl(lines: Iterable[str], source: str) -> Iterator[dict[str, Any]]:
    """One JSON object per non-blank line; a bad line raises ValueError naming `source:line`."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"{source}:{number}: not valid JSON ({error.msg})") from error
        if not isinstance(record, dict):
            raise ValueError(f"{source}:{number}: expected a JSON object, got {type(record).__name__}")
        yield record


def read_jsonl(path: str | Path) -> Iterator[dict[str, Any]]:
    """The records of a UTF-8 JSONL file (see parse_jsonl)."""
    with open(path, encoding="utf-8") as handle:
        yield from parse_jsonl(handle, str(path))
