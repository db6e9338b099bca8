"""What the engine's validated inputs share: the matching :class:`Instance`
and the reviewer-assignment :class:`ReviewInstance` are both built from JSON
text or plain data, echo the caller's ``meta`` object and cache what they
derive from their read-only arrays.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Self

import numpy as np

from .arrays import readonly

__all__ = ["JsonDocument", "check_top_level", "document_fields", "load_json", "meta_copy"]


@dataclass(frozen=True, eq=False)
class JsonDocument(ABC):
    """Base of a validated input read from a JSON document.

    A subclass defines :meth:`from_dict`; :meth:`from_json` parses the text
    and hands the data to it. ``meta`` is the caller's object, kept as plain
    JSON data; ``_cache`` holds values derived from the fields (the fields
    never change, so neither do they). Both are keyword-only, after the
    subclass's own fields.

    >>> @dataclass(frozen=True, eq=False)
    ... class Pair(JsonDocument):
    ...     a: int
    ...     @classmethod
    ...     def from_dict(cls, data):
    ...         return cls(a=data["a"], meta=meta_copy(data))
    >>> Pair.from_json('{"a": 1, "meta": {"note": "x"}}').meta
    {'note': 'x'}
    """

    meta: Mapping[str, Any] = field(default_factory=dict, kw_only=True)
    _cache: dict = field(default_factory=dict, repr=False, compare=False, kw_only=True)

    @classmethod
    @abstractmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The document read from plain JSON data (each subclass reads its own)."""

    @classmethod
    def from_json(cls, text: str | bytes) -> Self:
        """Parse a JSON document; malformed JSON raises ``ValueError``."""
        return cls.from_dict(load_json(text, "instance"))

    @classmethod
    def from_any(cls, document: Self | Mapping[str, Any] | str | bytes) -> Self:
        """The document given as JSON text (:meth:`from_json`), plain data or
        an instance of the class (:meth:`from_dict`, which returns it as it is)."""
        if isinstance(document, str | bytes):
            return cls.from_json(document)
        return cls.from_dict(document)


def load_json(text: str | bytes, what: str) -> Any:
    """The data of the JSON document *text*; malformed JSON (or bytes that
    are not UTF-8) raises ``ValueError`` naming *what* was read. O(len(text)).

    >>> load_json('{"a": [1]}', "result")
    {'a': [1]}
    >>> load_json('{"a": ', "result")
    Traceback (most recent call last):
    ValueError: result: malformed JSON: Expecting value: line 1 column 7 (char 6)
    """
    try:
        return json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{what}: malformed JSON: {exc}") from None


def check_top_level(data: Any, keys: set[str]) -> None:
    """Check that an input document is a JSON object whose keys are all in *keys*.

    Raises ``ValueError`` otherwise. O(number of top-level keys).

    >>> check_top_level({"students": {}, "extra": 1}, {"students", "meta"})
    Traceback (most recent call last):
    ValueError: instance: unknown top-level keys ['extra']
    """
    if not isinstance(data, Mapping):
        raise ValueError("instance: expected a JSON object at the top level")
    unknown = sorted(set(data) - keys)
    if unknown:
        raise ValueError(f"instance: unknown top-level keys {unknown}")


def meta_copy(data: Mapping[str, Any]) -> dict[str, Any]:
    """The ``meta`` object of an input document (``{}`` when absent), copied
    as plain JSON data so that the caller's object is never shared. O(size
    of meta).

    Raises ``ValueError`` when ``meta`` is not an object.

    >>> meta_copy({"meta": {"round": (1, 2)}}), meta_copy({})
    ({'round': [1, 2]}, {})
    >>> meta_copy({"meta": [1]})
    Traceback (most recent call last):
    ValueError: meta: expected an object
    """
    meta = data.get("meta", {})
    if not isinstance(meta, Mapping):
        raise ValueError("meta: expected an object")
    return json.loads(json.dumps(meta))


def document_fields(
    data: Mapping[str, Any], arrays: Mapping[str, np.ndarray], **fields: Any
) -> dict[str, Any]:
    """The keyword arguments of a validated :class:`JsonDocument`: *fields*
    as given, *arrays* made read-only, and the ``meta`` of the input document
    *data* copied (:func:`meta_copy`). O(size of meta).

    >>> kw = document_fields({"meta": {"run": 1}}, {"k": np.array([2])}, ids=("p",))
    >>> kw["ids"], kw["k"].flags.writeable, kw["meta"]
    (('p',), False, {'run': 1})
    """
    meta = meta_copy(data)
    return {**fields, **{name: readonly(a) for name, a in arrays.items()}, "meta": meta}
