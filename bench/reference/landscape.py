"""PyTorch reference for bench/landscape_bench.ts: SGD training steps, one Hessian-vector product
and the top Hessian eigenvalue by 20 Lanczos steps, for a 784-256-256-10 ReLU MLP on 1,024
FashionMNIST samples, with the weights, data, start vector and minibatches minima used (read
from the files the benchmark writes).

usage: landscape.py <config.json>

config: {"sizes", "n", "lr", "batch", "check_steps", "step_repeats", "hvp_repeats",
"lanczos_steps", "lanczos_repeats", "problem": file, "batches": file}
problem (float32, in order): x [n, 784], labels [n], W1 [784, 256], b1, W2, b2, W3, b3, v [d]
batches (int32): check_steps rows of `batch` sample indices, the batches minima's train loop drew.

Loss: mean softmax cross-entropy (torch.nn.functional.cross_entropy). One thread
(torch.set_num_threads(1) and the BLAS environment set by the harness).

Prints one JSON line: {"torch", "threads", "step_ms", "loss_after", "loss_before", "hvp_ms",
"hvp_norm", "lanczos_ms", "lambda_max"}.
"""
import json
import sys
import time

import numpy as np
import torch


def median_ms(fn, repeats, warmup=1):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return times[len(times) // 2]


def main():
    with open(sys.argv[1]) as f:
        cfg = json.load(f)
    torch.set_num_threads(1)
    sizes, n = cfg["sizes"], cfg["n"]
    raw = np.fromfile(cfg["problem"], dtype=np.float32)
    off = 0

    def take(count, shape):
        nonlocal off
        out = torch.from_numpy(raw[off:off + count].reshape(shape).copy())
        off += count
        return out

    x = take(n * sizes[0], (n, sizes[0]))
    labels = take(n, (n,)).long()
    params0 = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        params0.append(take(a * b, (a, b)))
        params0.append(take(b, (b,)))
    dim = sum(p.numel() for p in params0)
    v = take(dim, (dim,))
    batches = np.fromfile(cfg["batches"], dtype=np.int32).reshape(cfg["check_steps"], cfg["batch"])
    batches = [torch.from_numpy(b.astype(np.int64)) for b in batches]

    def forward(ps, xb):
        h = xb
        layers = len(ps) // 2
        for i in range(layers):
            h = h @ ps[2 * i] + ps[2 * i + 1]
            if i + 1 < layers:
                h = torch.relu(h)
        return h

    def loss_fn(ps, xb, yb):
        return torch.nn.functional.cross_entropy(forward(ps, xb), yb)

    # (a) SGD steps on minima's batches: the loss after them checks the computation is the same.
    lr = cfg["lr"]

    def fresh():
        return [p.clone().requires_grad_(True) for p in params0]

    def sgd_step(ps, idx):
        loss = loss_fn(ps, x[idx], labels[idx])
        grads = torch.autograd.grad(loss, ps)
        with torch.no_grad():
            for p, g in zip(ps, grads):
                p.sub_(lr * g)

    ps = fresh()
    with torch.no_grad():
        loss_before = float(loss_fn(ps, x, labels))
    for idx in batches:
        sgd_step(ps, idx)
    with torch.no_grad():
        loss_after = float(loss_fn(ps, x, labels))
    timed = fresh()
    counter = {"i": 0}

    def one_step():
        sgd_step(timed, batches[counter["i"] % len(batches)])
        counter["i"] += 1

    step_ms = median_ms(one_step, cfg["step_repeats"], warmup=3)

    # (b) One double-backprop HVP on all n samples.
    ps = fresh()

    def split(vec):
        out, o = [], 0
        for p in params0:
            out.append(vec[o:o + p.numel()].view_as(p))
            o += p.numel()
        return out

    def hvp(vs):
        loss = loss_fn(ps, x, labels)
        grads = torch.autograd.grad(loss, ps, create_graph=True)
        dot = sum((g * u).sum() for g, u in zip(grads, vs))
        return torch.autograd.grad(dot, ps)

    vs = split(v)
    out = {}

    def one_hvp():
        hv = hvp(vs)
        out["norm"] = float(torch.sqrt(sum((h.double() ** 2).sum() for h in hv)))

    hvp_ms = median_ms(one_hvp, cfg["hvp_repeats"])

    # (c) Lanczos with full reorthogonalization in float64, from the same start vector.
    def matvec(q):
        hv = hvp(split(torch.from_numpy(q.astype(np.float32))))
        return torch.cat([h.reshape(-1) for h in hv]).double().numpy()

    def lanczos():
        q = v.double().numpy()
        q = q / np.linalg.norm(q)
        basis, alpha, beta = [q], [], []
        for j in range(cfg["lanczos_steps"]):
            w = matvec(basis[-1])
            alpha.append(float(w @ basis[-1]))
            for b in basis:
                w -= (w @ b) * b
            bnorm = float(np.linalg.norm(w))
            if j + 1 == cfg["lanczos_steps"] or bnorm < 1e-12:
                break
            beta.append(bnorm)
            basis.append(w / bnorm)
        k = len(alpha)
        t = np.diag(alpha) + np.diag(beta[:k - 1], 1) + np.diag(beta[:k - 1], -1)
        out["lambda"] = float(np.linalg.eigvalsh(t)[-1])

    lanczos_ms = median_ms(lanczos, cfg["lanczos_repeats"], warmup=0)
    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "step_ms": step_ms,
        "loss_before": loss_before,
        "loss_after": loss_after,
        "hvp_ms": hvp_ms,
        "hvp_norm": out["norm"],
        "lanczos_ms": lanczos_ms,
        "lambda_max": out["lambda"],
    }))


if __name__ == "__main__":
    main()
