#!/usr/bin/python3
# check-cnn-numpy.py
#
# Copyright 2026 The Inkling developers
#
# This program is free software: you can redistribute it and/or modify
# it under the terms of the GNU General Public License as published by
# the Free Software Foundation, either version 3 of the License, or
# (at your option) any later version.
#
# This program is distributed in the hope that it will be useful,
# but WITHOUT ANY WARRANTY; without even the implied warranty of
# MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
# GNU General Public License for more details.
#
# You should have received a copy of the GNU General Public License
# along with this program.  If not, see <https://www.gnu.org/licenses/>.
#
# SPDX-License-Identifier: GPL-3.0-or-later

"""Independent numpy forward pass of an Inkling model file (dense, conv2d,
max-pool, avg-pool and batch-norm layers) on the MNIST test images.

    /usr/bin/python3 tests/check-cnn-numpy.py MODEL.safetensors DATA_DIR [--gaps FILE]

Written from docs/FORMAT.md and the PyTorch / Keras conventions only, not
from the C code: safetensors header, F32 tensors `layers.<i>.weight`
([out, in] dense, [out, in, kh, kw] conv2d), `layers.<i>.bias`, batch-norm
`layers.<i>.{weight,bias,running_mean,running_var}`; the input is
`p * scale + shift`; "same" padding puts the odd extra pixel at the bottom /
right (Keras, TensorFlow); the implicit flatten before the first dense
layer is channel × height × width, row-major (PyTorch); evaluation mode:
no dropout, batch norm with the running statistics.  Computed in float64.

Prints the confusion matrix (rows: true class, columns: predicted) and the
accuracy in the layout of `inkling-cli evaluate`.  With --gaps FILE, writes
one line per test image: index, label, prediction, and the gap between the
two largest outputs (to judge near-ties)."""

import gzip
import json
import os
import struct
import sys

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    base = 8 + n
    tensors = {}
    for name, t in header.items():
        if t["dtype"] != "F32":
            raise SystemExit(f"{name}: dtype {t['dtype']}, expected F32")
        a, b = t["data_offsets"]
        arr = np.frombuffer(blob[base + a:base + b], dtype="<f4")
        tensors[name] = arr.reshape(t["shape"]).astype(np.float64)
    return meta, tensors


def read_idx(data_dir, name):
    path = os.path.join(data_dir, name)
    if os.path.exists(path):
        with open(path, "rb") as f:
            blob = f.read()
    elif os.path.exists(path + ".gz"):
        with gzip.open(path + ".gz", "rb") as f:
            blob = f.read()
    else:
        raise FileNotFoundError(path)
    magic, = struct.unpack(">I", blob[:4])
    ndim = magic & 0xFF
    if (magic >> 8) != 0x08:
        raise SystemExit(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, blob[4:4 + 4 * ndim])
    return np.frombuffer(blob[4 + 4 * ndim:], dtype=np.uint8).reshape(dims)


def activate(x, kind, slope):
    if kind == "identity":
        return x
    if kind == "relu":
        return np.maximum(x, 0.0)
    if kind == "leaky-relu":
        return np.where(x > 0.0, x, slope * x)
    if kind == "sigmoid":
        return 1.0 / (1.0 + np.exp(-x))
    if kind == "tanh":
        return np.tanh(x)
    if kind == "softmax":
        e = np.exp(x - x.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    raise SystemExit(f"unknown activation {kind}")


def kernel_hw(k):
    if isinstance(k, list):
        return int(k[0]), int(k[1])
    return int(k), int(k)


def conv2d(x, w, b, stride, padding):
    n, c, h, wd = x.shape
    f, c2, kh, kw = w.shape
    assert c == c2, (c, c2)
    if padding == "same":
        oh = -(-h // stride)
        ow = -(-wd // stride)
        ph = max((oh - 1) * stride + kh - h, 0)
        pw = max((ow - 1) * stride + kw - wd, 0)
        # Keras / TensorFlow: the extra pixel of an odd total goes bottom / right
        x = np.pad(x, ((0, 0), (0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2)))
    elif padding != "valid":
        raise SystemExit(f"unknown padding {padding}")
    win = sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    # win: [n, c, oh, ow, kh, kw]; out[n, f, oh, ow]
    oh, ow = win.shape[2], win.shape[3]
    cols = win.transpose(0, 2, 3, 1, 4, 5).reshape(n * oh * ow, c * kh * kw)
    out = cols @ w.reshape(f, c * kh * kw).T + b
    return out.reshape(n, oh, ow, f).transpose(0, 3, 1, 2)


def pool(x, size, stride, kind):
    win = sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    if kind == "max-pool":
        return win.max(axis=(4, 5))
    return win.mean(axis=(4, 5))


def forward(x, net, tensors):
    slope = float(net.get("leaky_slope", 0.01))
    for i, layer in enumerate(net["layers"]):
        kind = layer.get("type", "dense")
        p = f"layers.{i}."
        if kind == "dense":
            if x.ndim > 2:
                x = x.reshape(x.shape[0], -1)  # C x H x W, row-major
            x = x @ tensors[p + "weight"].T + tensors[p + "bias"]
        elif kind == "conv2d":
            x = conv2d(x, tensors[p + "weight"], tensors[p + "bias"],
                       int(layer.get("stride", 1)), layer.get("padding", "valid"))
        elif kind in ("max-pool", "avg-pool"):
            size = int(layer["size"])
            x = pool(x, size, int(layer.get("stride", size)), kind)
        elif kind == "batch-norm":
            eps = float(layer["epsilon"])
            shape = (1, -1) + (1,) * (x.ndim - 2)
            g, be, m, v = (tensors[p + s].reshape(shape)
                           for s in ("weight", "bias", "running_mean", "running_var"))
            x = (x - m) / np.sqrt(v + eps) * g + be
        else:
            raise SystemExit(f"layer {i}: unknown type {kind}")
        x = activate(x, layer.get("activation", "identity"), slope)
    return x


def main(argv):
    args = argv[1:]
    gaps_path = None
    if "--gaps" in args:
        k = args.index("--gaps")
        gaps_path = args[k + 1]
        del args[k:k + 2]
    if len(args) != 2:
        raise SystemExit(__doc__)
    model, data_dir = args

    meta, tensors = read_safetensors(model)
    exp = json.loads(meta["inkling.experiment"])
    norm = json.loads(meta["inkling.normalization"])
    net = exp["network"]
    used = set()
    for i, layer in enumerate(net["layers"]):
        used.update(n for n in tensors if n.startswith(f"layers.{i}."))
    if used != set(tensors):
        raise SystemExit(f"tensors not used by the network: {sorted(set(tensors) - used)}")

    images = read_idx(data_dir, "t10k-images-idx3-ubyte")
    labels = read_idx(data_dir, "t10k-labels-idx1-ubyte").astype(np.int64)
    kind = norm["kind"]
    if kind == "scale":
        scale, shift = 1.0 / 255.0, 0.0
    elif kind == "standardize":
        std = norm["std"] if norm["std"] != 0 else 1.0
        scale, shift = 1.0 / std, -norm["mean"] / std
    elif kind == "minmax":
        rng = (norm["max"] - norm["min"]) or 1.0
        scale, shift = 1.0 / rng, -norm["min"] / rng
    elif kind == "none":
        scale, shift = 1.0, 0.0
    else:
        raise SystemExit(f"unknown normalization {kind}")
    # the stored float32 values must be the formula's (FORMAT.md)
    for name, want in (("scale", scale), ("shift", shift)):
        if abs(norm[name] - np.float32(want)) > 1e-6 * max(1.0, abs(want)):
            raise SystemExit(f"normalization {name} {norm[name]} but {kind} gives {want}")
    scale, shift = float(norm["scale"]), float(norm["shift"])

    shape = net.get("input_shape")
    n = images.shape[0]
    preds = np.empty(n, dtype=np.int64)
    gaps = np.empty(n)
    for s in range(0, n, 250):
        p = images[s:s + 250].astype(np.float64) * scale + shift
        p = p.reshape((p.shape[0],) + (tuple(shape) if shape else (-1,)))
        out = forward(p, net, tensors)
        preds[s:s + 250] = out.argmax(axis=1)
        top2 = np.sort(out, axis=1)[:, -2:]
        gaps[s:s + 250] = top2[:, 1] - top2[:, 0]

    cm = np.zeros((10, 10), dtype=np.int64)
    np.add.at(cm, (labels, preds), 1)
    print("confusion matrix (rows: true class, columns: predicted)")
    print("true\\pred" + "".join(f"{j:7d}" for j in range(10)))
    for i in range(10):
        print(f"{i:9d}" + "".join(f"{cm[i, j]:7d}" for j in range(10)))
    acc = np.trace(cm) / n
    print(f"\ntest accuracy {100 * acc:.2f}%")
    if gaps_path:
        with open(gaps_path, "w") as f:
            for k in range(n):
                f.write(f"{k} {labels[k]} {preds[k]} {gaps[k]:.9g}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
