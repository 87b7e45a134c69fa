"""PyTorch reference for bench/convnet_bench.ts: SGD steps, Hessian-vector products and Lanczos
sharpness of minima's small CNN and ResNet-20 on CPU, on the same weights and images as minima
(read from files it writes).

usage: convnets.py <config.json>

The config holds the thread count and a list of cases. Each case names its model ("cnn":
smallCnn on 32x32x3 images, or "resnet20": ResNet-20 with BatchNorm and the pad shortcut), its
parameters as minima lays them out ([{"name", "shape"}], in minima's order) and a binary file of
float32 values in this order: images x [n, 32, 32, 3] (NHWC, as minima holds them), labels [n]
(as float32), the parameters in minima's layout, then (hvp and lanczos cases) a vector v of the
parameter count, also in minima's layout. Layouts are mapped here: a minima convolution filter
[kh, kw, cin, cout] is torch's [cout, cin, kh, kw]; a dense weight [in, out] is torch's
[out, in]; the CNN flattens its last feature map in minima's (h, w, c) order. BatchNorm runs in
train mode (batch statistics, biased variance, eps 1e-5) on both sides. Kinds:

  step     one SGD step (lr 0.1) on mean cross-entropy, autograd.grad + in-place update
  hvp      one double-backprop HVP of the mean cross-entropy over the n images
  lanczos  `iterations` Lanczos steps (float64 vectors, full reorthogonalization) on that HVP

Prints one JSON line: {"threads", "torch", "results": {id: {"ms", "cpu_ms", "check"}}}: medians
of the wall time and of the process's CPU time (every thread's, as on minima's side), and
the loss, ‖Hv‖ or λmax.
"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def to_torch(name, shape, values):
    """A minima parameter (float32 values in minima's layout) as torch lays it out."""
    t = torch.from_numpy(values.reshape(shape).copy())
    if len(shape) == 4:  # conv filter [kh, kw, cin, cout] -> [cout, cin, kh, kw]
        return t.permute(3, 2, 0, 1).contiguous()
    if len(shape) == 2:  # dense weight [in, out] -> [out, in]
        return t.t().contiguous()
    return t


def load(case):
    n = case["n"]
    raw = np.fromfile(case["file"], dtype=np.float32)
    off = 0

    def take(count):
        nonlocal off
        out = raw[off:off + count]
        off += count
        return out

    x = torch.from_numpy(take(n * 32 * 32 * 3).reshape(n, 32, 32, 3).copy())
    x = x.permute(0, 3, 1, 2).contiguous()  # NCHW
    labels = torch.from_numpy(take(n).copy()).long()
    specs = case["params"]
    params = {}
    for s in specs:
        count = int(np.prod(s["shape"]))
        params[s["name"]] = to_torch(s["name"], s["shape"], take(count))
    v = None
    if case["kind"] in ("hvp", "lanczos"):
        v = {}
        for s in specs:
            count = int(np.prod(s["shape"]))
            v[s["name"]] = to_torch(s["name"], s["shape"], take(count))
    return x, labels, specs, params, v


def bn(h, p, name):
    return F.batch_norm(h, None, None, p[name + ".weight"], p[name + ".bias"], training=True,
                        momentum=0.0, eps=1e-5)


def cnn(p, x):
    h = x
    for i in (1, 2):
        h = F.conv2d(h, p[f"conv{i}.weight"], p[f"conv{i}.bias"], padding=1)
        h = F.max_pool2d(F.relu(h), 2)
    h = h.permute(0, 2, 3, 1).reshape(h.shape[0], -1)  # minima flattens (h, w, c)
    return F.linear(h, p["linear.weight"], p["linear.bias"])


def resnet20(p, x):
    h = F.relu(bn(F.conv2d(x, p["conv1.weight"], padding=1), p, "bn1"))
    cin = 16
    for stage, c in enumerate((16, 32, 64)):
        for block in range(3):
            name = f"layer{stage + 1}.{block}"
            stride = 2 if stage > 0 and block == 0 else 1
            r = F.relu(bn(F.conv2d(h, p[name + ".conv1.weight"], stride=stride, padding=1), p,
                          name + ".bn1"))
            r = bn(F.conv2d(r, p[name + ".conv2.weight"], padding=1), p, name + ".bn2")
            s = h
            if stride != 1:
                s = s[:, :, ::stride, ::stride]
            if c != cin:  # He et al.'s option A: zero channels around the old ones
                before = (c - cin) // 2
                s = F.pad(s, (0, 0, 0, 0, before, c - cin - before))
            h = F.relu(s + r)
            cin = c
    return F.linear(h.mean((2, 3)), p["linear.weight"], p["linear.bias"])


MODELS = {"cnn": cnn, "resnet20": resnet20}


def median_ms(fn, repeats, warmup):
    """Medians of the wall time and of this process's CPU time, in ms."""
    for _ in range(warmup):
        fn()
    times, cpu = [], []
    for _ in range(repeats):
        c0 = time.process_time()
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    times.sort()
    cpu.sort()
    return times[len(times) // 2], cpu[len(cpu) // 2]


def run_case(case):
    x, labels, specs, params, v = load(case)
    model = MODELS[case["model"]]
    names = [s["name"] for s in specs]
    ps = [params[k].clone().requires_grad_(True) for k in names]
    repeats, warmup = case["repeats"], case["warmup"]

    def loss_of(plist):
        return F.cross_entropy(model(dict(zip(names, plist)), x), labels)

    kind = case["kind"]
    if kind == "step":
        first = {}

        def step():
            loss = loss_of(ps)
            grads = torch.autograd.grad(loss, ps)
            with torch.no_grad():
                for p, g in zip(ps, grads):
                    p.sub_(0.1 * g)
            first.setdefault("loss", loss.item())

        ms, cpu = median_ms(step, repeats, warmup)
        return {"ms": ms, "cpu_ms": cpu, "check": first["loss"]}

    def hvp(vs):
        loss = loss_of(ps)
        grads = torch.autograd.grad(loss, ps, create_graph=True)
        dot = sum((g * u).sum() for g, u in zip(grads, vs))
        return torch.autograd.grad(dot, ps)

    if kind == "hvp":
        vs = [v[k] for k in names]
        out = {}

        def one():
            hv = hvp(vs)
            out["norm"] = float(torch.sqrt(sum((h.double() ** 2).sum() for h in hv)))

        ms, cpu = median_ms(one, repeats, warmup)
        return {"ms": ms, "cpu_ms": cpu, "check": out["norm"]}
    if kind == "lanczos":
        iterations = case["iterations"]
        shapes = [p.shape for p in ps]
        sizes = [p.numel() for p in ps]
        out = {}

        def matvec(q):
            vs, off = [], 0
            flat = torch.from_numpy(q.astype(np.float32))
            for shape, size in zip(shapes, sizes):
                vs.append(flat[off:off + size].view(shape))
                off += size
            hv = hvp(vs)
            return torch.cat([h.reshape(-1) for h in hv]).double().numpy()

        start = torch.cat([v[k].reshape(-1) for k in names]).double().numpy()

        def lanczos():
            q = start / np.linalg.norm(start)
            basis, alpha, beta = [q], [], []
            for j in range(iterations):
                w = matvec(basis[-1])
                alpha.append(float(w @ basis[-1]))
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

        ms, cpu = median_ms(lanczos, repeats, warmup)
        return {"ms": ms, "cpu_ms": cpu, "check": out["value"]}
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
