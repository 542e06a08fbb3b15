#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Inkling developers
#
# The keras-mnist-cnn recipe in PyTorch (Debian's python3-torch 1.13, whose
# convolutions run on oneDNN 2.6 and dense products on OpenBLAS), for the
# benchmark's comparison: conv 32 3x3 ReLU, conv 64 3x3 ReLU, max-pool 2x2,
# dropout 0.25, dense 128 ReLU, dropout 0.5, 10 outputs with softmax +
# cross-entropy; Adadelta lr 1.0, rho 0.95, eps 1e-7 (Keras 2's); batch 128;
# pixels scaled to [0, 1]; Glorot-uniform weights (Keras' fans for the
# convolutions: C*kh*kw in, F*kh*kw out) and zero biases; the IDX files
# Inkling reads, already in memory as float32.  Tuned fairly (see
# ../shared/PEERS.md): 2 threads, FTZ, and OMP_WAIT_POLICY=PASSIVE and
# OPENBLAS_CORETYPE set by bench/cnn/compare.sh before this starts.  Times
# only the training pass of each epoch (shuffle, forward, backward, update);
# the test pass after it is timed apart.
#   bench/cnn/torch-keras-cnn.py [--epochs 1] [--subset N]
import argparse, json, os, resource, statistics, time

import numpy as np
import torch
import torch.nn as nn

p = argparse.ArgumentParser()
p.add_argument("--epochs", type=int, default=1)
p.add_argument("--subset", type=int, default=0, help="only the first N training and test images")
p.add_argument("--data", default=os.path.join(os.environ.get("XDG_DATA_HOME", os.path.expanduser("~/.local/share")),
                                              "inkling", "datasets", "mnist"))
p.add_argument("--threads", type=int, default=2)
p.add_argument("--no-ftz", action="store_true")
p.add_argument("--no-test", action="store_true", help="skip the test pass (timing runs on a subset)")
args = p.parse_args()

def idx(name, offset, shape):
    return np.fromfile(os.path.join(args.data, name), np.uint8, offset=offset).reshape(shape)

Xtr = idx("train-images-idx3-ubyte", 16, (-1, 1, 28, 28)).astype(np.float32) / 255.0
ytr = idx("train-labels-idx1-ubyte", 8, (-1,)).astype(np.int64)
Xte = idx("t10k-images-idx3-ubyte", 16, (-1, 1, 28, 28)).astype(np.float32) / 255.0
yte = idx("t10k-labels-idx1-ubyte", 8, (-1,)).astype(np.int64)
if args.subset > 0:
    Xtr, ytr, Xte, yte = Xtr[:args.subset], ytr[:args.subset], Xte[:args.subset], yte[:args.subset]
Xtr, ytr = torch.from_numpy(np.ascontiguousarray(Xtr)), torch.from_numpy(ytr)
Xte, yte = torch.from_numpy(np.ascontiguousarray(Xte)), torch.from_numpy(yte)

torch.set_num_threads(args.threads)
if not args.no_ftz:
    torch.set_flush_denormal(True)
torch.manual_seed(42)

model = nn.Sequential(
    nn.Conv2d(1, 32, 3), nn.ReLU(),
    nn.Conv2d(32, 64, 3), nn.ReLU(),
    nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(),
    nn.Linear(64 * 12 * 12, 128), nn.ReLU(), nn.Dropout(0.5),
    nn.Linear(128, 10))
for m in model:
    if isinstance(m, (nn.Conv2d, nn.Linear)):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)
opt = torch.optim.Adadelta(model.parameters(), lr=1.0, rho=0.95, eps=1e-7)
loss_fn = nn.CrossEntropyLoss()

times, test_times = [], []
n = Xtr.shape[0]
for epoch in range(args.epochs):
    model.train()
    t0 = time.perf_counter()
    perm = torch.randperm(n)
    for i in range(0, n, 128):
        b = perm[i:i + 128]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(Xtr[b]), ytr[b])
        loss.backward()
        opt.step()
    times.append(time.perf_counter() - t0)
    model.eval()
    t1 = time.perf_counter()
    with torch.no_grad():
        correct = 0 if args.no_test else \
            sum((model(Xte[i:i + 500]).argmax(1) == yte[i:i + 500]).sum().item()
                for i in range(0, Xte.shape[0], 500))
    test_times.append(time.perf_counter() - t1)
    acc = float("nan") if args.no_test else correct / Xte.shape[0]
    print(f"torch epoch {epoch + 1:3d}: {times[-1]:.3f} s training pass, test acc {100 * acc:.2f}% "
          f"({test_times[-1]:.2f} s test pass)", flush=True)

rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"peer": "pytorch " + torch.__version__, "epochs": args.epochs, "train": n,
                  "epoch_median_s": round(statistics.median(times), 4),
                  "epoch_min_s": round(min(times), 4), "test_accuracy": round(acc, 4),
                  "peak_rss_mb": round(rss, 1), "ftz": not args.no_ftz, "threads": args.threads,
                  "mkldnn": torch.backends.mkldnn.is_available(),
                  "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", ""),
                  "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", "")}))
