#!/usr/bin/env python3
"""Writes rules/tensorflow/tests/more_ops.test.json: rule tests of the TensorFlow ops real
architectures add to the basic set (unary.lua, logic.lua, array.lua, image.lua, Conv3D, the fused
ops), the expected outputs computed by TensorFlow (tf.raw_ops) on small seeded inputs.

    ~/.cache/remo/venv/bin/python tests/conformance/make_tf_rule_tests_more.py
"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_tf_rule_tests as base  # noqa: E402
from make_tf_rule_tests import arr, case, np, tf  # noqa: E402

OUT = Path(__file__).resolve().parents[2] / "rules" / "tensorflow" / "tests" / "more_ops.test.json"
base.TYPES.update({np.bool_: "boolean", np.uint8: "u8"})
raw = tf.raw_ops


def flat(y):
    return np.asarray(y).ravel().astype(np.float64).round(6).tolist()


def multi(name, op, inputs, attrs, fn, n_out, consts=()):
    """A case whose node has n_out outputs y0..y{n-1}; fn returns them all."""
    t = case(name, op, inputs, attrs, lambda *a: np.zeros(1), consts=consts)
    ys = fn(*[tf.constant(a) for _, a in inputs])
    names = [f"y{i}" for i in range(n_out)]
    t["nodes"][0]["outputs"] = names
    t["outputs"] = names
    t["check"]["outputs"] = {n: flat(y) for n, y in zip(names, ys)}
    return t


def unary_cases():
    out = []
    x = arr([2, 5]) * 2
    pos = np.abs(x) + 0.1
    small = np.clip(x / 3, -0.9, 0.9).astype(np.float32)
    for op, data in (("Abs", x), ("Neg", x), ("Exp", x), ("Log", pos), ("Floor", x), ("Ceil", x), ("Sign", x),
                     ("Erf", x), ("Sin", x), ("Cos", x), ("Tan", small), ("Asin", small), ("Acos", small),
                     ("Atan", x), ("Sinh", x), ("Cosh", x), ("Asinh", x), ("Acosh", pos + 1), ("Atanh", small),
                     ("Softplus", x), ("Softsign", x), ("Selu", x), ("Reciprocal", pos), ("Log1p", pos),
                     ("Expm1", x), ("Rint", x)):
        fn = getattr(raw, op)
        key = "features" if op in ("Softplus", "Softsign", "Selu") else "x"
        out.append(case(op, op, [("x", data)], {}, lambda u, fn=fn, key=key: fn(**{key: u})))
    halves = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.3, -0.7], np.float32)
    out.append(case("Round halves to even", "Round", [("x", halves)], {}, lambda u: raw.Round(x=u)))
    # Round of integers is the identity by the op's definition; TensorFlow 2.21's CPU kernel returns
    # zeros for int32, so that case has no TensorFlow-computed test.
    out.append(case("LogSoftmax", "LogSoftmax", [("x", x)], {}, lambda u: raw.LogSoftmax(logits=u)))
    out.append(case("Erfc", "Erfc", [("x", x)], {}, lambda u: raw.Erfc(x=u)))
    out.append(case("LogicalNot", "LogicalNot", [("x", np.array([True, False, True]))], {},
                    lambda u: raw.LogicalNot(x=u)))
    return out


def more_math_cases():
    out = []
    y = np.array([1.0, -1.0, 0.0, 2.0, -0.5, 0.0, 3.0, -3.0], np.float32)
    x = np.array([1.0, -2.0, 1.0, 0.0, 0.0, -1.0, -1.0, -1.0], np.float32)
    out.append(case("Atan2 in every quadrant and on the axes", "Atan2", [("a", y), ("b", x)], {},
                    lambda u, w: raw.Atan2(y=u, x=w)))
    a = np.array([0.0, 1.5, -2.0, 0.0], np.float32)
    b = np.array([0.0, 2.0, 0.5, 3.0], np.float32)
    for op in ("Xdivy", "Xlogy", "Xlog1py"):
        fn = getattr(raw, op)
        out.append(case(f"{op} with zeros", op, [("a", a), ("b", b)], {}, lambda u, w, fn=fn: fn(x=u, y=w)))
    out.append(case("L2Loss", "L2Loss", [("x", arr([2, 3]))], {}, lambda u: raw.L2Loss(t=u)))
    ia, ib = np.array([12, -7, 5, 255], np.int32), np.array([10, 3, 1, 4], np.int32)
    for op in ("BitwiseAnd", "BitwiseOr", "BitwiseXor", "LeftShift", "RightShift"):
        fn = getattr(raw, op)
        out.append(case(op, op, [("a", ia), ("b", ib)], {}, lambda u, w, fn=fn: fn(x=u, y=w)))
    out.append(case("Invert", "Invert", [("x", ia)], {}, lambda u: raw.Invert(x=u)))
    out.append(case("IsFinite", "IsFinite", [("x", arr([5]))], {}, lambda u: raw.IsFinite(x=u)))
    return out


def logic_cases():
    out = []
    a, b = arr([2, 3]), arr([3])
    b[0] = a[0, 0]
    for op in ("Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual"):
        fn = getattr(raw, op)
        out.append(case(f"{op} with broadcasting", op, [("a", a), ("b", b)], {}, lambda u, w, fn=fn: fn(x=u, y=w)))
    p, q = np.array([[True, False], [True, True]]), np.array([False, True])
    for op in ("LogicalAnd", "LogicalOr"):
        fn = getattr(raw, op)
        out.append(case(op, op, [("a", p), ("b", q)], {}, lambda u, w, fn=fn: fn(x=u, y=w)))
    ia = np.array([7, -7, 7, -7, 5, 0], np.int32)
    ib = np.array([2, 2, -2, -2, 5, 3], np.int32)
    fa, fb = ia.astype(np.float32) + 0.5, ib.astype(np.float32)
    for op in ("FloorDiv", "FloorMod", "TruncateDiv", "TruncateMod", "Div"):
        fn = getattr(raw, op)
        out.append(case(f"{op} of integers", op, [("a", ia), ("b", ib)], {}, lambda u, w, fn=fn: fn(x=u, y=w)))
    for op in ("FloorDiv", "FloorMod", "Mod"):
        fn = getattr(raw, op)
        out.append(case(f"{op} of reals", op, [("a", fa), ("b", fb)], {}, lambda u, w, fn=fn: fn(x=u, y=w)))
    out.append(case("DivNoNan", "DivNoNan", [("a", fa), ("b", np.array([2, 0, -2, 0, 5, 3], np.float32))], {},
                    lambda u, w: raw.DivNoNan(x=u, y=w)))
    out.append(case("AddN of three", "AddN", [("a", a), ("b", arr([2, 3])), ("c", arr([2, 3]))], {"N": 3},
                    lambda u, v, w: raw.AddN(inputs=[u, v, w])))
    c = np.array([[True, False, True]])
    out.append(case("SelectV2 broadcasting", "SelectV2", [("c", c), ("x", arr([2, 3])), ("e", arr([1]))], {},
                    lambda k, u, w: raw.SelectV2(condition=k, t=u, e=w)))
    rows = np.array([True, False])
    out.append(case("Select with a row condition", "Select", [("c", rows), ("x", arr([2, 3])), ("e", arr([2, 3]))], {},
                    lambda k, u, w: raw.Select(condition=k, x=u, y=w)))
    same = np.array([[True, False, False], [False, True, True]])
    out.append(case("Select elementwise", "Select", [("c", same), ("x", arr([2, 3])), ("e", arr([2, 3]))], {},
                    lambda k, u, w: raw.Select(condition=k, x=u, y=w)))
    out.append(case("Select with a scalar condition", "Select",
                    [("c", np.array(False)), ("x", arr([2, 3])), ("e", arr([2, 3]))], {},
                    lambda k, u, w: raw.Select(condition=k, x=u, y=w)))
    out.append(case("ClipByValue with a tensor and a scalar bound", "ClipByValue",
                    [("x", arr([2, 3]) * 3), ("lo", np.array([[-1.0, -0.5, 0.0], [0.2, -2.0, 1.0]], np.float32)),
                     ("hi", np.array(1.0, np.float32))], {},
                    lambda u, lo, hi: raw.ClipByValue(t=u, clip_value_min=lo, clip_value_max=hi)))
    w = np.array([[1.0, 0.0, 2.0], [0.0, 0.0, 3.0]], np.float32)
    out.append(case("FloorDiv of integers by a constant", "FloorDiv",
                    [("a", ia), ("b", np.array(3, np.int32))], {}, lambda u, w: raw.FloorDiv(x=u, y=w), consts=("b",)))
    out.append(case("Where of a float tensor", "Where", [("x", w)], {}, lambda u: raw.Where(condition=u),
                    consts=("x",)))
    return out


def array_cases():
    out = []
    params = arr([4, 3, 2])
    idx = np.array([[3, 0], [1, 1]], np.int32)
    out.append(case("GatherV2 axis 1", "GatherV2",
                    [("p", params), ("i", np.array([2, 0, 2], np.int32)), ("a", np.array(1, np.int32))], {},
                    lambda p, i, a: raw.GatherV2(params=p, indices=i, axis=a), consts=("i", "a")))
    out.append(case("GatherV2 batch_dims 1", "GatherV2",
                    [("p", params), ("i", np.array([[2, 0], [1, 1], [0, 0], [2, 1]], np.int32)),
                     ("a", np.array(1, np.int32))], {"batch_dims": 1},
                    lambda p, i, a: raw.GatherV2(params=p, indices=i, axis=a, batch_dims=1), consts=("i", "a")))
    out.append(case("GatherV2 batch_dims 1 with a batch of 1", "GatherV2",
                    [("p", arr([1, 5, 2])), ("i", np.array([[4, 0, 4]], np.int32)), ("a", np.array(-2, np.int32))],
                    {"batch_dims": 1},
                    lambda p, i, a: raw.GatherV2(params=p, indices=i, axis=a, batch_dims=1), consts=("i", "a"),
                    expect={"ops": ["opset1.Squeeze", "opset1.Squeeze", "opset8.Gather", "opset1.Unsqueeze"]}))
    out.append(case("GatherV2 of embeddings by token ids", "GatherV2",
                    [("p", arr([5, 3])), ("i", idx), ("a", np.array(0, np.int32))], {},
                    lambda p, i, a: raw.GatherV2(params=p, indices=i, axis=a), consts=("p", "a")))
    out.append(case("GatherNd", "GatherNd", [("p", params), ("i", idx)], {},
                    lambda p, i: raw.GatherNd(params=p, indices=i), consts=("i",)))
    out.append(case("ScatterNd sums repeated indices", "ScatterNd",
                    [("i", np.array([[1], [3], [1]], np.int32)), ("u", arr([3, 2])), ("s", np.array([5, 2], np.int32))],
                    {}, lambda i, u, s: raw.ScatterNd(indices=i, updates=u, shape=s), consts=("i", "s")))
    for op in ("TensorScatterUpdate", "TensorScatterAdd", "TensorScatterMax"):
        fn = getattr(raw, op)
        out.append(case(op, op, [("x", arr([4, 2])), ("i", np.array([[2], [0]], np.int32)), ("u", arr([2, 2]))], {},
                        lambda x, i, u, fn=fn: fn(tensor=x, indices=i, updates=u), consts=("i",)))
    for axis in (-1, 0):
        out.append(case(f"OneHot axis {axis}", "OneHot",
                        [("i", np.array([0, 2, -1, 1], np.int32)), ("d", np.array(3, np.int32)),
                         ("on", np.array(5.0, np.float32)), ("off", np.array(-1.0, np.float32))], {"axis": axis},
                        lambda i, d, on, off, axis=axis: raw.OneHot(indices=i, depth=d, on_value=on, off_value=off,
                                                                    axis=axis), consts=("d", "on", "off")))
    tk = np.array([[1, 3, 3, 0, 2], [5, 1, 5, 5, 0]], np.float32)
    out.append(multi("TopKV2 k 3, ties in index order", "TopKV2", [("x", tk), ("k", np.array(3, np.int32))],
                     {"sorted": True}, lambda u, k: raw.TopKV2(input=u, k=k, sorted=True), 2, consts=("k",)))
    out.append(multi("TopKV2 of i32", "TopKV2", [("x", arr([2, 6], np.int32)), ("k", np.array(2, np.int32))],
                     {}, lambda u, k: raw.TopKV2(input=u, k=k), 2, consts=("k",)))
    out.append(case("Cumsum of i32", "Cumsum", [("x", arr([2, 4], np.int32)), ("a", np.array(0, np.int32))], {},
                    lambda u, a: raw.Cumsum(x=u, axis=a), consts=("a",)))
    out.append(case("GatherV2 of i64 by i64 indices", "GatherV2",
                    [("p", arr([4, 2], np.int64)), ("i", np.array([3, 3, 0], np.int64)), ("a", np.array(0, np.int64))],
                    {}, lambda p, i, a: raw.GatherV2(params=p, indices=i, axis=a), consts=("i", "a")))
    for op in ("ArgMax", "ArgMin"):
        fn = getattr(raw, op)
        out.append(case(f"{op} axis 1, first of ties", op, [("x", tk), ("a", np.array(1, np.int32))], {},
                        lambda u, a, fn=fn: fn(input=u, dimension=a), consts=("a",)))
    out.append(case("ArgMax output_type i32 axis 0", "ArgMax", [("x", tk), ("a", np.array(0, np.int32))],
                    {"output_type": "i32"},
                    lambda u, a: raw.ArgMax(input=u, dimension=a, output_type=tf.int32), consts=("a",)))
    cs = arr([2, 4])
    for ex, rev in ((False, False), (True, False), (False, True), (True, True)):
        out.append(case(f"Cumsum exclusive {ex} reverse {rev}", "Cumsum", [("x", cs), ("a", np.array(1, np.int32))],
                        {"exclusive": ex, "reverse": rev},
                        lambda u, a, ex=ex, rev=rev: raw.Cumsum(x=u, axis=a, exclusive=ex, reverse=rev), consts=("a",)))
    out.append(case("Range of ints", "Range",
                    [("s", np.array(2, np.int32)), ("l", np.array(11, np.int32)), ("d", np.array(3, np.int32))], {},
                    lambda s, lm, d: raw.Range(start=s, limit=lm, delta=d), consts=("s", "l", "d")))
    out.append(case("Range of reals, negative delta", "Range",
                    [("s", np.array(1.0, np.float32)), ("l", np.array(-1.0, np.float32)),
                     ("d", np.array(-0.5, np.float32))], {},
                    lambda s, lm, d: raw.Range(start=s, limit=lm, delta=d), consts=("s", "l", "d")))
    for num in (5, 1):
        out.append(case(f"LinSpace of {num}", "LinSpace",
                        [("a", np.array(-1.0, np.float32)), ("b", np.array(2.0, np.float32)),
                         ("n", np.array(num, np.int32))], {},
                        lambda a, b, n: raw.LinSpace(start=a, stop=b, num=n), consts=("n",)))
    out.append(case("Fill", "Fill", [("d", np.array([2, 3], np.int32)), ("v", np.array(1.5, np.float32))], {},
                    lambda d, v: raw.Fill(dims=d, value=v), consts=("d",)))
    out.append(case("BroadcastTo", "BroadcastTo", [("x", arr([3, 1])), ("s", np.array([2, 3, 4], np.int32))], {},
                    lambda u, s: raw.BroadcastTo(input=u, shape=s), consts=("s",)))
    out.append(case("BroadcastArgs", "BroadcastArgs",
                    [("a", np.array([2, 1, 3], np.int32)), ("b", np.array([4, 1], np.int32))], {},
                    lambda u, w: raw.BroadcastArgs(s0=u, s1=w), consts=("a", "b")))
    out.append(case("Tile", "Tile", [("x", arr([2, 3])), ("m", np.array([2, 1], np.int32))], {},
                    lambda u, m: raw.Tile(input=u, multiples=m), consts=("m",)))
    out.append(case("ZerosLike", "ZerosLike", [("x", arr([2, 3]))], {}, lambda u: raw.ZerosLike(x=u)))
    out.append(case("OnesLike of ints", "OnesLike", [("x", arr([3], np.int32))], {}, lambda u: raw.OnesLike(x=u)))
    out.append(case("Size", "Size", [("x", arr([2, 3, 4]))], {"out_type": "i32"}, lambda u: raw.Size(input=u)))
    out.append(case("Rank", "Rank", [("x", arr([2, 3, 4]))], {}, lambda u: raw.Rank(input=u)))
    sl = arr([3, 4, 5])
    out.append(case("Slice with a size of -1", "Slice",
                    [("x", sl), ("b", np.array([1, 0, 2], np.int32)), ("s", np.array([2, -1, 2], np.int32))], {},
                    lambda u, b, s: raw.Slice(input=u, begin=b, size=s), consts=("b", "s")))
    out.append(multi("Split in 2 along axis 1", "Split", [("a", np.array(1, np.int32)), ("x", arr([2, 4, 3]))],
                     {"num_split": 2}, lambda a, u: raw.Split(axis=a, value=u, num_split=2), 2, consts=("a",)))
    out.append(multi("SplitV with a -1 size", "SplitV",
                     [("x", arr([2, 6])), ("s", np.array([1, -1, 2], np.int32)), ("a", np.array(-1, np.int32))], {},
                     lambda u, s, a: raw.SplitV(value=u, size_splits=s, axis=a, num_split=3), 3, consts=("s", "a")))
    out.append(multi("Unpack axis 1", "Unpack", [("x", arr([2, 3, 2]))], {"num": 3, "axis": 1},
                     lambda u: raw.Unpack(value=u, num=3, axis=1), 3))
    out.append(case("ReverseV2 two axes", "ReverseV2", [("x", sl), ("a", np.array([0, -1], np.int32))], {},
                    lambda u, a: raw.ReverseV2(tensor=u, axis=a), consts=("a",)))
    band = arr([2, 4, 5])
    for lo, hi in ((1, 0), (-1, 1), (0, -1)):
        out.append(case(f"MatrixBandPart lower {lo} upper {hi}", "MatrixBandPart",
                        [("x", band), ("l", np.array(lo, np.int64)), ("u", np.array(hi, np.int64))], {},
                        lambda u, lw, up: raw.MatrixBandPart(input=u, num_lower=lw, num_upper=up),
                        consts=("l", "u")))
    for eq, shapes in (("bij,bjk->bik", ([2, 3, 4], [2, 4, 2])), ("abcd,aecd->acbe", ([1, 2, 2, 3], [1, 4, 2, 3])),
                       ("bqhd,bkhd->bhqk", ([1, 3, 2, 4], [1, 5, 2, 4]))):
        out.append(case(f"Einsum {eq}", "Einsum", [("a", arr(shapes[0])), ("b", arr(shapes[1]))],
                        {"equation": eq, "N": 2}, lambda u, w, eq=eq: raw.Einsum(inputs=[u, w], equation=eq)))
    flags = np.array([[True, False, True], [True, True, True]])
    for op in ("Any", "All"):
        fn = getattr(raw, op)
        for keep in (False, True):
            out.append(case(f"{op} keep_dims {keep}", op, [("x", flags), ("a", np.array([1], np.int32))],
                            {"keep_dims": keep}, lambda u, a, fn=fn, keep=keep: fn(input=u, axis=a, keep_dims=keep),
                            consts=("a",)))
    out.append(case("Concat (v1)", "Concat", [("axis", np.array(1, np.int32)), ("a", arr([2, 1])), ("b", arr([2, 3]))],
                    {"N": 2}, lambda ax, u, w: raw.Concat(concat_dim=ax, values=[u, w]), consts=("axis",)))
    out.append(case("ReverseSequence seq_dim 1 batch_dim 0", "ReverseSequence",
                    [("x", arr([2, 4, 3])), ("n", np.array([3, 1], np.int64))], {"seq_dim": 1, "batch_dim": 0},
                    lambda u, n: raw.ReverseSequence(input=u, seq_lengths=n, seq_dim=1, batch_dim=0), consts=("n",)))
    out.append(case("BiasAddV1", "BiasAddV1", [("x", arr([2, 3])), ("b", arr([3]))], {},
                    lambda u, b: raw.BiasAddV1(value=u, bias=b), consts=("b",)))
    out.append(multi("ShapeN", "ShapeN", [("a", arr([2, 3])), ("b", arr([4]))], {"N": 2, "out_type": "i64"},
                     lambda u, w: raw.ShapeN(input=[u, w], out_type=tf.int64), 2))
    out.append(case("InvertPermutation", "InvertPermutation", [("p", np.array([2, 0, 3, 1], np.int32))], {},
                    lambda u: raw.InvertPermutation(x=u)))
    for shift, axis in (([2], [1]), ([-1, 3], [0, 2]), ([1, 1], [1, 1])):
        out.append(case(f"Roll shift {shift} axis {axis}", "Roll",
                        [("x", sl), ("s", np.array(shift, np.int32)), ("a", np.array(axis, np.int32))], {},
                        lambda u, s_, a, shift=shift, axis=axis: raw.Roll(input=u, shift=s_, axis=a),
                        consts=("s", "a")))
    out.append(case("EuclideanNorm", "EuclideanNorm", [("x", sl), ("a", np.array([1], np.int32))],
                    {"keep_dims": True}, lambda u, a: raw.EuclideanNorm(input=u, axis=a, keep_dims=True),
                    consts=("a",)))
    return out


def image_cases():
    out = []
    img = arr([1, 3, 4, 2])
    for op in ("ResizeBilinear", "ResizeNearestNeighbor"):
        fn = getattr(raw, op)
        for size, align, half in (([5, 7], False, False), ([5, 7], True, False), ([6, 3], False, True),
                                  ([2, 3], False, False), ([2, 2], True, False)):
            out.append(case(f"{op} to {size} align_corners {align} half_pixel_centers {half}", op,
                            [("x", img), ("s", np.array(size, np.int32))],
                            {"align_corners": align, "half_pixel_centers": half},
                            lambda u, s, fn=fn, a=align, h=half: fn(images=u, size=s, align_corners=a,
                                                                    half_pixel_centers=h), consts=("s",)))
    for size, align, half in (([5, 7], False, False), ([5, 7], True, False), ([6, 3], False, True),
                              ([2, 9], False, True), ([1, 1], True, False)):
        out.append(case(f"ResizeBicubic to {size} align_corners {align} half_pixel_centers {half}", "ResizeBicubic",
                        [("x", img), ("s", np.array(size, np.int32))],
                        {"align_corners": align, "half_pixel_centers": half},
                        lambda u, s, a=align, h=half: raw.ResizeBicubic(images=u, size=s, align_corners=a,
                                                                        half_pixel_centers=h), consts=("s",)))
    for size, align in (([2, 3], False), ([5, 7], False), ([3, 2], True), ([2, 5], False)):
        out.append(case(f"ResizeArea to {size} align_corners {align}", "ResizeArea",
                        [("x", img), ("s", np.array(size, np.int32))], {"align_corners": align},
                        lambda u, s, a=align: raw.ResizeArea(images=u, size=s, align_corners=a), consts=("s",)))
    big = arr([1, 6, 7, 2])
    for kernel, size, scale, shift, anti in (("lanczos3", [3, 4], [0.5, 4 / 7], [0.0, 0.0], True),
                                            ("lanczos5", [9, 10], [1.5, 10 / 7], [0.0, 0.0], True),
                                            ("triangle", [3, 3], [0.5, 3 / 7], [0.0, 0.0], False),
                                            ("keyscubic", [4, 9], [4 / 6, 9 / 7], [0.3, -0.2], True),
                                            ("mitchellcubic", [3, 5], [0.5, 5 / 7], [0.0, 0.0], True),
                                            ("gaussian", [4, 4], [4 / 6, 4 / 7], [0.0, 0.0], True),
                                            ("box", [3, 14], [0.5, 2.0], [0.0, 0.0], True),
                                            ("lanczos1", [3, 4], [0.5, 4 / 7], [0.0, 0.0], True)):
        out.append(case(f"ScaleAndTranslate {kernel} to {size} translation {shift} antialias {anti}",
                        "ScaleAndTranslate",
                        [("x", big), ("s", np.array(size, np.int32)), ("sc", np.array(scale, np.float32)),
                         ("t", np.array(shift, np.float32))], {"kernel_type": kernel, "antialias": anti},
                        lambda u, s, sc, t, k=kernel, a=anti: raw.ScaleAndTranslate(
                            images=u, size=s, scale=sc, translation=t, kernel_type=k, antialias=a),
                        consts=("s", "sc", "t")))
    patches = arr([1, 5, 6, 2])
    for k, st, rate, padding in (([1, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], "VALID"),
                                 ([1, 3, 2, 1], [1, 2, 3, 1], [1, 1, 1, 1], "SAME"),
                                 ([1, 2, 2, 1], [1, 1, 2, 1], [1, 2, 2, 1], "VALID")):
        out.append(case(f"ExtractImagePatches ksizes {k[1:3]} strides {st[1:3]} rates {rate[1:3]} {padding}",
                        "ExtractImagePatches", [("x", patches)],
                        {"ksizes": k, "strides": st, "rates": rate, "padding": padding},
                        lambda u, k=k, st=st, rate=rate, p=padding: raw.ExtractImagePatches(
                            images=u, ksizes=k, strides=st, rates=rate, padding=p)))
    crop_img = arr([2, 5, 6, 2])
    crop_boxes = np.array([[0.1, 0.2, 0.8, 0.9], [0.5, 0.6, 0.1, 0.2], [-0.2, 0.3, 0.6, 1.3], [0.3, 0.3, 0.3, 0.3]],
                          np.float32)
    crop_ind = np.array([0, 1, 1, 0], np.int32)
    for method, size, extra in (("bilinear", [3, 4], 0.0), ("bilinear", [1, 2], -1.0), ("nearest", [4, 3], 2.5)):
        out.append(case(f"CropAndResize {method} to {size}, extrapolation {extra}", "CropAndResize",
                        [("img", crop_img), ("boxes", crop_boxes), ("ind", crop_ind), ("size", np.array(size, np.int32))],
                        {"method": method, "extrapolation_value": extra},
                        lambda u, bx, bi, sz, m=method, e=extra: raw.CropAndResize(
                            image=u, boxes=bx, box_ind=bi, crop_size=sz, method=m, extrapolation_value=e),
                        consts=("size",)))
    u8 = np.arange(24, dtype=np.uint8).reshape([1, 3, 4, 2]) * 10
    out.append(case("ResizeBilinear of u8 gives f32", "ResizeBilinear", [("x", u8), ("s", np.array([5, 5], np.int32))],
                    {"half_pixel_centers": True},
                    lambda u, s: raw.ResizeBilinear(images=u, size=s, half_pixel_centers=True), consts=("s",)))
    out.append(case("ResizeNearestNeighbor of i32", "ResizeNearestNeighbor",
                    [("x", arr([1, 3, 4, 2], np.int32)), ("s", np.array([6, 5], np.int32))], {"half_pixel_centers": True},
                    lambda u, s: raw.ResizeNearestNeighbor(images=u, size=s, half_pixel_centers=True), consts=("s",)))
    d = arr([1, 2, 3, 8])
    out.append(case("DepthToSpace block 2", "DepthToSpace", [("x", d)], {"block_size": 2},
                    lambda u: raw.DepthToSpace(input=u, block_size=2)))
    out.append(case("SpaceToDepth block 2", "SpaceToDepth", [("x", arr([1, 4, 6, 3]))], {"block_size": 2},
                    lambda u: raw.SpaceToDepth(input=u, block_size=2)))
    out.append(case("DepthToSpace NCHW", "DepthToSpace", [("x", d.transpose(0, 3, 1, 2).copy())],
                    {"block_size": 2, "data_format": "NCHW"},
                    lambda u: tf.transpose(raw.DepthToSpace(input=tf.transpose(u, [0, 2, 3, 1]), block_size=2),
                                           [0, 3, 1, 2])))
    out.append(case("LRN radius 2", "LRN", [("x", arr([1, 2, 3, 7]))],
                    {"depth_radius": 2, "bias": 1.5, "alpha": 0.3, "beta": 0.75},
                    lambda u: raw.LRN(input=u, depth_radius=2, bias=1.5, alpha=0.3, beta=0.75)))
    sb = arr([2, 5, 4, 3])
    out.append(case("SpaceToBatchND block [2, 2] padded", "SpaceToBatchND",
                    [("x", sb), ("b", np.array([2, 2], np.int32)), ("p", np.array([[1, 0], [2, 2]], np.int32))], {},
                    lambda u, b, p: raw.SpaceToBatchND(input=u, block_shape=b, paddings=p), consts=("b", "p")))
    bs = arr([8, 3, 4, 2])
    out.append(case("BatchToSpaceND block [2, 2] cropped", "BatchToSpaceND",
                    [("x", bs), ("b", np.array([2, 2], np.int32)), ("c", np.array([[1, 0], [0, 3]], np.int32))], {},
                    lambda u, b, c: raw.BatchToSpaceND(input=u, block_shape=b, crops=c), consts=("b", "c")))
    out.append(case("SpaceToBatchND of a sequence, block [3]", "SpaceToBatchND",
                    [("x", arr([1, 7, 2])), ("b", np.array([3], np.int32)), ("p", np.array([[2, 0]], np.int32))], {},
                    lambda u, b, p: raw.SpaceToBatchND(input=u, block_shape=b, paddings=p), consts=("b", "p")))
    dy = arr([1, 3, 3, 2])
    filt = arr([3, 3, 4, 2])
    for padding, sizes, strides, dil in (("SAME", [1, 6, 6, 4], [1, 2, 2, 1], [1, 1, 1, 1]),
                                         ("SAME", [1, 5, 5, 4], [1, 2, 2, 1], [1, 1, 1, 1]),
                                         ("VALID", [1, 8, 7, 4], [1, 2, 2, 1], [1, 1, 1, 1]),
                                         ("VALID", [1, 7, 7, 4], [1, 1, 1, 1], [1, 2, 2, 1])):
        out.append(case(f"Conv2DBackpropInput {padding} to {sizes[1:3]} strides {strides[1:3]} dilations {dil[1:3]}",
                        "Conv2DBackpropInput",
                        [("s", np.array(sizes, np.int32)), ("w", filt), ("dy", dy)],
                        {"strides": strides, "padding": padding, "dilations": dil},
                        lambda s, w, y, st=strides, p=padding, dl=dil: raw.Conv2DBackpropInput(
                            input_sizes=s, filter=w, out_backprop=y, strides=st, padding=p, dilations=dl),
                        consts=("s", "w")))
    out.append(case("Conv2DBackpropInput NCHW", "Conv2DBackpropInput",
                    [("s", np.array([1, 4, 6, 6], np.int32)), ("w", filt), ("dy", dy.transpose(0, 3, 1, 2).copy())],
                    {"strides": [1, 1, 2, 2], "padding": "SAME", "data_format": "NCHW"},
                    lambda s, w, y: tf.transpose(raw.Conv2DBackpropInput(
                        input_sizes=[1, 6, 6, 4], filter=w, out_backprop=tf.transpose(y, [0, 2, 3, 1]),
                        strides=[1, 2, 2, 1], padding="SAME"), [0, 3, 1, 2]), consts=("s", "w")))
    out.append(case("Conv2DBackpropInput EXPLICIT", "Conv2DBackpropInput",
                    [("s", np.array([1, 6, 5, 4], np.int32)), ("w", filt), ("dy", dy)],
                    {"strides": [1, 2, 2, 1], "padding": "EXPLICIT", "explicit_paddings": [0, 0, 1, 1, 0, 2, 0, 0]},
                    lambda s, w, y: raw.Conv2DBackpropInput(input_sizes=s, filter=w, out_backprop=y,
                                                            strides=[1, 2, 2, 1], padding="EXPLICIT",
                                                            explicit_paddings=[0, 0, 1, 1, 0, 2, 0, 0]),
                    consts=("s", "w")))
    dy5, f5 = arr([1, 2, 3, 2, 2]), arr([2, 3, 2, 3, 2])
    out.append(case("Conv3DBackpropInputV2 SAME strides 2", "Conv3DBackpropInputV2",
                    [("s", np.array([1, 4, 5, 4, 3], np.int32)), ("w", f5), ("dy", dy5)],
                    {"strides": [1, 2, 2, 2, 1], "padding": "SAME"},
                    lambda s, w, y: raw.Conv3DBackpropInputV2(input_sizes=s, filter=w, out_backprop=y,
                                                              strides=[1, 2, 2, 2, 1], padding="SAME"),
                    consts=("s", "w")))
    x5, w5 = arr([1, 4, 5, 4, 2]), arr([2, 3, 2, 2, 3])
    out.append(case("Conv3D NDHWC SAME strides 2", "Conv3D", [("x", x5), ("w", w5)],
                    {"strides": [1, 2, 2, 1, 1], "padding": "SAME"},
                    lambda u, w: raw.Conv3D(input=u, filter=w, strides=[1, 2, 2, 1, 1], padding="SAME"),
                    consts=("w",)))
    out.append(case("Conv3D dilations VALID", "Conv3D", [("x", x5), ("w", w5)],
                    {"strides": [1, 1, 1, 1, 1], "padding": "VALID", "dilations": [1, 1, 2, 1, 1]},
                    lambda u, w: raw.Conv3D(input=u, filter=w, strides=[1, 1, 1, 1, 1], padding="VALID",
                                            dilations=[1, 1, 2, 1, 1]), consts=("w",)))
    xd, wd = arr([1, 6, 6, 2]), arr([3, 3, 2, 1])
    out.append(case("DepthwiseConv2dNative dilations 2", "DepthwiseConv2dNative", [("x", xd), ("w", wd)],
                    {"strides": [1, 1, 1, 1], "padding": "SAME", "dilations": [1, 2, 2, 1]},
                    lambda u, w: raw.DepthwiseConv2dNative(input=u, filter=w, strides=[1, 1, 1, 1], padding="SAME",
                                                           dilations=[1, 2, 2, 1]), consts=("w",)))
    out.append(case("DepthwiseConv2dNative NCHW", "DepthwiseConv2dNative",
                    [("x", xd.transpose(0, 3, 1, 2).copy()), ("w", wd)],
                    {"strides": [1, 1, 2, 2], "padding": "VALID", "data_format": "NCHW"},
                    lambda u, w: tf.transpose(raw.DepthwiseConv2dNative(
                        input=tf.transpose(u, [0, 2, 3, 1]), filter=w, strides=[1, 2, 2, 1], padding="VALID"),
                        [0, 3, 1, 2]), consts=("w",)))
    xg, wg = arr([1, 4, 4, 4]), arr([3, 3, 2, 6])
    out.append(case("Conv2D grouped (2 groups)", "Conv2D", [("x", xg), ("w", wg)],
                    {"strides": [1, 1, 1, 1], "padding": "SAME"},
                    lambda u, w: tf.concat([tf.nn.conv2d(u[..., :2], w[..., :3], 1, "SAME"),
                                            tf.nn.conv2d(u[..., 2:], w[..., 3:], 1, "SAME")], -1), consts=("w",)))
    return out


def nms_cases():
    out = []
    boxes = np.array([[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, -0.1, 1, 0.9], [0, 10, 1, 11], [0, 10.1, 1, 11.1],
                      [1, 1, 0, 0], [0, 100, 1, 101]], np.float32)  # the sixth has its corners swapped
    scores = np.array([0.9, 0.75, 0.6, 0.95, 0.5, 0.3, 0.05], np.float32)
    n, iou, thr = np.array(5, np.int32), np.array(0.5, np.float32), np.array(0.1, np.float32)
    inputs = [("boxes", boxes), ("scores", scores), ("n", n), ("iou", iou)]
    out.append(case("NonMaxSuppressionV2", "NonMaxSuppressionV2", inputs, {},
                    lambda b, s, k, i: raw.NonMaxSuppressionV2(boxes=b, scores=s, max_output_size=k, iou_threshold=i),
                    consts=("n", "iou")))
    out.append(case("NonMaxSuppressionV3 with a score threshold", "NonMaxSuppressionV3", inputs + [("thr", thr)], {},
                    lambda b, s, k, i, t: raw.NonMaxSuppressionV3(boxes=b, scores=s, max_output_size=k,
                                                                  iou_threshold=i, score_threshold=t),
                    consts=("n", "iou", "thr")))
    for pad in (False, True):
        out.append(multi(f"NonMaxSuppressionV4 pad_to_max_output_size {pad}", "NonMaxSuppressionV4",
                         inputs + [("thr", thr)], {"pad_to_max_output_size": pad},
                         lambda b, s, k, i, t, pad=pad: raw.NonMaxSuppressionV4(
                             boxes=b, scores=s, max_output_size=k, iou_threshold=i, score_threshold=t,
                             pad_to_max_output_size=pad), 2, consts=("n", "iou", "thr")))
    for sigma in (0.0, 0.5):
        out.append(multi(f"NonMaxSuppressionV5 soft_nms_sigma {sigma}", "NonMaxSuppressionV5",
                         inputs + [("thr", thr), ("sigma", np.array(sigma, np.float32))], {"pad_to_max_output_size": True},
                         lambda b, s, k, i, t, g: raw.NonMaxSuppressionV5(
                             boxes=b, scores=s, max_output_size=k, iou_threshold=i, score_threshold=t, soft_nms_sigma=g,
                             pad_to_max_output_size=True), 3, consts=("n", "iou", "thr", "sigma")))
    return out


def fused_cases():
    out = []
    x, w = arr([1, 4, 4, 2]), arr([3, 3, 2, 3])
    b = arr([3])
    s, o, m, v = arr([3]), arr([3]), arr([3]), np.abs(arr([3])) + 0.5
    conv = lambda u, f: tf.nn.conv2d(u, f, 1, "SAME")  # noqa: E731
    for act, fn in (("Relu", tf.nn.relu), ("Elu", tf.nn.elu), ("Sigmoid", tf.nn.sigmoid), ("Tanh", tf.nn.tanh)):
        out.append(case(f"_FusedConv2D BiasAdd, {act}", "_FusedConv2D", [("x", x), ("w", w), ("b", b)],
                        {"strides": [1, 1, 1, 1], "padding": "SAME", "fused_ops": ["BiasAdd", act], "num_args": 1},
                        lambda u, f, c, fn=fn: fn(tf.nn.bias_add(conv(u, f), c)), consts=("w", "b")))
    side = arr([1, 4, 4, 3])
    out.append(case("_FusedConv2D BiasAdd, Add, Relu", "_FusedConv2D",
                    [("x", x), ("w", w), ("b", b), ("side", side)],
                    {"strides": [1, 1, 1, 1], "padding": "SAME", "fused_ops": ["BiasAdd", "Add", "Relu"],
                     "num_args": 2},
                    lambda u, f, c, sd: tf.nn.relu(tf.nn.bias_add(conv(u, f), c) + sd), consts=("w", "b")))
    out.append(case("_FusedConv2D FusedBatchNorm, LeakyRelu", "_FusedConv2D",
                    [("x", x), ("w", w), ("s", s), ("o", o), ("m", m), ("v", v)],
                    {"strides": [1, 1, 1, 1], "padding": "SAME", "fused_ops": ["FusedBatchNorm", "LeakyRelu"],
                     "num_args": 4, "epsilon": 0.001, "leakyrelu_alpha": 0.2},
                    lambda u, f, *bn: tf.nn.leaky_relu(raw.FusedBatchNormV3(
                        x=conv(u, f), scale=bn[0], offset=bn[1], mean=bn[2], variance=bn[3], epsilon=0.001,
                        is_training=False)[0], 0.2), consts=("w", "s", "o", "m", "v")))
    wd, bd = arr([3, 3, 2, 2]), arr([4])
    out.append(case("_FusedDepthwiseConv2dNative BiasAdd, Relu6", "_FusedDepthwiseConv2dNative",
                    [("x", x), ("w", wd), ("b", bd)],
                    {"strides": [1, 2, 2, 1], "padding": "SAME", "fused_ops": ["BiasAdd", "Relu6"], "num_args": 1},
                    lambda u, f, c: tf.nn.relu6(tf.nn.bias_add(tf.nn.depthwise_conv2d(u, f, [1, 2, 2, 1], "SAME"), c)),
                    consts=("w", "b")))
    out.append(case("_FusedConv2D BiasAdd, _FusedHardSwish", "_FusedConv2D", [("x", x), ("w", w), ("b", b)],
                    {"strides": [1, 1, 1, 1], "padding": "SAME", "fused_ops": ["BiasAdd", "_FusedHardSwish"],
                     "num_args": 1},
                    lambda u, f, c: (lambda t: t * tf.nn.relu6(t + 3.0) / 6.0)(tf.nn.bias_add(conv(u, f), c)),
                    consts=("w", "b")))
    out.append(case("_FusedConv2D BiasAdd, _FusedSwish", "_FusedConv2D", [("x", x), ("w", w), ("b", b)],
                    {"strides": [1, 1, 1, 1], "padding": "SAME", "fused_ops": ["BiasAdd", "_FusedSwish"],
                     "num_args": 1},
                    lambda u, f, c: tf.nn.silu(tf.nn.bias_add(conv(u, f), c)), consts=("w", "b")))
    x5, w5, b5 = arr([1, 3, 4, 4, 2]), arr([2, 2, 2, 2, 3]), arr([3])
    out.append(case("_FusedConv3D BiasAdd, Relu", "_FusedConv3D", [("x", x5), ("w", w5), ("b", b5)],
                    {"strides": [1, 1, 2, 1, 1], "padding": "SAME", "fused_ops": ["BiasAdd", "Relu"], "num_args": 1},
                    lambda u, f, c: tf.nn.relu(tf.nn.conv3d(u, f, [1, 1, 2, 1, 1], "SAME") + c), consts=("w", "b")))
    out.append(case("Conv3D NCDHW", "Conv3D", [("x", x5.transpose(0, 4, 1, 2, 3).copy()), ("w", w5)],
                    {"strides": [1, 1, 1, 2, 1], "padding": "VALID", "data_format": "NCDHW"},
                    lambda u, f: tf.transpose(tf.nn.conv3d(tf.transpose(u, [0, 2, 3, 4, 1]), f, [1, 1, 2, 1, 1],
                                                           "VALID"), [0, 4, 1, 2, 3]), consts=("w",)))
    out.append(case("_FusedMatMul BiasAdd, Add", "_FusedMatMul", [("a", arr([2, 3])), ("b", arr([3, 4])),
                                                                  ("c", arr([4])), ("d", arr([2, 4]))],
                    {"fused_ops": ["BiasAdd", "Add"], "num_args": 2},
                    lambda u, f, c, d: tf.matmul(u, f) + c + d, consts=("b", "c")))
    out.append(case("_MklSwish", "_MklSwish", [("x", arr([2, 5]) * 3)], {}, lambda u: u * tf.sigmoid(u)))
    xc = x.transpose(0, 3, 1, 2).copy()
    out.append(case("_FusedConv2D NCHW BiasAdd, Relu6", "_FusedConv2D", [("x", xc), ("w", w), ("b", b)],
                    {"strides": [1, 1, 1, 1], "padding": "SAME", "fused_ops": ["BiasAdd", "Relu6"], "num_args": 1,
                     "data_format": "NCHW"},
                    lambda u, f, c: tf.transpose(tf.nn.relu6(tf.nn.bias_add(conv(tf.transpose(u, [0, 2, 3, 1]), f), c)),
                                                 [0, 3, 1, 2]), consts=("w", "b")))
    a, mb, mbias = arr([2, 3]), arr([3, 4]), arr([4])
    for act, fn in (("GeluExact", lambda t: tf.nn.gelu(t, approximate=False)),
                    ("GeluApproximate", lambda t: tf.nn.gelu(t, approximate=True)), ("Tanh", tf.nn.tanh)):
        out.append(case(f"_FusedMatMul BiasAdd, {act}", "_FusedMatMul", [("a", a), ("b", mb), ("c", mbias)],
                        {"fused_ops": ["BiasAdd", act], "num_args": 1},
                        lambda u, f, c, fn=fn: fn(tf.matmul(u, f) + c), consts=("b", "c")))
    xb = arr([1, 3, 3, 3])
    out.append(case("_FusedBatchNormEx Relu with a side input", "_FusedBatchNormEx",
                    [("x", xb), ("s", s), ("o", o), ("m", m), ("v", v), ("side", arr([1, 3, 3, 3]))],
                    {"epsilon": 0.001, "is_training": False, "num_side_inputs": 1, "activation_mode": "Relu"},
                    lambda u, *r: tf.nn.relu(raw.FusedBatchNormV3(x=u, scale=r[0], offset=r[1], mean=r[2], variance=r[3],
                                                                  epsilon=0.001, is_training=False)[0] + r[4]),
                    consts=("s", "o", "m", "v")))
    out.append(case("_FusedBatchNormEx NCHW, no activation", "_FusedBatchNormEx",
                    [("x", xb.transpose(0, 3, 1, 2).copy()), ("s", s), ("o", o), ("m", m), ("v", v)],
                    {"epsilon": 0.01, "is_training": False, "data_format": "NCHW"},
                    lambda u, *r: tf.transpose(raw.FusedBatchNormV3(
                        x=tf.transpose(u, [0, 2, 3, 1]), scale=r[0], offset=r[1], mean=r[2], variance=r[3],
                        epsilon=0.01, is_training=False)[0], [0, 3, 1, 2]),
                    consts=("s", "o", "m", "v")))
    return out


def error_cases():
    """Inputs a translation must refuse with a message that says why."""
    def refused(name, op, inputs, attrs, message, consts=()):
        test = {"name": name, "inputs": {}, "constants": {}}
        for n, a in inputs:
            spec = {"type": base.TYPES[a.dtype.type], "shape": list(a.shape)}
            if n in consts:
                test["constants"][n] = {**spec, "values": a.ravel().tolist()}
            else:
                test["inputs"][n] = spec
        if not test["constants"]:
            del test["constants"]
        test["nodes"] = [{"op": "tf." + op, "inputs": [n for n, _ in inputs], "outputs": ["y"], "attrs": attrs}]
        test["outputs"] = ["y"]
        test["expect"] = {"error": message}
        return test

    img = np.zeros([1, 4, 4, 2], np.float32)
    size = np.array([8, 8], np.int32)
    return [
        refused("ResizeBilinear with align_corners and half_pixel_centers", "ResizeBilinear",
                [("x", img), ("s", size)], {"align_corners": True, "half_pixel_centers": True},
                "cannot both be true", consts=("s",)),
        refused("ExtractImagePatches of integers", "ExtractImagePatches", [("x", np.zeros([1, 4, 4, 2], np.int32))],
                {"ksizes": [1, 2, 2, 1], "strides": [1, 1, 1, 1], "rates": [1, 1, 1, 1], "padding": "VALID"},
                "needs floating-point images"),
        refused("CropAndResize with an unknown method", "CropAndResize",
                [("x", img), ("b", np.zeros([1, 4], np.float32)), ("i", np.zeros([1], np.int32)), ("s", size)],
                {"method": "bicubic"}, "is not one of bilinear, nearest", consts=("s",)),
        refused("SpaceToBatchND of a dimension the block does not divide", "SpaceToBatchND",
                [("x", np.zeros([1, 5, 4, 1], np.float32)), ("b", np.array([2, 2], np.int32)),
                 ("p", np.zeros([2, 2], np.int32))], {}, "is not a multiple of block", consts=("b", "p")),
        refused("Conv2DBackpropInput with input_sizes that do not fit", "Conv2DBackpropInput",
                [("s", np.array([1, 2, 2, 4], np.int32)), ("w", np.zeros([3, 3, 4, 2], np.float32)),
                 ("dy", np.zeros([1, 3, 3, 2], np.float32))], {"strides": [1, 2, 2, 1], "padding": "VALID"},
                "do not fit", consts=("s", "w")),
        refused("ScaleAndTranslate with an unknown kernel", "ScaleAndTranslate",
                [("x", img), ("s", size), ("sc", np.array([2.0, 2.0], np.float32)),
                 ("t", np.zeros([2], np.float32))], {"kernel_type": "sinc9"}, "is not supported",
                consts=("s", "sc", "t")),
    ]


def main():
    tests = unary_cases() + more_math_cases() + logic_cases() + array_cases() + image_cases() + nms_cases() + fused_cases() + error_cases()
    doc = {"comment": "Tests of rules/tensorflow/*.lua, expectations computed by TensorFlow: written by "
                      "tests/conformance/make_tf_rule_tests_more.py, do not edit by hand.", "tests": tests}
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {len(tests)} tests to {OUT}")


if __name__ == "__main__":
    main()
