"""Moves ONNX reference arrays of narrow element types (ml_dtypes: bfloat16, float8, 4- and 2-bit)
in and out of OpenVINO. OpenVINO's Python API shows bf16 as float16 bits and float8 as uint8, and
packs 4- and 2-bit elements into bytes, the first element in the low bits."""
import ml_dtypes  # noqa: F401 - registers the dtype names used below
import numpy as np
import openvino as ov

OV_TYPES = {
    "bfloat16": ov.Type.bf16, "float8_e4m3fn": ov.Type.f8e4m3, "float8_e5m2": ov.Type.f8e5m2,
    "float8_e8m0fnu": ov.Type.f8e8m0, "int4": ov.Type.i4, "uint4": ov.Type.u4,
    "float4_e2m1fn": ov.Type.f4e2m1, "uint2": ov.Type.u2,
}
PACKED_BITS = {"int4": 4, "uint4": 4, "float4_e2m1fn": 4, "uint2": 2}


def _pack(codes: np.ndarray, bits: int) -> np.ndarray:
    per = 8 // bits
    padded = np.zeros(-(-codes.size // per) * per, np.uint8)
    padded[:codes.size] = codes & ((1 << bits) - 1)
    padded = padded.reshape(-1, per)
    out = np.zeros(padded.shape[0], np.uint8)
    for k in range(per):
        out |= padded[:, k] << np.uint8(k * bits)
    return out


def _unpack(packed: np.ndarray, bits: int, count: int) -> np.ndarray:
    per = 8 // bits
    shifts = (np.arange(per) * bits).astype(np.uint8)
    codes = (packed.reshape(-1).view(np.uint8)[:, None] >> shifts) & np.uint8((1 << bits) - 1)
    return codes.reshape(-1)[:count]


def to_ov(array: np.ndarray):
    """The array itself, or an ov.Tensor holding it when numpy cannot hand it to OpenVINO."""
    name = array.dtype.name
    if name not in OV_TYPES:
        return array
    tensor = ov.Tensor(OV_TYPES[name], ov.Shape(list(array.shape)))
    codes = np.ascontiguousarray(array).reshape(-1).view(np.uint8)
    if name in PACKED_BITS:
        codes = _pack(codes, PACKED_BITS[name])
    tensor.data.reshape(-1).view(np.uint8)[:] = codes
    return tensor


def comparable(got: np.ndarray, want: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """OpenVINO's result decoded into the reference's type, then both as float32 or int64."""
    name = want.dtype.name
    if name not in OV_TYPES:
        return got, want
    if name in PACKED_BITS:
        codes = _unpack(np.ascontiguousarray(got), PACKED_BITS[name], want.size)
        if name == "int4":
            decoded = ((codes.astype(np.int8) << 4) >> 4).astype(np.int64)
        elif name == "float4_e2m1fn":
            decoded = codes.view(want.dtype).astype(np.float32)
        else:
            decoded = codes.astype(np.int64)
        decoded = decoded.reshape(want.shape)
    else:
        decoded = np.ascontiguousarray(got).reshape(-1).view(want.dtype).reshape(want.shape).astype(np.float32)
    return decoded, want.astype(decoded.dtype)
