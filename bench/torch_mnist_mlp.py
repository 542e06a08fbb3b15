#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Inkling developers
#
# The keras-mnist-mlp recipe in PyTorch (Debian's python3-torch), for the
# benchmark's comparison: 784-512-512-10 ReLU, dropout 0.2, softmax +
# cross-entropy, RMSprop lr 1e-3 (rho 0.9, eps 1e-7), batch 128, inputs
# standardized with the training mean/std, Glorot-uniform weights and zero
# biases, data already in memory as float32.  Tuned fairly: 2 threads, FTZ,
# OMP_WAIT_POLICY=PASSIVE and OPENBLAS_CORETYPE set by bench/run-bench.sh
# before this starts.  Times only the training pass of each epoch.
#
# With --device cuda (bench/gpu/run-device.sh on the lent GPU machine): the
# same model in PyTorch eager mode with the whole dataset uploaded to the
# GPU once and each minibatch an index into it, the clock read after
# torch.cuda.synchronize(); TF32 off (exact FP32, like Inkling's default).
import argparse, json, os, resource, statistics, sys, time

import numpy as np
import torch
import torch.nn as nn

p = argparse.ArgumentParser()
p.add_argument("--epochs", type=int, default=5)
p.add_argument("--data", default=os.path.join(os.environ.get("XDG_DATA_HOME", os.path.expanduser("~/.local/share")),
                                              "inkling", "datasets", "mnist"))
p.add_argument("--threads", type=int, default=2)
p.add_argument("--no-ftz", action="store_true")
p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
args = p.parse_args()

def idx(name, offset, shape):
    return np.fromfile(os.path.join(args.data, name), np.uint8, offset=offset).reshape(shape)

Xtr = idx("train-images-idx3-ubyte", 16, (-1, 784)).astype(np.float32)
ytr = idx("train-labels-idx1-ubyte", 8, (-1,)).astype(np.int64)
Xte = idx("t10k-images-idx3-ubyte", 16, (-1, 784)).astype(np.float32)
yte = idx("t10k-labels-idx1-ubyte", 8, (-1,)).astype(np.int64)
mean, std = Xtr.mean(), Xtr.std()
Xtr = torch.from_numpy((Xtr - mean) / std)
Xte = torch.from_numpy((Xte - mean) / std)
ytr = torch.from_numpy(ytr)
yte = torch.from_numpy(yte)

torch.set_num_threads(args.threads)
if not args.no_ftz:
    torch.set_flush_denormal(True)
torch.manual_seed(42)
dev = torch.device(args.device)
if args.device == "cuda":
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    Xtr, ytr, Xte, yte = Xtr.to(dev), ytr.to(dev), Xte.to(dev), yte.to(dev)

def sync():
    if args.device == "cuda":
        torch.cuda.synchronize()
model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2),
                      nn.Linear(512, 512), nn.ReLU(), nn.Dropout(0.2),
                      nn.Linear(512, 10))
for m in model:
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)
model = model.to(dev)
opt = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
loss_fn = nn.CrossEntropyLoss()

times = []
n = Xtr.shape[0]
for epoch in range(args.epochs):
    model.train()
    sync()
    t0 = time.perf_counter()
    perm = torch.randperm(n, device=dev)
    for i in range(0, n, 128):
        b = perm[i:i + 128]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(Xtr[b]), ytr[b])
        loss.backward()
        opt.step()
    sync()
    times.append(time.perf_counter() - t0)
    model.eval()
    with torch.no_grad():
        acc = (model(Xte).argmax(1) == yte).float().mean().item()
    print(f"torch epoch {epoch + 1:3d}: {times[-1]:.3f} s training pass, test acc {100 * acc:.2f}%", flush=True)

rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"peer": "pytorch " + torch.__version__, "device": args.device,
                  "gpu": torch.cuda.get_device_name(0) if args.device == "cuda" else "",
                  "epochs": args.epochs,
                  "epoch_median_s": round(statistics.median(times), 4), "test_accuracy": round(acc, 4),
                  "peak_rss_mb": round(rss, 1), "ftz": not args.no_ftz,
                  "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", "")}))
