"""Reading the CLI's JSONL files robustly: every bad line gets a clear, located message."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

__all__ = ["JsonlError", "TextRecord", "read_jsonl", "read_pairs", "read_rankings", "read_texts"]

_T = TypeVar("_T")


class JsonlError(ValueError):
    """A JSONL line that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class TextRecord:
    """One ``{"id", "text", "lang"?}`` line."""

    id: str | int
    text: str
    lang: str | None
    line: int


def read_jsonl(
    path: str | os.PathLike[str], *, on_error: Callable[[JsonlError], None] | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, object)`` per non-blank line of ``path``.

    Each line is decoded as strict UTF-8 and parsed as a JSON object. A bad line
    raises :class:`JsonlError` naming file and line, unless ``on_error`` is given, in
    which case it is called with the error and the line is skipped.
    """
    name = os.fspath(path)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise JsonlError(f"{name}: cannot open: {exc.strerror}") from exc
    with fh:
        for no, raw in enumerate(fh, start=1):
            try:
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise JsonlError(
                        f"{name} line {no}: invalid UTF-8 "
                        f"(byte 0x{raw[exc.start]:02x} at byte offset {exc.start})"
                    ) from None
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise JsonlError(f"{name} line {no}: invalid JSON ({exc.msg})") from None
                if not isinstance(obj, dict):
                    raise JsonlError(f"{name} line {no}: expected a JSON object")
            except JsonlError as err:
                if on_error is None:
                    raise
                on_error(err)
                continue
            yield no, obj


def _check_id(name: str, no: int, obj: dict[str, Any], key: str) -> str | int:
    v = obj.get(key)
    if isinstance(v, bool) or not isinstance(v, str | int) or (isinstance(v, str) and not v):
        raise JsonlError(f"{name} line {no}: {key!r} must be a non-empty string or an integer")
    return v


def _parsed(
    path: str | os.PathLike[str],
    on_error: Callable[[JsonlError], None] | None,
    parse: Callable[[str, int, dict[str, Any]], _T],
) -> Iterator[_T]:
    """Yield ``parse(file_name, line_number, object)`` per JSON object line of ``path``.

    A line ``parse`` refuses with :class:`JsonlError` raises it, unless ``on_error`` is
    given, in which case it is called with the error and the line is skipped. Lazy: the
    caller may record each value before the next line is parsed.
    """
    name = os.fspath(path)
    for no, obj in read_jsonl(path, on_error=on_error):
        try:
            value = parse(name, no, obj)
        except JsonlError as err:
            if on_error is None:
                raise
            on_error(err)
            continue
        yield value


def read_texts(
    path: str | os.PathLike[str], *, on_error: Callable[[JsonlError], None] | None = None
) -> list[TextRecord]:
    """Read ``{"id": ..., "text": ..., "lang": optional}`` lines; ids must be unique."""
    seen: set[str | int] = set()

    def parse(name: str, no: int, obj: dict[str, Any]) -> TextRecord:
        rid = _check_id(name, no, obj, "id")
        text = obj.get("text")
        if not isinstance(text, str):
            raise JsonlError(f"{name} line {no}: 'text' must be a string")
        if not text.strip():
            raise JsonlError(f"{name} line {no}: 'text' is empty")
        lang = obj.get("lang")
        if lang is not None and (not isinstance(lang, str) or not lang):
            raise JsonlError(f"{name} line {no}: 'lang' must be a language code such as 'ja'")
        if rid in seen:
            raise JsonlError(f"{name} line {no}: duplicate id {rid!r}")
        seen.add(rid)
        return TextRecord(rid, text, lang, no)

    return list(_parsed(path, on_error, parse))


def read_pairs(
    path: str | os.PathLike[str], *, on_error: Callable[[JsonlError], None] | None = None
) -> dict[str | int, str | int]:
    """Read gold ``{"query_id": ..., "pool_id": ...}`` lines (one gold item per query)."""
    gold: dict[str | int, str | int] = {}

    def parse(name: str, no: int, obj: dict[str, Any]) -> tuple[str | int, str | int]:
        q = _check_id(name, no, obj, "query_id")
        p = _check_id(name, no, obj, "pool_id")
        if q in gold:
            raise JsonlError(f"{name} line {no}: query_id {q!r} appears twice")
        return q, p

    for q, p in _parsed(path, on_error, parse):
        gold[q] = p
    return gold


def read_rankings(
    path: str | os.PathLike[str], *, on_error: Callable[[JsonlError], None] | None = None
) -> dict[str | int, list[str | int]]:
    """Read ``rank`` output lines ``{"query_id": ..., "ids": [...]}``."""

    def parse(name: str, no: int, obj: dict[str, Any]) -> tuple[str | int, list[str | int]]:
        q = _check_id(name, no, obj, "query_id")
        ids = obj.get("ids")
        if not isinstance(ids, list):
            raise JsonlError(f"{name} line {no}: 'ids' must be a list")
        return q, ids

    return dict(_parsed(path, on_error, parse))
