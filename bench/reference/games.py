"""numpy reference for bench/games_bench.ts: one quasistatic Langevin outer step (one noisy
descent step on x, then k noisy ascent steps on y) on a 2-D torus game with all pairwise
interactions, written the way numpy is usually written: broadcast the pairwise differences,
evaluate the gradient on all pairs, average.

Game: K(x, y) = cos(x1 - y1) cos(x2 - y2) + 0.5 cos(2 x1) - 0.5 cos(2 y2) on [0, 2pi)^2.

Usage: games.py config.json   (x, y as flat lists, k, step_x, step_y, temperature, repeats)
Prints one JSON line: the median step time in ms and the two mean-field forces on the given
particles (for the agreement check).
"""
import json
import sys
import time

import numpy as np

TWO_PI = 2 * np.pi


def field_x(x, y):
    d = x[:, None, :] - y[None, :, :]
    s, c = np.sin(d), np.cos(d)
    g = np.empty_like(x)
    g[:, 0] = -(s[..., 0] * c[..., 1]).mean(axis=1) - np.sin(2 * x[:, 0])
    g[:, 1] = -(c[..., 0] * s[..., 1]).mean(axis=1)
    return g


def field_y(x, y):
    d = x[:, None, :] - y[None, :, :]
    s, c = np.sin(d), np.cos(d)
    g = np.empty_like(y)
    g[:, 0] = (s[..., 0] * c[..., 1]).mean(axis=0)
    g[:, 1] = (c[..., 0] * s[..., 1]).mean(axis=0) + np.sin(2 * y[:, 1])
    return g


def main():
    with open(sys.argv[1]) as f:
        cfg = json.load(f)
    x0 = np.array(cfg["x"], dtype=np.float64).reshape(-1, 2)
    y0 = np.array(cfg["y"], dtype=np.float64).reshape(-1, 2)
    k, sx, sy, temp = cfg["k"], cfg["step_x"], cfg["step_y"], cfg["temperature"]
    rng = np.random.default_rng(0)
    nx, ny = np.sqrt(2 * sx * temp), np.sqrt(2 * sy * temp)

    def step(x, y):
        x = np.mod(x - sx * field_x(x, y) + nx * rng.standard_normal(x.shape), TWO_PI)
        for _ in range(k):
            y = np.mod(y + sy * field_y(x, y) + ny * rng.standard_normal(y.shape), TWO_PI)
        return x, y

    step(x0, y0)  # warm-up
    times = []
    for _ in range(cfg["repeats"]):
        t0 = time.perf_counter()
        step(x0, y0)
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    print(json.dumps({
        "step_ms": times[len(times) // 2],
        "field_x": field_x(x0, y0).ravel().tolist(),
        "field_y": field_y(x0, y0).ravel().tolist(),
        "numpy": np.__version__,
    }))


if __name__ == "__main__":
    main()
