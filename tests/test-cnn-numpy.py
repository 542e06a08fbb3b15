#!/usr/bin/python3
# test-cnn-numpy.py
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

"""test-cnn-numpy.py INKLING_CLI: trains two small convolutional nets for one
epoch on 300 MNIST images, and checks that `inkling-cli evaluate` and the
independent numpy forward pass of check-cnn-numpy.py give the same confusion
matrix on the 10,000 test images.  Exit 77 (skip) without numpy or MNIST."""

import json
import os
import re
import subprocess
import sys
import tempfile

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))

# a second net: a stride-2 "same" conv with an odd padding total (28 -> 14,
# the extra pixel at the bottom / right), batch norm on channels, avg pool,
# a 2x3 same conv, a 3x3 max pool with stride 2, and batch norm on a dense layer
SMALL_LAYERS = [
    {"type": "conv2d", "filters": 6, "kernel": 3, "stride": 2, "padding": "same",
     "activation": "identity"},
    {"type": "batch-norm", "momentum": 0.9, "epsilon": 0.001, "activation": "relu"},
    {"type": "avg-pool", "size": 2, "stride": 2, "activation": "identity"},
    {"type": "conv2d", "filters": 5, "kernel": [2, 3], "stride": 1, "padding": "same",
     "activation": "leaky-relu", "dropout": 0.1},
    {"type": "max-pool", "size": 3, "stride": 2, "activation": "identity"},
    {"units": 24, "activation": "tanh"},
    {"type": "batch-norm", "momentum": 0.5, "epsilon": 1e-05, "activation": "identity"},
    {"units": 10, "activation": "softmax"},
]

CM_RE = re.compile(r"^\s*(\d)((?:\s+\d+){10})\s*$")


def matrix(text):
    """The 10 rows after 'confusion matrix' in an evaluate-style output."""
    lines = text.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("confusion matrix"))
    rows = []
    for l in lines[start + 2:start + 12]:
        m = CM_RE.match(l)
        if not m:
            raise AssertionError(f"not a matrix row: {l!r}")
        rows.append([int(v) for v in m.group(2).split()])
    return rows


def run(argv):
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        print(r.stdout)
        raise SystemExit(f"{' '.join(argv)}: exit {r.returncode}")
    return r.stdout


def check(cli, data, tmp, name, train_args):
    model = os.path.join(tmp, name + ".safetensors")
    run([cli, "train"] + train_args + ["--subset", "300", "--epochs", "1", "--save", model,
                                       "--no-ledger", "--data", data, "--quiet", "--no-progress"])
    ours = run([cli, "evaluate", "--data", data, model])
    gaps = os.path.join(tmp, name + ".gaps")
    theirs = run([sys.executable, os.path.join(HERE, "check-cnn-numpy.py"), model, data,
                  "--gaps", gaps])
    a, b = matrix(ours), matrix(theirs)
    diff = sum(abs(x - y) for ra, rb in zip(a, b) for x, y in zip(ra, rb))
    print(f"{name}: inkling-cli evaluate")
    print(ours[ours.index("confusion matrix"):])
    print(f"{name}: numpy")
    print(theirs)
    # Each prediction that differs moves one count from one cell of its row to
    # another (|difference| 2).  The C code works in float32, numpy in float64:
    # a near-tie between the two largest outputs may flip, so up to 2 flipped
    # predictions (sum of |differences| <= 4) out of 10,000 are allowed, with
    # the smallest numpy output gaps printed to show that they are near-ties.
    if diff:
        with open(gaps) as f:
            rows = sorted((float(l.split()[3]), l.strip()) for l in f)
        print(f"{name}: matrices differ (sum |difference| {diff}); the closest numpy calls "
              "(index, label, prediction, gap between the two largest outputs):")
        for _, l in rows[:5]:
            print("  ", l)
    assert diff <= 4, f"{name}: the confusion matrices differ in {diff // 2}+ predictions"
    print(f"{name}: {'identical' if diff == 0 else f'{diff // 2} prediction(s) differ'}")


def main():
    cli = sys.argv[1]
    try:
        import numpy  # noqa: F401
    except ImportError:
        print("numpy not available (Debian: python3-numpy)")
        return SKIP
    data = os.path.join(os.environ.get("XDG_DATA_HOME") or
                        os.path.expanduser("~/.local/share"), "inkling", "datasets", "mnist")
    if not all(os.path.exists(os.path.join(data, f)) or os.path.exists(os.path.join(data, f + ".gz"))
               for f in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
                         "train-images-idx3-ubyte", "train-labels-idx1-ubyte")):
        print(f"MNIST not found in {data}: run tools/setup-data.sh")
        return SKIP
    with tempfile.TemporaryDirectory(prefix="inkling-cnn-numpy-") as tmp:
        check(cli, data, tmp, "keras-mnist-cnn", ["--preset", "keras-mnist-cnn"])
        config = os.path.join(tmp, "small.json")
        run([cli, "train", "--preset", "keras-mnist-cnn", "--write-config", config])
        with open(config) as f:
            exp = json.load(f)
        exp["name"] = "small-cnn"
        exp["data"]["normalization"] = "standardize"
        exp["network"]["layers"] = SMALL_LAYERS
        with open(config, "w") as f:
            json.dump(exp, f)
        check(cli, data, tmp, "small-cnn", ["--config", config])
    return 0


if __name__ == "__main__":
    sys.exit(main())
