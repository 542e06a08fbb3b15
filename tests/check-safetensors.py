#!/usr/bin/python3
# check-safetensors.py
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

"""Independent reader for a safetensors file written by Inkling (manual
cross-check, not part of the test suite).

    INK_SAFETENSORS_EXPORT=/tmp/inkling-mlp.safetensors \\
        _build/tests/test-safetensors -p /safetensors/model-like
    /usr/bin/python3 tests/check-safetensors.py /tmp/inkling-mlp.safetensors

Prints the metadata and every tensor's name, shape and sum, checks the layout
rules, and compares the values of the model-like test against a float32
recomputation."""

import json
import struct
import sys

import numpy as np


def expected_values(index, numel):
    j = np.arange(numel, dtype=np.int64)
    scale = np.float32(index + 1) * np.float32(0.001)
    return scale * ((j % 1000) - 500).astype(np.float32)


def main(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = raw[8 + n:]
    print(f"{path}: {len(raw)} bytes, header {n} bytes, "
          f"data starts at {8 + n} (aligned to 8: {(8 + n) % 8 == 0})")
    print("metadata:", header.pop("__metadata__", {}))

    pos = 0
    for index, (name, info) in enumerate(header.items()):
        begin, end = info["data_offsets"]
        assert info["dtype"] == "F32", info
        assert begin == pos, f"{name}: begins at {begin}, expected {pos}"
        pos = end
        array = np.frombuffer(data[begin:end], dtype="<f4").reshape(info["shape"])
        match = np.array_equal(array.ravel(), expected_values(index, array.size))
        print(f"  {name:16} {info['dtype']} shape={list(array.shape)} "
              f"offsets=[{begin}, {end}] sum={array.sum(dtype=np.float64):.6f} "
              f"first={array.ravel()[:3].tolist()} matches_expected={match}")
    assert pos == len(data), f"tensors cover {pos} of {len(data)} bytes"
    print(f"layout OK: {len(header)} tensors tile {len(data)} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
