"""ZData (spec §7): arrays and tensors, encoded images, safetensors files, opaque unknown ztypes.

Decoded forms:

- ``numpy.ndarray``: a ``numpy.ndarray`` that is a **zero-copy**, read-only view of the frame (``np.frombuffer``),
  unless ``copy=True`` (a writable copy) or the payload was big-endian (swapped into a new array).
- ``torch.Tensor``: a CPU ``torch.Tensor`` when torch is importable (a copy: torch refuses read-only memory),
  else a :class:`TensorArray` (a numpy array that re-encodes as ``torch.Tensor``).
- ``bfloat16``: an ``ml_dtypes.bfloat16`` array when ml_dtypes is importable, else a :class:`BFloat16Array`:
  a numpy array of the raw ``uint16`` patterns that re-encodes with dtype ``bfloat16``.
- vrpc-ts typed-array forms (``Float32Array``…): 1-D numpy arrays (re-encoded as ``numpy.ndarray``).
- ``image``: :class:`ZImage` (the file's bytes as received, the sniffed format).
- ``safetensor.dict``: :class:`~.safetensors.Safetensors`.
- any other ztype: the registered type's value, else :class:`OpaqueZData` (strict mode: ``UnknownZType``).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any, Final, Literal

import numpy as np

from .._tables import DTYPES
from .dtype import MAX_DIMS, UINT64_MAX, bfloat16_dtype, canonical_name, parse_dtype, storage_dtype
from .errors import Path, make_error
from .safetensors import Safetensors

ArrayZType = Literal["numpy.ndarray", "torch.Tensor"]

COMPAT_ARRAYS: Final[dict[str, str]] = {
    "Int8Array": "int8",
    "Uint8Array": "uint8",
    "Int16Array": "int16",
    "Uint16Array": "uint16",
    "Int32Array": "int32",
    "Uint32Array": "uint32",
    "Float32Array": "float32",
    "Float64Array": "float64",
}

FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "numpy.ndarray": ("ztype", "b", "dtype", "shape"),
    "torch.Tensor": ("ztype", "b", "dtype", "shape"),
    "image": ("ztype", "b", "format"),
    "safetensor.dict": ("ztype", "b"),
    **{z: ("ztype", "b", "length") for z in COMPAT_ARRAYS},
}

KNOWN_ZTYPES: Final = frozenset(FIELDS)


def _numpy_holds(shape: list[int]) -> bool:
    try:
        np.empty(0, dtype=np.uint8).reshape(shape)
    except (ValueError, OverflowError):
        return False
    return True


def is_known_ztype(ztype: str) -> bool:
    return ztype in KNOWN_ZTYPES


class TensorArray(np.ndarray):  # type: ignore[type-arg, unused-ignore]
    """A numpy array decoded from ``torch.Tensor`` ZData without torch: it re-encodes as ``torch.Tensor``."""


class BFloat16Array(np.ndarray):  # type: ignore[type-arg, unused-ignore]
    """bfloat16 elements held as their raw ``uint16`` patterns (no ml_dtypes): re-encodes with dtype bfloat16.

    ``BFloat16Array.from_float32(a)`` rounds float32 values to bfloat16 (nearest even); ``to_float32()`` widens.
    """

    @staticmethod
    def from_float32(a: Any) -> BFloat16Array:
        f = np.ascontiguousarray(a, dtype="<f4")
        u = f.view("<u4").astype(np.uint64)
        rounded = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype("<u2")
        nan = np.isnan(f)
        rounded[nan] = ((u[nan] >> 16) | 0x40).astype("<u2")
        return rounded.view(BFloat16Array)

    def to_float32(self) -> np.ndarray[Any, Any]:
        return (np.asarray(self).astype("<u4") << 16).view("<f4")


class TensorBFloat16Array(TensorArray, BFloat16Array):
    """A bfloat16 ``torch.Tensor`` decoded without torch nor ml_dtypes."""


class WideEmptyArray:
    """An empty array whose shape numpy cannot hold (a dimension beyond 2^63-1 next to a 0, e.g. ``[0, 2^64-1]``):
    kept as dtype, shape and ztype so that it re-encodes exactly. Every real array decodes to numpy."""

    __slots__ = ("dtype", "shape", "ztype")

    def __init__(self, dtype: str, shape: tuple[int, ...], ztype: ArrayZType = "numpy.ndarray") -> None:
        self.dtype = dtype
        self.shape = shape
        self.ztype: ArrayZType = ztype

    @property
    def size(self) -> int:
        return 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WideEmptyArray) and (other.dtype, other.shape, other.ztype) == (
            self.dtype,
            self.shape,
            self.ztype,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"WideEmptyArray({self.dtype}, {list(self.shape)}, {self.ztype})"


_IMAGE_FORMATS: Final = ("png", "jpeg", "webp")


def sniff_image(b: bytes | memoryview) -> str:
    """The format named by an image file's first bytes: png, jpeg, webp, else unknown (not an error)."""
    head = bytes(b[:12])
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    return "unknown"


class ZImage:
    """An encoded image file (spec §7.4). ``data`` is kept as received, so relaying never re-encodes pixels."""

    __slots__ = ("data", "format", "format_entry")

    def __init__(self, data: bytes | bytearray | memoryview, format_entry: str | None = None) -> None:
        self.data: bytes = bytes(data)
        self.format_entry = format_entry
        sniffed = sniff_image(self.data)
        self.format: str = sniffed
        if sniffed == "unknown" and format_entry is not None and format_entry in _IMAGE_FORMATS:
            self.format = format_entry

    @classmethod
    def from_pil(cls, image: Any) -> ZImage:
        """A PIL image, saved in its own format when it has one (else PNG)."""
        buf = io.BytesIO()
        image.save(buf, format=getattr(image, "format", None) or "PNG")
        return cls(buf.getvalue())

    def to_pil(self) -> Any:
        from PIL import Image  # type: ignore[import-not-found, unused-ignore]

        return Image.open(io.BytesIO(self.data))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ZImage) and other.data == self.data and other.format_entry == self.format_entry
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ZImage({self.format}, {len(self.data)} bytes)"


class OpaqueZData:
    """A ZData whose ztype is neither known nor registered (spec §7.7): its entries as received, in order.

    ``OpaqueZData("sphere", {"r": 1.0})`` puts ``ztype`` first; ``entries`` always holds it.
    """

    __slots__ = ("entries",)

    def __init__(self, ztype: str, entries: Mapping[str, Any] | None = None) -> None:
        given = dict(entries or {})
        if "ztype" in given:
            if given["ztype"] != ztype:
                raise ValueError("entries hold a different ztype")
            self.entries = given
        else:
            self.entries = {"ztype": ztype, **given}

    @property
    def ztype(self) -> str:
        z = self.entries["ztype"]
        assert isinstance(z, str)
        return z

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OpaqueZData) and _same(self.entries, other.entries)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"OpaqueZData({self.entries!r})"


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return bool(np.array_equal(a, b))
    return type(a) is type(b) and bool(a == b)


# -- torch and PIL, detected without importing them ------------------------------------------------------------


def is_torch_tensor(v: object) -> bool:
    return any(c.__name__ == "Tensor" and c.__module__ == "torch" for c in type(v).__mro__)


def is_pil_image(v: object) -> bool:
    return any(c.__name__ == "Image" and c.__module__ == "PIL.Image" for c in type(v).__mro__)


_torch_missing = False


def _torch() -> Any:
    global _torch_missing
    if _torch_missing:
        return None
    try:
        import torch  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        _torch_missing = True
        return None
    return torch


# -- decoding --------------------------------------------------------------------------------------------------


def wrap_array(arr: np.ndarray[Any, Any], dtype: str, ztype: str) -> Any:
    """The decoded form of an array whose storage is ``arr`` (see the module doc)."""
    if ztype == "torch.Tensor":
        torch = _torch()
        if torch is not None:
            data = np.array(arr, copy=True)  # torch does not take read-only memory
            try:
                if dtype == "bfloat16":
                    return torch.from_numpy(data.view(np.int16)).view(torch.bfloat16)
                return torch.from_numpy(data)
            except (TypeError, RuntimeError):
                pass  # a dtype this torch lacks (uint32 before torch 2.3): a TensorArray
    if dtype == "bfloat16":
        bf = bfloat16_dtype()
        if bf is not None:
            out = arr.view(bf)
            return out.view(TensorArray) if ztype == "torch.Tensor" else out
        return arr.view(TensorBFloat16Array if ztype == "torch.Tensor" else BFloat16Array)
    if ztype == "torch.Tensor":
        return arr.view(TensorArray)
    return arr


def _is_index(d: object) -> bool:
    return isinstance(d, int) and not isinstance(d, bool) and d >= 0


def shape_product(shape: list[Any], path: Path) -> int:
    if len(shape) > MAX_DIMS:
        raise make_error("InvalidShape", f"{len(shape)} dimensions; at most {MAX_DIMS} are allowed", path)
    product = 1
    for i, d in enumerate(shape):
        if not _is_index(d):
            raise make_error("InvalidShape", f"dimension {i} must be a non-negative integer", [*path, i])
        product *= d
    if product > UINT64_MAX:
        raise make_error("InvalidShape", "the product of the dimensions overflows 64 bits", path)
    return product


def _bytes_field(entries: Mapping[str, Any], what: str) -> memoryview:
    b = entries.get("b")
    if b is None and "b" not in entries:
        raise make_error("MissingField", f'ZData needs "b" ({what})', ["b"])
    if isinstance(b, bytes | bytearray):
        return memoryview(b)
    if not isinstance(b, memoryview):
        raise make_error("WrongType", f'"b" must be {what} (bin)', ["b"])
    return b


def _elements(
    b: memoryview, dtype: str, big_endian: bool, count: int, shape: list[int], copy: bool
) -> np.ndarray[Any, Any]:
    expected = count * DTYPES[dtype]
    if b.nbytes != expected:
        raise make_error(
            "ShapeMismatch", f"b holds {b.nbytes} bytes; shape × itemsize of {dtype} needs {expected}", ["b"]
        )
    if dtype == "bool" and count > 0:
        raw = np.frombuffer(b, dtype=np.uint8)
        bad = np.flatnonzero(raw > 1)
        if bad.size:
            i = int(bad[0])
            raise make_error(
                "InvalidValue", f"bool element {i} is 0x{raw[i]:x}; only 00 and 01 are booleans", ["b"]
            )
    arr = np.frombuffer(b, dtype=storage_dtype(dtype, big_endian))
    if big_endian:
        arr = arr.astype(storage_dtype(dtype))
    elif copy:
        arr = arr.copy()
    else:
        arr.flags.writeable = False
    try:
        return arr.reshape(shape)
    except (ValueError, OverflowError):
        raise make_error("InvalidShape", "the shape is too large for this platform", ["shape"]) from None


def read_known_zdata(ztype: str, entries: Mapping[str, Any], copy: bool = False) -> Any:
    """The decoded form of a known ZData map (entries read raw: ``b`` a bin view, numbers as read), or None
    when the ztype is not known. Error paths are relative to the map."""
    fields = FIELDS.get(ztype)
    if fields is None:
        return None
    for key in entries:
        if key not in fields:
            raise make_error(
                "InvalidValue", f'{ztype} has no field "{key}" (fields: {", ".join(fields)})', [key]
            )
    if ztype == "image":
        b = _bytes_field(entries, "the encoded image file")
        fmt = entries.get("format")
        if "format" in entries and not isinstance(fmt, str):
            raise make_error("WrongType", "format must be a string", ["format"])
        return ZImage(b, fmt)
    if ztype == "safetensor.dict":
        b = _bytes_field(entries, "a safetensors file")
        try:
            return Safetensors(b.tobytes() if copy else b, copy=copy)
        except Exception as e:
            from .errors import VmpError

            if isinstance(e, VmpError):
                raise e.under(["b"]) from None
            raise
    b = _bytes_field(entries, "the element bytes as bin")
    compat = COMPAT_ARRAYS.get(ztype)
    if compat is not None:
        if "length" not in entries:
            raise make_error("MissingField", f'{ztype} needs "length" (the element count)', ["length"])
        length = entries["length"]
        if not _is_index(length):
            raise make_error("InvalidShape", "length must be a non-negative integer", ["length"])
        return _elements(b, compat, False, length, [length], copy)
    if "dtype" not in entries:
        raise make_error("MissingField", 'ZData needs "dtype" (a dtype name)', ["dtype"])
    dtype_text = entries["dtype"]
    if not isinstance(dtype_text, str):
        raise make_error("WrongType", '"dtype" must be a dtype name', ["dtype"])
    parsed = parse_dtype(dtype_text)
    if parsed is None:
        raise make_error(
            "UnsupportedDtype",
            f'"{dtype_text}" is not in the dtype vocabulary (bool, int8…uint64, float16, bfloat16, float32, '
            "float64, complex64, complex128)",
            ["dtype"],
        )
    if "shape" not in entries:
        raise make_error("MissingField", 'ZData needs "shape" (an array of dims, [] for 0-d)', ["shape"])
    shape = entries["shape"]
    if not isinstance(shape, list):
        raise make_error("WrongType", "shape must be an array of non-negative integers", ["shape"])
    count = shape_product(shape, ["shape"])
    if count == 0 and not _numpy_holds(shape):
        _elements(b, parsed[0], parsed[1], 0, [0], copy)
        return WideEmptyArray(parsed[0], tuple(shape), ztype)  # type: ignore[arg-type]
    arr = _elements(b, parsed[0], parsed[1], count, shape, copy)
    return wrap_array(arr, parsed[0], ztype)


# -- encoding --------------------------------------------------------------------------------------------------


def array_payload(v: Any, path: Path) -> tuple[ArrayZType, str, list[int], memoryview]:
    """``(ztype, dtype name, shape, little-endian C-order bytes)`` of a numpy array or a torch tensor."""
    ztype: ArrayZType = "numpy.ndarray"
    bf = False
    if isinstance(v, WideEmptyArray):
        return v.ztype, v.dtype, list(v.shape), memoryview(b"")
    if is_torch_tensor(v):
        torch = _torch()
        t = v.detach().cpu()
        ztype = "torch.Tensor"
        try:
            if torch is not None and t.dtype == torch.bfloat16:
                arr = t.contiguous().view(torch.int16).numpy().view(np.uint16)
                bf = True
            else:
                arr = t.resolve_conj().resolve_neg().numpy()
        except (TypeError, RuntimeError) as e:
            raise make_error("UnsupportedDtype", f"tensor of {t.dtype} has no VMP form ({e})", path) from None
    else:
        arr = v
        if isinstance(v, TensorArray):
            ztype = "torch.Tensor"
        if isinstance(v, BFloat16Array):
            bf = True
    base = np.asarray(arr)
    if bf:
        name: str | None = "bfloat16"
        if base.dtype.itemsize != 2 or base.dtype.kind not in "uiV":
            raise make_error("UnsupportedDtype", "a BFloat16Array holds 16-bit patterns", path)
    else:
        name = canonical_name(base.dtype)
    if name is None:
        raise make_error(
            "UnsupportedDtype",
            f"dtype {base.dtype} has no VMP form (object, string, datetime, structured…)",
            path,
        )
    if base.dtype.byteorder == ">" or (base.dtype.byteorder == "=" and not _LITTLE):
        base = base.astype(base.dtype.newbyteorder("<"))
    shape = [int(d) for d in base.shape]
    if not base.flags.c_contiguous:
        base = base.copy(order="C")
    flat = base.reshape(-1).view(np.uint8)
    return ztype, name, shape, flat.data


_LITTLE: Final = np.little_endian


def image_of(v: Any) -> ZImage:
    return ZImage.from_pil(v)


def numpy_canonical(dt: np.dtype[Any]) -> str | None:
    return canonical_name(dt)


# -- typed array fields (SPEC §7.11) ----------------------------------------------------------------------------


def array_meta(v: Any) -> tuple[str, tuple[int, ...]] | None:
    """``(dtype name, shape)`` of an array value (a numpy array, a torch tensor, a :class:`WideEmptyArray`), or
    None when ``v`` is not an array or its dtype has no VMP name."""
    if isinstance(v, WideEmptyArray):
        return v.dtype, v.shape
    if isinstance(v, np.ndarray):
        name = "bfloat16" if isinstance(v, BFloat16Array) else canonical_name(v.dtype)
        return None if name is None else (name, tuple(int(d) for d in v.shape))
    if is_torch_tensor(v):
        name = str(v.dtype).removeprefix("torch.")
        return (name, tuple(int(d) for d in v.shape)) if name in DTYPES else None
    return None


def array_problem(
    dtypes: tuple[str, ...] | None, pattern: tuple[int | None, ...] | None, dtype: str, shape: tuple[int, ...]
) -> str | None:
    """Why an array of ``dtype`` and ``shape`` does not fit a typed array field (``InvalidValue`` at the array),
    or None when it does."""
    if dtypes is not None and dtype not in dtypes:
        return f"dtype {dtype} is not allowed here ({', '.join(dtypes)})"
    if pattern is None:
        return None
    dims = ", ".join(str(d) for d in shape)
    shown = "[" + ", ".join("n" if d is None else str(d) for d in pattern) + "]"
    if len(shape) != len(pattern):
        return f"shape [{dims}] has {len(shape)} dimensions; the field's shape {shown} has {len(pattern)}"
    for i, (want, got) in enumerate(zip(pattern, shape, strict=True)):
        if want is not None and want != got:
            return f"shape [{dims}] does not match the field's shape {shown} at dimension {i}"
    return None


def as_numpy_array(v: Any) -> Any:
    """An array value as the numpy array a typed array field holds: a decoded ``torch.Tensor`` (a tensor, or a
    :class:`TensorArray`) becomes the numpy array of the same elements, which re-encodes as ``numpy.ndarray``."""
    if isinstance(v, WideEmptyArray):
        return WideEmptyArray(v.dtype, v.shape) if v.ztype != "numpy.ndarray" else v
    if isinstance(v, TensorBFloat16Array):
        return v.view(BFloat16Array)
    if isinstance(v, TensorArray):
        return v.view(np.ndarray)
    if is_torch_tensor(v):
        _, name, shape, payload = array_payload(v, [])
        arr = np.frombuffer(payload, dtype=storage_dtype(name)).reshape(shape)
        arr.flags.writeable = False
        return wrap_array(arr, name, "numpy.ndarray")
    return v


def zdata_ztype(v: Any) -> str | None:
    """The ztype a decoded value re-encodes with, for the known ZData classes; None otherwise."""
    if isinstance(v, np.ndarray):
        return "torch.Tensor" if isinstance(v, TensorArray) else "numpy.ndarray"
    if is_torch_tensor(v):
        return "torch.Tensor"
    if isinstance(v, ZImage):
        return "image"
    if isinstance(v, WideEmptyArray):
        return v.ztype
    if isinstance(v, Safetensors):
        return "safetensor.dict"
    return None
