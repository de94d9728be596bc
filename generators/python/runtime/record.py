"""``Record``: the base class of the generated dataclasses, giving each message its codec methods.

``schema.py`` binds every generated dataclass to its descriptor (``__vmp_desc__``), so a model can encode and
decode itself: ``SetEvent(...).to_msgpack()``, ``SetEvent.from_msgpack(data)``, ``to_dict``/``from_dict`` (wire
names, for code that works with plain dicts today) and ``to_json``/``from_json`` (the JSON form, SPEC §9).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from .codec import decode, encode, encode_into
from .json_form import from_json, to_json
from .schema import RecordDesc
from .value import UNSET

if TYPE_CHECKING:  # typing.Self is 3.11+; the package supports 3.10 without a typing_extensions dependency
    from typing_extensions import Self


class Record:
    """Mixin of every generated record: codec methods driven by the record's descriptor."""

    __slots__ = ()
    __vmp_desc__: ClassVar[RecordDesc]

    def __getitem__(self, key: str) -> Any:
        """A field by its wire name, declared or (in an open record) extra: ``element["vertices"]``.

        An absent optional field is a ``KeyError``, as for a dict.
        """
        for f in type(self).__vmp_desc__.fields:
            if f.name == key:
                value = getattr(self, f.attr)
                if value is UNSET:
                    raise KeyError(key)
                return value
        extra: dict[str, Any] | None = getattr(self, "extra", None)
        if extra is not None and key in extra:
            return extra[key]
        raise KeyError(key)

    def __setitem__(self, key: str, value: Any) -> None:
        """Sets a field by its wire name; in an open record an undeclared name becomes an extra field."""
        for f in type(self).__vmp_desc__.fields:
            if f.name == key:
                setattr(self, f.attr, value)
                return
        extra: dict[str, Any] | None = getattr(self, "extra", None)
        if extra is None:
            raise KeyError(f"{type(self).__name__} is closed: it has no field {key!r}")
        extra[key] = value

    def __contains__(self, key: object) -> bool:
        try:
            self[key]  # type: ignore[index]
        except (KeyError, TypeError):
            return False
        return True

    def get(self, key: str, default: Any = None) -> Any:
        """``self[key]``, or ``default`` when the field is absent."""
        try:
            return self[key]
        except KeyError:
            return default

    def to_msgpack(self) -> bytes:
        """The canonical MessagePack bytes of this record (validated while encoding)."""
        return encode(type(self).__vmp_desc__, self)

    def to_msgpack_into(self, buf: bytearray, offset: int = 0) -> int:
        """Writes the canonical bytes of this record into ``buf`` at ``offset`` (see ``encode_into``); returns
        their length. ``buf`` ends right after them; reuse it across frames to skip allocating per frame."""
        return encode_into(type(self).__vmp_desc__, self, buf, offset)

    @classmethod
    def from_msgpack(
        cls,
        data: bytes | bytearray | memoryview,
        *,
        lossless: bool = False,
        strict_ztype: bool = False,
        copy: bool = False,
    ) -> Self:
        """Decodes and validates one frame as this record type."""
        value: Self = decode(cls.__vmp_desc__, data, lossless=lossless, strict_ztype=strict_ztype, copy=copy)
        return value

    def to_dict(self) -> dict[str, Any]:
        """This record as plain dicts keyed by wire name (absent fields left out), the shape vrpc-py code uses.

        Goes through the canonical bytes, so the dict is exactly what a receiver decodes.
        """
        desc = type(self).__vmp_desc__
        result: dict[str, Any] = decode(desc, encode(desc, self), lossless=True, as_dict=True)
        return result

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """A record from a plain dict keyed by wire name, validated as this type."""
        return cls.from_msgpack(encode(cls.__vmp_desc__, data), lossless=True)

    def to_json(self, indent: int | None = None) -> str:
        """This record in the JSON form (compact unless ``indent``)."""
        return to_json(type(self).__vmp_desc__, self, indent)

    @classmethod
    def from_json(cls, text: str) -> Self:
        """A record from its JSON form, read through the schema (a float field holding ``1`` is a float)."""
        value: Self = from_json(cls.__vmp_desc__, text)
        return value


def bind_records(*descs: RecordDesc) -> None:
    """Gives each generated dataclass its descriptor (called once by the generated ``schema.py``)."""
    for desc in descs:
        if desc.cls is not None:
            record: type[Record] = desc.cls()
            record.__vmp_desc__ = desc
