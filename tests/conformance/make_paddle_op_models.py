#!/usr/bin/env python3
"""Saves small Paddle programs in the legacy inference format into the model cache and prints
the folder: CRNN-style recognizers (the `rnn` op of paddle.nn.LSTM / GRU / SimpleRNN), detection
post-processing ops and control flow, each built with paddle.static and saved with
paddle.static.save_inference_model, and dygraph Layers saved with paddle.jit.save (JIT_MODELS);
PIR is off, so each program is a ProgramDesc.

Runs under the venv (paddlepaddle CPU wheel). The folder layout is make_paddle_models.py's:
NAME.pdmodel + NAME.pdiparams, NAME.input.npy (NAME.input_K.npy for each further input, in feed
order) and NAME.output.npy / NAME.output_K.npy (what Paddle's inference predictor computes). A file
NAME.unordered lists the outputs (one index a line) whose rows Paddle emits in an order it does not
specify; the runner compares those as sets of rows. Weights are random but seeded.
"""
import os
import sys
from importlib.metadata import version
from pathlib import Path

os.environ["FLAGS_enable_pir_api"] = "0"  # before paddle is imported: legacy ProgramDesc output

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model_cache import ensure_models  # noqa: E402


# Each builder runs inside a program guard and returns (inputs, outputs, unordered):
# inputs a list of (static data variable, numpy value), outputs the variables to fetch.

def crnn(paddle, np, rng, rnn_kind="lstm"):
    """conv backbone -> squeeze the height -> [N, W, C] -> 2-layer BiLSTM (or BiGRU) -> fc ->
    softmax -> argmax, the shape of a CRNN text recognizer (and an argmin with keepdim)."""
    x = paddle.static.data("x", [None, 3, 32, 64], "float32")
    y = paddle.nn.Conv2D(3, 16, 3, padding=1)(x)
    y = paddle.nn.BatchNorm2D(16)(y)
    y = paddle.nn.functional.relu(y)
    y = paddle.nn.MaxPool2D(2, 2)(y)                       # [N, 16, 16, 32]
    y = paddle.nn.Conv2D(16, 32, 3, padding=1)(y)
    y = paddle.nn.functional.relu(y)
    y = paddle.nn.MaxPool2D((16, 1), (16, 1))(y)           # [N, 32, 1, 32]
    y = paddle.squeeze(y, axis=2)                          # [N, 32, 32]
    y = paddle.transpose(y, [0, 2, 1])                     # [N, W=32, C=32]
    if rnn_kind == "lstm":
        # initial states made as Paddle 2.x's recurrent layers made them
        states = [append_op(paddle, "fill_constant_batch_size_like", {"Input": y}, {"Out": "float32"},
                            {"shape": [4, -1, 24], "input_dim_idx": 0, "output_dim_idx": 1, "dtype": 5,
                             "value": value, "str_value": "", "force_cpu": False})["Out"] for value in (0.1, -0.2)]
        y, _ = paddle.nn.LSTM(32, 24, num_layers=2, direction="bidirect")(y, tuple(states))
    else:
        y, _ = paddle.nn.GRU(32, 24, num_layers=2, direction="bidirect")(y)
    y = paddle.nn.Linear(48, 11)(y)
    y = paddle.nn.functional.softmax(y, axis=-1)
    best = paddle.argmax(y, axis=-1)                       # greedy CTC decoding starts here
    least = paddle.argmin(y, axis=1, keepdim=True, dtype="int32")
    return [(x, rng.standard_normal((2, 3, 32, 64), dtype=np.float32))], [y, best, least], []


def crnn_gru(paddle, np, rng):
    return crnn(paddle, np, rng, "gru")


def im2sequence(paddle, np, rng):
    """im2sequence (patches as rows, the older CRNN front end) with strides and uneven padding."""
    x = paddle.static.data("x", [None, 3, 8, 10], "float32")
    out = append_op(paddle, "im2sequence", {"X": x}, {"Out": "float32"},
                    {"kernels": [2, 3], "strides": [2, 2], "paddings": [1, 0, 0, 1], "out_stride": [1, 1]})["Out"]
    fc = paddle.nn.Linear(18, 5)(out)
    return [(x, rng.standard_normal((2, 3, 8, 10), dtype=np.float32))], [out, fc], []


def ctc_greedy(paddle, np, rng):
    """CTC greedy decoding in the graph, as older CRNN programs had it: argmax over the classes,
    then ctc_align in its padded form (InputLength), with and without merging repeats."""
    logits = paddle.static.data("logits", [None, 12, 4], "float32")
    lens = paddle.static.data("lens", [None, 1], "int64")
    ids = paddle.argmax(logits, axis=-1)
    outs = []
    for merge in (True, False):
        got = append_op(paddle, "ctc_align", {"Input": ids, "InputLength": lens},
                        {"Output": "int64", "OutputLength": "int64"},
                        {"blank": 0, "merge_repeated": merge, "padding_value": -1}, dtype="int64")
        outs += [got["Output"], got["OutputLength"]]
    inputs = [(logits, rng.standard_normal((3, 12, 4), dtype=np.float32)),
              (lens, np.array([[12], [7], [0]], dtype=np.int64))]
    return inputs, outs, []


def rnn_states(paddle, np, rng):
    """Every rnn mode with given initial states, time-major, returning the final states too;
    the LSTM takes per-sequence lengths. The sequence axis is static: OpenVINO's CPU plugin
    (2026.4) ignores sequence_lengths when it is dynamic."""
    x = paddle.static.data("x", [7, 5, 6], "float32")       # time-major [T, N, I]
    lens = paddle.static.data("lens", [5], "int32")
    h0 = paddle.static.data("h0", [2, 5, 4], "float32")
    c0 = paddle.static.data("c0", [2, 5, 4], "float32")
    y1, (h1, c1) = paddle.nn.LSTM(6, 4, direction="bidirect", time_major=True)(x, (h0, c0), lens)
    y2, h2 = paddle.nn.GRU(8, 4, num_layers=2, time_major=True)(y1, h0)
    y3, h3 = paddle.nn.SimpleRNN(4, 4, direction="bidirect", time_major=True, activation="relu")(y2)
    y4, h4 = paddle.nn.SimpleRNN(8, 3, time_major=True)(y3)
    inputs = [(x, rng.standard_normal((7, 5, 6), dtype=np.float32)),
              (lens, np.array([7, 3, 5, 1, 7], dtype=np.int32)),
              (h0, rng.standard_normal((2, 5, 4), dtype=np.float32)),
              (c0, rng.standard_normal((2, 5, 4), dtype=np.float32))]
    return inputs, [y1, h1, c1, y2, h2, y3, h3, y4, h4], []


def append_op(paddle, op_type, inputs, outputs, attrs, dtype="float32"):
    """An op that paddle.vision.ops does not wrap, appended as Paddle's own layers do; outputs
    maps each output slot to its dtype. Returns the output variables by slot."""
    from paddle.base.layer_helper import LayerHelper
    helper = LayerHelper(op_type)
    outs = {slot: helper.create_variable_for_type_inference(dtype=t) for slot, t in outputs.items()}
    helper.append_op(type=op_type, inputs=inputs, outputs=outs, attrs=attrs)
    return outs


def boxes(np, rng, count, size):
    """`count` valid boxes (x1 < x2, y1 < y2) inside [0, size]."""
    xy = rng.uniform(0, size * 0.7, (count, 2))
    wh = rng.uniform(size * 0.05, size * 0.3, (count, 2))
    return np.concatenate([xy, xy + wh], axis=1).astype(np.float32)


def ssd_priors(paddle, np, rng):
    """prior_box (both orders, flip, clip, max sizes, explicit steps) and box_coder in every form: decode with PriorBoxVar on axis 0 and 1, encode with the variance
    attribute and unnormalized boxes."""
    feat = paddle.static.data("feat", [1, 8, 3, 4], "float32")
    img = paddle.static.data("img", [1, 3, 30, 40], "float32")
    loc = paddle.static.data("loc", [2, 36, 4], "float32")
    target = paddle.static.data("target", [3, 4], "float32")
    vops = paddle.vision.ops
    box1, var1 = vops.prior_box(feat, img, min_sizes=[8.0], max_sizes=[16.0], aspect_ratios=[2.0, 3.0],
                                flip=True, clip=True)
    box2, var2 = vops.prior_box(feat, img, min_sizes=[6.0, 12.0], max_sizes=[10.0, 20.0], aspect_ratios=[2.0],
                                variance=[0.1, 0.2, 0.3, 0.4], steps=[9.0, 11.0], offset=0.4,
                                min_max_aspect_ratios_order=True)
    prior = paddle.reshape(box1, [-1, 4])        # 3*4 cells * 6 priors = 72
    pvar = paddle.reshape(var1, [-1, 4])
    prior36 = paddle.slice(prior, [0], [0], [36])
    pvar36 = paddle.slice(pvar, [0], [0], [36])
    dec0 = vops.box_coder(prior36, pvar36, loc, code_type="decode_center_size", axis=0)
    prior2 = paddle.slice(prior, [0], [0], [2])
    pvar2 = paddle.slice(pvar, [0], [0], [2])
    dec1 = vops.box_coder(prior2, pvar2, loc, code_type="decode_center_size", axis=1, box_normalized=False)
    pixel_priors = paddle.scale(prior36, 40.0)
    enc = vops.box_coder(pixel_priors, [0.1, 0.1, 0.2, 0.2], target, code_type="encode_center_size",
                         box_normalized=False)
    enc2 = vops.box_coder(pixel_priors, pvar36, target, code_type="encode_center_size")
    inputs = [(feat, rng.standard_normal((1, 8, 3, 4), dtype=np.float32)),
              (img, rng.standard_normal((1, 3, 30, 40), dtype=np.float32)),
              (loc, (rng.standard_normal((2, 36, 4)) * 0.5).astype(np.float32)),
              (target, boxes(np, rng, 3, 40.0))]
    return inputs, [box1, var1, box2, var2, dec0, dec1, enc, enc2], []


def yolo_head(paddle, np, rng):
    """yolo_box with clipping and scale_x_y, an IoU-aware head without clipping, and a head whose
    grid size is dynamic."""
    x = paddle.static.data("x", [None, 21, 4, 5], "float32")         # 3 anchors x (5 + 2 classes)
    xi = paddle.static.data("xi", [None, 24, 4, 5], "float32")       # + 3 IoU channels
    size = paddle.static.data("size", [None, 2], "int32")
    anchors = [10, 13, 16, 30, 33, 23]
    b1, s1 = paddle.vision.ops.yolo_box(x, size, anchors, class_num=2, conf_thresh=0.3, downsample_ratio=8,
                                        clip_bbox=True, scale_x_y=1.05)
    b2, s2 = paddle.vision.ops.yolo_box(xi, size, anchors, class_num=2, conf_thresh=0.2, downsample_ratio=16,
                                        clip_bbox=False, iou_aware=True, iou_aware_factor=0.4)
    xd = paddle.static.data("xd", [None, 21, None, None], "float32")  # a grid known only at run time
    b3, s3 = paddle.vision.ops.yolo_box(xd, size, anchors, class_num=2, conf_thresh=0.25, downsample_ratio=32,
                                        clip_bbox=True)
    inputs = [(x, rng.standard_normal((2, 21, 4, 5), dtype=np.float32)),
              (xi, rng.standard_normal((2, 24, 4, 5), dtype=np.float32)),
              (size, np.array([[64, 80], [40, 50]], dtype=np.int32)),
              (xd, rng.standard_normal((2, 21, 3, 6), dtype=np.float32))]
    return inputs, [b1, s1, b2, s2, b3, s3], []


def roi_align(paddle, np, rng):
    """roi_align over two images (RoisNum 2 + 3), aligned and not, fixed and adaptive sampling."""
    x = paddle.static.data("x", [2, 4, 12, 10], "float32")
    rois = paddle.static.data("rois", [5, 4], "float32")
    num = paddle.static.data("num", [2], "int32")
    y1 = paddle.vision.ops.roi_align(x, rois, num, (3, 2), spatial_scale=0.5, sampling_ratio=2, aligned=True)
    y2 = paddle.vision.ops.roi_align(x, rois, num, 2, spatial_scale=0.5, sampling_ratio=-1, aligned=False)
    inputs = [(x, rng.standard_normal((2, 4, 12, 10), dtype=np.float32)),
              (rois, boxes(np, rng, 5, 20.0)), (num, np.array([2, 3], dtype=np.int32))]
    return inputs, [y1, y2], []


def clustered_boxes(np, rng, batch, count, size):
    """Boxes around a few centres, so that NMS has overlaps to suppress."""
    centres = rng.uniform(size * 0.2, size * 0.8, (batch, 4, 2))
    pick = rng.integers(0, 4, (batch, count))
    c = np.take_along_axis(centres, pick[..., None].repeat(2, axis=2), axis=1) + rng.normal(0, size * 0.03, (batch, count, 2))
    half = rng.uniform(size * 0.05, size * 0.15, (batch, count, 2))
    return np.concatenate([c - half, c + half], axis=2).astype(np.float32)


def multiclass_nms(paddle, np, rng):
    """multiclass_nms3 on boxes in pixels (normalized false) with a background class, nms_top_k and
    keep_top_k, and on normalized boxes of two images with neither; every output (Out, Index,
    NmsRoisNum). Paddle's order is defined (image, label, score), so rows compare in order.
    Then matrix_nms (rows by decayed score within each image)."""
    b1 = paddle.static.data("b1", [1, 40, 4], "float32")
    s1 = paddle.static.data("s1", [1, 4, 40], "float32")
    b2 = paddle.static.data("b2", [2, 30, 4], "float32")
    s2 = paddle.static.data("s2", [2, 3, 30], "float32")
    slots = {"Out": "float32", "Index": "int32", "NmsRoisNum": "int32"}
    r1 = append_op(paddle, "multiclass_nms3", {"BBoxes": b1, "Scores": s1}, slots,
                   {"background_label": 0, "score_threshold": 0.3, "nms_top_k": 12, "keep_top_k": 15,
                    "nms_threshold": 0.4, "normalized": False, "nms_eta": 1.0})
    r2 = append_op(paddle, "multiclass_nms3", {"BBoxes": b2, "Scores": s2}, slots,
                   {"background_label": -1, "score_threshold": 0.2, "nms_top_k": -1, "keep_top_k": -1,
                    "nms_threshold": 0.5, "normalized": True, "nms_eta": 1.0})
    r3 = append_op(paddle, "multiclass_nms3", {"BBoxes": b2, "Scores": s2}, slots,
                   {"background_label": 1, "score_threshold": 0.1, "nms_top_k": 20, "keep_top_k": 7,
                    "nms_threshold": 0.3, "normalized": True, "nms_eta": 0.9})
    inputs = [(b1, clustered_boxes(np, rng, 1, 40, 100.0)),
              (s1, rng.uniform(0, 1, (1, 4, 40)).astype(np.float32)),
              (b2, clustered_boxes(np, rng, 2, 30, 1.0)),
              (s2, rng.uniform(0, 1, (2, 3, 30)).astype(np.float32))]
    outs = [r[k] for r in (r1, r2, r3) for k in ("Out", "Index", "NmsRoisNum")]
    # multiclass_nms (v1): Out only; a threshold nothing passes gives Paddle's [[-1]].
    for threshold in (0.3, 2.0):
        outs.append(append_op(paddle, "multiclass_nms", {"BBoxes": b1, "Scores": s1}, {"Out": "float32"},
                              {"background_label": 0, "score_threshold": threshold, "nms_top_k": 12, "keep_top_k": 15,
                               "nms_threshold": 0.4, "normalized": False, "nms_eta": 1.0})["Out"])
    # matrix_nms, linear decay on pixel boxes and gaussian on normalized boxes of two images.
    m1 = paddle.vision.ops.matrix_nms(b1, s1, score_threshold=0.3, post_threshold=0.35, nms_top_k=15, keep_top_k=12,
                                      use_gaussian=False, background_label=0, normalized=False,
                                      return_index=True, return_rois_num=True)
    m2 = paddle.vision.ops.matrix_nms(b2, s2, score_threshold=0.2, post_threshold=0.3, nms_top_k=-1, keep_top_k=-1,
                                      use_gaussian=True, gaussian_sigma=2.0, background_label=-1, normalized=True,
                                      return_index=True, return_rois_num=True)
    return inputs, outs + list(m1) + list(m2), []


def control_flow(paddle, np, rng):
    """paddle.static.nn.cond taking each branch (conditional_block + select_input), a
    while_loop with loop-carried values, an invariant input, a weight used in the body and a
    cond nested in the body, and a while_loop whose carried value grows."""
    x = paddle.static.data("x", [2, 3], "float32")
    y = paddle.static.data("y", [2, 3], "float32")
    total = paddle.sum(x)
    taken = paddle.static.nn.cond(total > 0, lambda: x * 2.0 + y, lambda: x - y)
    skipped = paddle.static.nn.cond(total < 0, lambda: paddle.exp(x), lambda: paddle.tanh(y) * 3.0)
    fc = paddle.nn.Linear(3, 3)
    i = paddle.full([1], 0, "int64")
    limit = paddle.full([1], 5, "int64")

    def condition(i, acc):
        return i < limit

    def body(i, acc):
        step = paddle.static.nn.cond(i < 2, lambda: fc(acc), lambda: acc * 0.5 + x)
        return [i + 1, paddle.tanh(step)]

    count, acc = paddle.static.nn.while_loop(condition, body, [i, y])

    def grow(i, rows):  # a carried value that gains rows every iteration
        return [i + 1, paddle.concat([rows, paddle.tanh(rows[-1:]) + x[:1]], axis=0)]

    _, rows = paddle.static.nn.while_loop(lambda i, rows: i < limit, grow, [paddle.full([1], 1, "int64"), y * 1.0])
    inputs = [(x, rng.standard_normal((2, 3), dtype=np.float32) + 0.3),
              (y, rng.standard_normal((2, 3), dtype=np.float32))]
    return inputs, [taken, skipped, count, acc, rows], []


def rpn(paddle, np, rng):
    """The proposal stage of a Faster R-CNN over two images: anchor_generator, then
    generate_proposals_v2 with and without pixel_offset, then roi_align of the proposals."""
    feat = paddle.static.data("feat", [2, 8, 4, 5], "float32")
    scores = paddle.static.data("scores", [2, 6, 4, 5], "float32")
    deltas = paddle.static.data("deltas", [2, 24, 4, 5], "float32")
    im = paddle.static.data("im", [2, 2], "float32")
    gen = append_op(paddle, "anchor_generator", {"Input": feat}, {"Anchors": "float32", "Variances": "float32"},
                    {"anchor_sizes": [24.0, 48.0], "aspect_ratios": [0.5, 1.0, 2.0], "variances": [0.1, 0.1, 0.2, 0.2],
                     "stride": [16.0, 16.0], "offset": 0.5})
    anchors, variances = gen["Anchors"], gen["Variances"]
    rois, probs, num = paddle.vision.ops.generate_proposals(
        scores, deltas, im, anchors, variances, pre_nms_top_n=60, post_nms_top_n=25, nms_thresh=0.6, min_size=3.0,
        pixel_offset=True, return_rois_num=True)
    rois2, probs2, num2 = paddle.vision.ops.generate_proposals(
        scores, deltas, im, anchors, variances, pre_nms_top_n=-1, post_nms_top_n=-1, nms_thresh=0.4, min_size=0.5,
        pixel_offset=False, return_rois_num=True)
    pooled = paddle.vision.ops.roi_align(feat, rois, num, 2, spatial_scale=1.0 / 16, sampling_ratio=2)
    inputs = [(feat, rng.standard_normal((2, 8, 4, 5), dtype=np.float32)),
              (scores, rng.uniform(0, 1, (2, 6, 4, 5)).astype(np.float32)),
              (deltas, (rng.standard_normal((2, 24, 4, 5)) * 0.3).astype(np.float32)),
              (im, np.array([[64, 80], [60, 70]], dtype=np.float32))]
    return inputs, [anchors, variances, rois, probs, num, rois2, probs2, num2, pooled], []


def fpn(paddle, np, rng):
    """FPN proposal routing over two images: proposals of two pyramid levels collected
    (collect_fpn_proposals), distributed to levels 2-5 by size (distribute_fpn_proposals, with and
    without pixel_offset), pooled per level and put back in order with RestoreIndex."""
    rois = [paddle.static.data(f"rois{i}", [None, 4], "float32") for i in range(2)]
    scores = [paddle.static.data(f"scores{i}", [None, 1], "float32") for i in range(2)]
    nums = [paddle.static.data(f"num{i}", [2], "int32") for i in range(2)]
    feats = [paddle.static.data(f"p{l}", [2, 4, 64 >> l, 64 >> l], "float32") for l in range(2, 6)]
    got = append_op(paddle, "collect_fpn_proposals",
                    {"MultiLevelRois": rois, "MultiLevelScores": scores, "MultiLevelRoIsNum": nums},
                    {"FpnRois": "float32", "RoisNum": "int32"}, {"post_nms_topN": 14})
    collected, count = got["FpnRois"], got["RoisNum"]
    multi, restore, level_nums = paddle.vision.ops.distribute_fpn_proposals(
        collected, 2, 5, 4, 56, pixel_offset=True, rois_num=count)
    pooled = [paddle.vision.ops.roi_align(f, r, n, 2, spatial_scale=1.0 / (4 << l), sampling_ratio=2, aligned=True)
              for l, (f, r, n) in enumerate(zip(feats, multi, level_nums))]
    joined = paddle.gather(paddle.concat(pooled, axis=0), paddle.reshape(restore, [-1]))
    multi2, restore2, level_nums2 = paddle.vision.ops.distribute_fpn_proposals(
        collected, 2, 4, 3, 40, pixel_offset=False, rois_num=count)
    size = rng.uniform(8, 200, (2, 20, 1))
    def level_rois(n):
        xy = rng.uniform(0, 60, (n, 2))
        wh = np.concatenate([rng.uniform(4, 120, (n, 1))] * 2, axis=1) * rng.uniform(0.7, 1.3, (n, 2))
        return np.concatenate([xy, xy + wh], axis=1).astype(np.float32)
    inputs = [(rois[0], level_rois(9)), (rois[1], level_rois(7)),
              (scores[0], rng.uniform(0, 1, (9, 1)).astype(np.float32)),
              (scores[1], rng.uniform(0, 1, (7, 1)).astype(np.float32)),
              (nums[0], np.array([5, 4], dtype=np.int32)), (nums[1], np.array([3, 4], dtype=np.int32))]
    inputs += [(f, rng.standard_normal((2, 4, 64 >> l, 64 >> l), dtype=np.float32)) for l, f in zip(range(2, 6), feats)]
    del size
    return inputs, [collected, count, *multi, restore, *level_nums, joined, *multi2, restore2, *level_nums2], []


def ssd_tiny(paddle, np, rng):
    """An SSD end to end on two images: a small backbone with two feature levels, prior_box per
    level, location and class heads, box_coder decoding with the prior variances, softmax and
    multiclass_nms3."""
    img = paddle.static.data("image", [2, 3, 64, 64], "float32")
    f1 = paddle.nn.functional.relu(paddle.nn.Conv2D(3, 8, 3, stride=4, padding=1)(img))      # 16x16
    f2 = paddle.nn.functional.relu(paddle.nn.Conv2D(8, 8, 3, stride=2, padding=1)(f1))       # 8x8
    locs, confs, priors, variances = [], [], [], []
    classes = 4
    for feat, size in ((f1, 12.0), (f2, 28.0)):
        box, var = paddle.vision.ops.prior_box(feat, img, min_sizes=[size], max_sizes=[size * 1.6], aspect_ratios=[2.0],
                                               flip=True, clip=True)
        per = box.shape[2]
        loc = paddle.nn.Conv2D(8, per * 4, 3, padding=1)(feat)
        conf = paddle.nn.Conv2D(8, per * classes, 3, padding=1)(feat)
        locs.append(paddle.reshape(paddle.transpose(loc, [0, 2, 3, 1]), [0, -1, 4]))
        confs.append(paddle.reshape(paddle.transpose(conf, [0, 2, 3, 1]), [0, -1, classes]))
        priors.append(paddle.reshape(box, [-1, 4]))
        variances.append(paddle.reshape(var, [-1, 4]))
    loc = paddle.concat(locs, axis=1) * 0.5
    conf = paddle.nn.functional.softmax(paddle.concat(confs, axis=1) * 1.5, axis=-1)
    boxes = paddle.vision.ops.box_coder(paddle.concat(priors), paddle.concat(variances), loc,
                                        code_type="decode_center_size")
    nms = append_op(paddle, "multiclass_nms3", {"BBoxes": boxes, "Scores": paddle.transpose(conf, [0, 2, 1])},
                    {"Out": "float32", "Index": "int32", "NmsRoisNum": "int32"},
                    {"background_label": 0, "score_threshold": 0.3, "nms_top_k": 100, "keep_top_k": 20,
                     "nms_threshold": 0.45, "normalized": True, "nms_eta": 1.0})
    inputs = [(img, rng.standard_normal((2, 3, 64, 64), dtype=np.float32))]
    return inputs, [nms["Out"], nms["Index"], nms["NmsRoisNum"]], []


def nms_per_class(paddle, np, rng):
    """multiclass_nms3 in the per-class form of Faster R-CNN heads: a box per row and class
    [M, C, 4], Scores [M, C], rows of two images given by RoisNum; with and without keep_top_k."""
    b = paddle.static.data("boxes", [None, 4, 4], "float32")
    sc = paddle.static.data("scores", [None, 4], "float32")
    num = paddle.static.data("num", [2], "int32")
    slots = {"Out": "float32", "Index": "int32", "NmsRoisNum": "int32"}
    r1 = append_op(paddle, "multiclass_nms3", {"BBoxes": b, "Scores": sc, "RoisNum": num}, slots,
                   {"background_label": 0, "score_threshold": 0.05, "nms_top_k": 10, "keep_top_k": 9,
                    "nms_threshold": 0.5, "normalized": False, "nms_eta": 1.0})
    r2 = append_op(paddle, "multiclass_nms3", {"BBoxes": b, "Scores": sc, "RoisNum": num}, slots,
                   {"background_label": -1, "score_threshold": 0.2, "nms_top_k": -1, "keep_top_k": -1,
                    "nms_threshold": 0.3, "normalized": True, "nms_eta": 1.0})
    per_image = [13, 9]
    boxes = np.concatenate([clustered_boxes(np, rng, 1, n * 4, 100.0).reshape(n, 4, 4) for n in per_image])
    scores = rng.dirichlet(np.ones(4) * 0.5, sum(per_image)).astype(np.float32)
    inputs = [(b, boxes), (sc, scores), (num, np.array(per_image, dtype=np.int32))]
    return inputs, [r1["Out"], r1["Index"], r1["NmsRoisNum"], r2["Out"], r2["Index"], r2["NmsRoisNum"]], []


MODELS = {"crnn_lstm": crnn, "crnn_gru": crnn_gru, "rnn_states": rnn_states, "im2sequence": im2sequence,
          "ctc_greedy": ctc_greedy,
          "ssd_priors": ssd_priors,
          "yolo_head": yolo_head, "roi_align": roi_align, "multiclass_nms": multiclass_nms,
          "nms_per_class": nms_per_class,
          "control_flow": control_flow, "rpn": rpn, "fpn": fpn,
          "ssd_tiny": ssd_tiny}


def dy2static(paddle, np, rng):
    """A Layer with Python `if` and `while` on tensors, turned into conditional_block / while by
    paddle.jit.save (dynamic-to-static), as exported models are."""
    class Net(paddle.nn.Layer):
        def __init__(self):
            super().__init__()
            self.fc = paddle.nn.Linear(3, 3)

        def forward(self, x, n):
            if paddle.mean(x) > 0:
                y = self.fc(x)
            else:
                y = x - 1.0
            i = paddle.zeros([1], "int64")
            while i < n:
                y = paddle.tanh(y) + x
                i += 1
            return y

    spec = [paddle.static.InputSpec([None, 3], "float32", "x"), paddle.static.InputSpec([1], "int64", "n")]
    return Net(), spec, [rng.standard_normal((2, 3), dtype=np.float32) + 0.5, np.array([3], dtype=np.int64)]


# Saved with paddle.jit.save from a dygraph Layer: name -> builder(paddle, np, rng) returning
# (layer, input_spec, input values).
JIT_MODELS = {"dy2static": dy2static}


def reference_outputs(prefix: Path, values):
    """Paddle's inference predictor on the saved files."""
    from paddle import inference
    params = Path(str(prefix) + ".pdiparams")
    if params.exists():
        config = inference.Config(str(prefix) + ".pdmodel", str(params))
    else:  # a program without weights is saved without a parameter file
        config = inference.Config()
        config.set_prog_file(str(prefix) + ".pdmodel")
    config.disable_gpu()
    config.switch_ir_optim(False)  # the program as saved
    config.disable_mkldnn()
    predictor = inference.create_predictor(config)
    for name, value in zip(predictor.get_input_names(), values):
        predictor.get_input_handle(name).copy_from_cpu(value)
    predictor.run()
    return [predictor.get_output_handle(n).copy_to_cpu() for n in predictor.get_output_names()]


def build(out_dir: Path):
    import numpy as np
    import paddle

    paddle.set_device("cpu")
    paddle.enable_static()
    for name, builder in MODELS.items():
        paddle.seed(0)
        rng = np.random.default_rng(0)
        main, startup = paddle.static.Program(), paddle.static.Program()
        with paddle.static.program_guard(main, startup):
            inputs, outputs, unordered = builder(paddle, np, rng)
        exe = paddle.static.Executor(paddle.CPUPlace())
        exe.run(startup)
        prefix = out_dir / name
        paddle.static.save_inference_model(str(prefix), [v for v, _ in inputs], outputs, exe, program=main)
        values = [value for _, value in inputs]
        for k, value in enumerate(values):
            np.save(out_dir / (f"{name}.input.npy" if k == 0 else f"{name}.input_{k}.npy"), value)
        for k, y in enumerate(reference_outputs(prefix, values)):
            np.save(out_dir / (f"{name}.output.npy" if k == 0 else f"{name}.output_{k}.npy"), y)
        if unordered:
            (out_dir / f"{name}.unordered").write_text("".join(f"{k}\n" for k in unordered))
        print(f"make_paddle_op_models: wrote {name}.pdmodel", file=sys.stderr)
    paddle.disable_static()
    for name, builder in JIT_MODELS.items():
        paddle.seed(0)
        layer, spec, values = builder(paddle, np, np.random.default_rng(0))
        layer.eval()
        prefix = out_dir / name
        paddle.jit.save(layer, str(prefix), input_spec=spec)
        for k, value in enumerate(values):
            np.save(out_dir / (f"{name}.input.npy" if k == 0 else f"{name}.input_{k}.npy"), value)
        for k, y in enumerate(reference_outputs(prefix, values)):
            np.save(out_dir / (f"{name}.output.npy" if k == 0 else f"{name}.output_{k}.npy"), y)
        print(f"make_paddle_op_models: wrote {name}.pdmodel", file=sys.stderr)


if __name__ == "__main__":
    print(ensure_models(Path(__file__), f"paddlepaddle {version('paddlepaddle')}", build))
