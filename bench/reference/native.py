"""PyTorch reference for bench/native_bench.ts: MLP training steps, Hessian-vector products and
Lanczos sharpness on CPU, on the same weights and data as minima (read from files it writes).

usage: native.py <config.json>

The config holds the thread count and a list of cases, each with a binary file of float32 values
in this order: x [n, d0], labels [n] (as float32), then W1 [d0, d1], b1 [d1], ..., then (hvp and
lanczos cases) a vector v of the parameter count. Kinds:

  step     one SGD step (lr 0.1) on mean softmax cross-entropy, autograd.grad + in-place update
  hvp      one double-backprop HVP of the loss ("mse": 0.5 mean sum (z - onehot)^2, or "ce")
  lanczos  `iterations` Lanczos steps (float64 vectors, full reorthogonalization) on the ce HVP

Prints one JSON line: {"threads", "torch", "results": {id: {"ms": median, "check": value}}}.
"""
import json
import sys
import time

import numpy as np
import torch


def load(case):
    sizes = case["sizes"]
    n = case["n"]
    raw = np.fromfile(case["file"], dtype=np.float32)
    off = 0

    def take(count, shape):
        nonlocal off
        out = torch.from_numpy(raw[off:off + count].reshape(shape).copy())
        off += count
        return out

    x = take(n * sizes[0], (n, sizes[0]))
    labels = take(n, (n,)).long()
    params = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        params.append(take(a * b, (a, b)))
        params.append(take(b, (b,)))
    v = None
    if case["kind"] in ("hvp", "lanczos"):
        dim = sum(p.numel() for p in params)
        v = take(dim, (dim,))
    return x, labels, params, v


def forward(params, x):
    h = x
    layers = len(params) // 2
    for i in range(layers):
        h = h @ params[2 * i] + params[2 * i + 1]
        if i + 1 < layers:
            h = torch.relu(h)
    return h


def loss_fn(kind, params, x, labels, classes):
    z = forward(params, x)
    if kind == "ce":
        return torch.nn.functional.cross_entropy(z, labels)
    onehot = torch.nn.functional.one_hot(labels, classes).float()
    return 0.5 * ((z - onehot) ** 2).sum(1).mean()


def split(vec, params):
    out, off = [], 0
    for p in params:
        out.append(vec[off:off + p.numel()].view_as(p))
        off += p.numel()
    return out


def hvp(loss_kind, params, x, labels, classes, vs):
    loss = loss_fn(loss_kind, params, x, labels, classes)
    grads = torch.autograd.grad(loss, params, create_graph=True)
    dot = sum((g * v).sum() for g, v in zip(grads, vs))
    return torch.autograd.grad(dot, params)


def median_ms(fn, repeats, warmup):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return times[len(times) // 2]


def run_case(case):
    x, labels, params, v = load(case)
    classes = case["sizes"][-1]
    repeats, warmup = case["repeats"], case["warmup"]
    kind = case["kind"]
    if kind == "step":
        ps = [p.clone().requires_grad_(True) for p in params]
        first = {}

        def step():
            loss = loss_fn("ce", ps, x, labels, classes)
            grads = torch.autograd.grad(loss, ps)
            with torch.no_grad():
                for p, g in zip(ps, grads):
                    p.sub_(0.1 * g)
            first.setdefault("loss", loss.item())

        ms = median_ms(step, repeats, warmup)
        return {"ms": ms, "check": first["loss"]}
    ps = [p.clone().requires_grad_(True) for p in params]
    if kind == "hvp":
        vs = split(v, params)
        out = {}

        def one():
            hv = hvp(case["loss"], ps, x, labels, classes, vs)
            out["norm"] = float(torch.sqrt(sum((h.double() ** 2).sum() for h in hv)))

        ms = median_ms(one, repeats, warmup)
        return {"ms": ms, "check": out["norm"]}
    if kind == "lanczos":
        iterations = case["iterations"]
        out = {}

        def matvec(q):
            vs = split(torch.from_numpy(q.astype(np.float32)), params)
            hv = hvp("ce", ps, x, labels, classes, vs)
            return torch.cat([h.reshape(-1) for h in hv]).double().numpy()

        def lanczos():
            q = v.double().numpy()
            q = q / np.linalg.norm(q)
            basis, alpha, beta = [q], [], []
            for j in range(iterations):
                w = matvec(basis[-1])
                a = float(w @ basis[-1])
                alpha.append(a)
                for b in basis:  # full reorthogonalization
                    w -= (w @ b) * b
                bnorm = float(np.linalg.norm(w))
                if j + 1 == iterations or bnorm < 1e-12:
                    break
                beta.append(bnorm)
                basis.append(w / bnorm)
            k = len(alpha)
            t = np.diag(alpha) + np.diag(beta[:k - 1], 1) + np.diag(beta[:k - 1], -1)
            out["value"] = float(np.linalg.eigvalsh(t)[-1])

        ms = median_ms(lanczos, repeats, warmup)
        return {"ms": ms, "check": out["value"]}
    raise ValueError(f"unknown kind {kind}")


def main():
    with open(sys.argv[1]) as f:
        config = json.load(f)
    torch.set_num_threads(config["threads"])
    results = {case["id"]: run_case(case) for case in config["cases"]}
    print(json.dumps({"threads": torch.get_num_threads(), "torch": torch.__version__,
                      "results": results}))


if __name__ == "__main__":
    main()
