"""numpy reference for bench/sde_bench.ts: Euler-Maruyama for Ornstein-Uhlenbeck particles.

usage: sde.py <dim> <particles> <steps> <repeats>

dim 1:  dX = theta (mu - X) dt + sigma dW, theta = 1, mu = 0.5, sigma = 0.8
dim d:  dX = -A X dt + sigma dW with the full matrix A_ij = 2 [i == j] + 0.1 sin(i + 2j)
Both from X0 = 0 over t in [0, 1]. In-place numpy ops on preallocated buffers, PCG64 normals
(Generator.standard_normal, numpy's ziggurat). Prints one JSON line: the median time of one
full solve in ms and the final mean and variance of the first component.
"""
import json
import sys
import time

import numpy as np


def solve(dim, n, steps, rng):
    dt = 1.0 / steps
    s = 0.8 * np.sqrt(dt)
    x = np.zeros((n, dim)) if dim > 1 else np.zeros(n)
    z = np.empty_like(x)
    f = np.empty_like(x)
    if dim == 1:
        for _ in range(steps):
            rng.standard_normal(out=z)
            np.subtract(0.5, x, out=f)
            f *= dt  # theta = 1
            z *= s
            x += f
            x += z
    else:
        i, j = np.meshgrid(np.arange(dim), np.arange(dim), indexing="ij")
        a = 2.0 * (i == j) + 0.1 * np.sin(i + 2.0 * j)
        mt = np.ascontiguousarray(-dt * a.T)
        for _ in range(steps):
            rng.standard_normal(out=z)
            np.matmul(x, mt, out=f)
            z *= s
            x += f
            x += z
    return x


def main():
    dim, n, steps, repeats = (int(v) for v in sys.argv[1:5])
    rng = np.random.default_rng(0)
    solve(dim, n, max(1, steps // 10), rng)  # warm-up
    times = []
    x = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        x = solve(dim, n, steps, rng)
        times.append((time.perf_counter() - t0) * 1e3)
    first = x if dim == 1 else x[:, 0]
    print(json.dumps({
        "ms": sorted(times)[len(times) // 2],
        "mean": float(first.mean()),
        "variance": float(first.var(ddof=1)),
        "numpy": np.__version__,
    }))


if __name__ == "__main__":
    main()
