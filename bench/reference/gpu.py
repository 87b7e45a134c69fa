"""PyTorch CUDA reference for bench/gpu_bench.ts: the same MLP workloads on the same weights and
data (read from files the bench writes), timed on the GPU with explicit synchronization.

usage: gpu.py <config.json> [--device cuda|cpu]

With --device cpu (a self-check where no GPU is at hand) the same code runs on the CPU. Without
CUDA and without --device cpu it prints {"cuda": false, ...} and exits 0, so the bench can say
why it has no reference.

The config holds a list of cases, each with a binary file of float32 values in this order:
x [n, d0], labels [n] (as float32), W1 [d0, d1], b1 [d1], ..., then a vector v of the parameter
count. Kinds:

  step       one SGD step (lr 0.1) on mean softmax cross-entropy over a random batch of `batch`
             samples drawn without replacement from the n samples; the loss is not read back
             (check: the loss on the first `batch` samples at the initial weights)
  hvp        one double-backprop Hessian-vector product of the mean cross-entropy over all n
  sharpness  `iterations` Lanczos steps (float64 vectors on the device, full
             reorthogonalization) on that product, then the top eigenvalue of the tridiagonal
  matmul     C = A B for A, B of `size`² float32 (no file); check is TFLOP/s

Prints one JSON line: {"cuda", "device", "torch", "results": {id: {"ms": median, "check"}}}.
"""
import json
import sys
import time

import numpy as np
import torch


def load(case, device):
    sizes, n = case["sizes"], case["n"]
    raw = np.fromfile(case["file"], dtype=np.float32)
    off = 0

    def take(count, shape):
        nonlocal off
        out = torch.from_numpy(raw[off:off + count].reshape(shape).copy()).to(device)
        off += count
        return out

    x = take(n * sizes[0], (n, sizes[0]))
    labels = take(n, (n,)).long()
    params = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        params.append(take(a * b, (a, b)))
        params.append(take(b, (b,)))
    dim = sum(p.numel() for p in params)
    v = take(dim, (dim,))
    return x, labels, params, v


def forward(params, x):
    h = x
    layers = len(params) // 2
    for i in range(layers):
        h = torch.addmm(params[2 * i + 1], h, params[2 * i])
        if i + 1 < layers:
            h = torch.relu(h)
    return h


def loss_fn(params, x, labels):
    return torch.nn.functional.cross_entropy(forward(params, x), labels)


def split(vec, params):
    out, off = [], 0
    for p in params:
        out.append(vec[off:off + p.numel()].view_as(p))
        off += p.numel()
    return out


def hvp(params, x, labels, vs):
    grads = torch.autograd.grad(loss_fn(params, x, labels), params, create_graph=True)
    dot = sum((g * v).sum() for g, v in zip(grads, vs))
    return torch.autograd.grad(dot, params)


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def median_ms(fn, repeats, warmup, device, inner=1):
    """Median over `repeats` of the mean time of `inner` back-to-back calls (synchronized)."""
    for _ in range(warmup):
        fn()
    sync(device)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        sync(device)
        times.append((time.perf_counter() - t0) * 1000 / inner)
    times.sort()
    return times[len(times) // 2]


def run_case(case, device):
    kind = case["kind"]
    repeats, warmup = case["repeats"], case["warmup"]
    if kind == "matmul":
        size = case["size"]
        gen = torch.Generator(device="cpu").manual_seed(0)
        a = torch.rand(size, size, generator=gen).to(device)
        b = torch.rand(size, size, generator=gen).to(device)
        ms = median_ms(lambda: torch.mm(a, b), repeats, warmup, device, inner=case["inner"])
        return {"ms": ms, "check": 2 * size**3 / (ms * 1e-3) / 1e12}
    if kind == "transfer":
        host = torch.full((case["size"],), 0.5, dtype=torch.float32)
        ms = median_ms(lambda: host.to(device).cpu(), repeats, warmup, device)
        return {"ms": ms, "check": 2 * 4 * case["size"] / (ms * 1e-3) / 1e9}
    x, labels, params, v = load(case, device)
    ps = [p.clone().requires_grad_(True) for p in params]
    if kind == "step":
        batch, n = case["batch"], case["n"]
        with torch.no_grad():  # the check: the loss on the first batch at the initial weights
            check = loss_fn(params, x[:batch], labels[:batch]).item()

        def step():
            idx = torch.randperm(n, device=device)[:batch]
            loss = loss_fn(ps, x[idx], labels[idx])
            grads = torch.autograd.grad(loss, ps)
            with torch.no_grad():
                for p, g in zip(ps, grads):
                    p.sub_(0.1 * g)

        ms = median_ms(step, repeats, warmup, device, inner=case["inner"])
        return {"ms": ms, "check": check}
    if kind == "hvp":
        vs = split(v, params)
        out = {}

        def one():
            out["hv"] = hvp(ps, x, labels, vs)

        ms = median_ms(one, repeats, warmup, device)
        norm = float(torch.sqrt(sum((h.double() ** 2).sum() for h in out["hv"])))
        return {"ms": ms, "check": norm}
    if kind == "sharpness":
        iterations = case["iterations"]
        out = {}

        def matvec(q):
            hv = hvp(ps, x, labels, split(q.float(), params))
            return torch.cat([h.reshape(-1) for h in hv]).double()

        def lanczos():
            q = v.double()
            q = q / torch.linalg.norm(q)
            basis, alpha, beta = [q], [], []
            for j in range(iterations):
                w = matvec(basis[-1])
                alpha.append(float(w @ basis[-1]))
                for b in basis:  # full reorthogonalization
                    w = w - (w @ b) * b
                bnorm = float(torch.linalg.norm(w))
                if j + 1 == iterations or bnorm < 1e-12:
                    break
                beta.append(bnorm)
                basis.append(w / bnorm)
            k = len(alpha)
            t = np.diag(alpha) + np.diag(beta[:k - 1], 1) + np.diag(beta[:k - 1], -1)
            out["value"] = float(np.linalg.eigvalsh(t)[-1])

        ms = median_ms(lanczos, repeats, warmup, device)
        return {"ms": ms, "check": out["value"]}
    raise ValueError(f"unknown kind {kind}")


def main():
    args = sys.argv[1:]
    wanted = "cuda"
    if "--device" in args:
        wanted = args[args.index("--device") + 1]
    info = {"torch": torch.__version__, "cuda": torch.cuda.is_available()}
    if wanted == "cuda" and not torch.cuda.is_available():
        print(json.dumps({**info, "device": None, "results": {}}))
        return
    device = torch.device(wanted)
    info["device"] = torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu"
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = False  # float32 as minima computes it
    with open(args[0]) as f:
        config = json.load(f)
    torch.manual_seed(0)
    results = {case["id"]: run_case(case, device) for case in config["cases"]}
    print(json.dumps({**info, "results": results}))


if __name__ == "__main__":
    main()
