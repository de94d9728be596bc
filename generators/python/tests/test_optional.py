"""Optional dependencies, tested when importable: ml_dtypes (bfloat16), PIL (images), torch (tensors)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from vmp_protocol import TensorArray, ZImage, decode_value, encode_value

BF16_FRAME = bytes.fromhex(
    "84a57a74797065ad6e756d70792e6e646172726179a162c404003f4040a56474797065a862666c6f61743136a573686170659102"
)


def test_ml_dtypes_bfloat16() -> None:
    ml_dtypes = pytest.importorskip("ml_dtypes")
    arr = decode_value(BF16_FRAME)
    assert arr.dtype == np.dtype(ml_dtypes.bfloat16)
    assert arr.astype(np.float32).tolist() == [0.5, 3.0]
    assert encode_value(arr) == BF16_FRAME
    made = np.array([0.5, 3.0], dtype=ml_dtypes.bfloat16)
    assert encode_value(made) == BF16_FRAME
    tensor_frame = BF16_FRAME.replace(b"\xadnumpy.ndarray", b"\xactorch.Tensor")
    t = decode_value(tensor_frame)
    if not isinstance(t, np.ndarray):  # torch is installed
        return
    assert isinstance(t, TensorArray) and encode_value(t) == tensor_frame


def test_pil_images() -> None:
    image_mod = pytest.importorskip("PIL.Image")
    img = image_mod.new("RGB", (2, 2), (255, 0, 0))
    frame = encode_value({"img": img})
    z = decode_value(frame)["img"]
    assert isinstance(z, ZImage) and z.format == "png"
    assert z.to_pil().size == (2, 2)
    buf = io.BytesIO()
    img.save(buf, format="JPEG")
    opened = image_mod.open(io.BytesIO(buf.getvalue()))  # a JpegImageFile keeps its format
    assert decode_value(encode_value(opened)).format == "jpeg"


def test_torch_tensors() -> None:
    torch = pytest.importorskip("torch")
    t = torch.arange(6, dtype=torch.float32).reshape(2, 3).T
    frame = encode_value(t)
    back = decode_value(frame)
    assert isinstance(back, torch.Tensor) and back.tolist() == t.tolist()
    assert encode_value(back) == frame
    p = torch.nn.Parameter(torch.ones(2, dtype=torch.bfloat16))
    back = decode_value(encode_value(p))
    assert back.dtype == torch.bfloat16
