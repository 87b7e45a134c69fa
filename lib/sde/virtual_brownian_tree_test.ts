import assert from "node:assert/strict";
import { virtualBrownianTree } from "./virtual_brownian_tree.ts";
import { covariance, mean, variance } from "./_test_helpers.ts";
import { assertAllClose, assertClose } from "../_test_util.ts";

Deno.test("virtualBrownianTree increments add up over any subdivision, for W and ΔZ", () => {
  const n = 5;
  const tree = virtualBrownianTree({ particles: n, t0: 1, t1: 3, levyArea: true, seed: 3 });
  const wAC = new Float64Array(n), zAC = new Float64Array(n);
  const wAB = new Float64Array(n), zAB = new Float64Array(n);
  const wBC = new Float64Array(n), zBC = new Float64Array(n);
  // A dyadic point, then a non-dyadic one inside a leaf.
  for (const [a, b, c] of [[1, 1.5, 2.75], [1.1, 1.7234, 2.9]]) {
    tree.increment(a, c, wAC, zAC);
    tree.increment(b, c, wBC, zBC); // out of order on purpose
    tree.increment(a, b, wAB, zAB);
    const sumW = wAB.map((w, i) => w + wBC[i]);
    // ∫_a^c (W_r − W_a) dr = ΔZ[a,b] + ΔZ[b,c] + (c − b)(W_b − W_a).
    const sumZ = zAB.map((z, i) => z + zBC[i] + (c - b) * wAB[i]);
    assertAllClose(sumW, wAC, { atol: 1e-12 }, `W over [${a}, ${c}]`);
    assertAllClose(sumZ, zAC, { atol: 1e-12 }, `Z over [${a}, ${c}]`);
  }
});

Deno.test("virtualBrownianTree gives the same values whatever the query order", () => {
  const times = [0.125, 0.7, 0.3, 1, 0.5, 0.0625, 0.33];
  const values = (order: number[]) => {
    const tree = virtualBrownianTree({ particles: 3, levyArea: true, seed: 8 });
    const out = new Map<number, number[]>();
    for (const t of order) {
      const w = new Float64Array(3), y = new Float64Array(3);
      tree.evaluate(t, w, y);
      out.set(t, [...w, ...y]);
    }
    return times.map((t) => out.get(t));
  };
  assert.deepEqual(values(times), values([...times].reverse()));
});

Deno.test("virtualBrownianTree has the covariances of (W, ∫W) at dyadic and leaf times", () => {
  const n = 40_000;
  // maxDepth 4: 0.5 and 0.25 are nodes, 0.3 and 0.8 fall inside leaves of width 1/16.
  const tree = virtualBrownianTree({ particles: n, levyArea: true, seed: 11, maxDepth: 4 });
  const ws = new Map<number, Float64Array>(), ys = new Map<number, Float64Array>();
  for (const t of [0.25, 0.3, 0.5, 0.8, 1]) {
    const w = new Float64Array(n), y = new Float64Array(n);
    tree.evaluate(t, w, y);
    ws.set(t, w);
    ys.set(t, y);
  }
  // Closed forms for s ≤ t: Cov(W_s, W_t) = s, Cov(Y_s, W_t) = s²/2, Cov(W_s, Y_t) = st − s²/2,
  // Cov(Y_s, Y_t) = s²t/2 − s³/6. Tolerance: 5 standard errors, SE ≤ sqrt((a b + c²)/n).
  const check = (got: number, want: number, va: number, vb: number, what: string) =>
    assertClose(got, want, { atol: 5 * Math.sqrt((va * vb + want * want) / n) }, what);
  const pairs: [number, number][] = [[0.25, 0.5], [0.3, 0.8], [0.5, 0.8], [0.3, 0.3], [0.8, 1]];
  for (const [s, t] of pairs) {
    const wS = ws.get(s)!, wT = ws.get(t)!, yS = ys.get(s)!, yT = ys.get(t)!;
    check(covariance(wS, wT), s, s, t, `Cov(W_${s}, W_${t})`);
    check(covariance(yS, wT), s * s / 2, s ** 3 / 3, t, `Cov(Y_${s}, W_${t})`);
    check(covariance(wS, yT), s * t - s * s / 2, s, t ** 3 / 3, `Cov(W_${s}, Y_${t})`);
    check(
      covariance(yS, yT),
      s * s * t / 2 - s ** 3 / 6,
      s ** 3 / 3,
      t ** 3 / 3,
      `Cov(Y_${s}, Y_${t})`,
    );
  }
  assertClose(mean(ws.get(0.3)!), 0, { atol: 5 * Math.sqrt(0.3 / n) }, "mean W_0.3");
  assertClose(variance(ws.get(1)!), 1, { atol: 5 * Math.sqrt(2 / n) }, "Var W_1");
});

Deno.test("virtualBrownianTree reproduces its seed; levyArea changes the path, not its law", () => {
  const at = (seed: number, levyArea: boolean) => {
    const w = new Float64Array(2);
    virtualBrownianTree({ particles: 2, seed, levyArea }).evaluate(0.375, w);
    return Array.from(w);
  };
  assert.deepEqual(at(1, false), at(1, false));
  assert.deepEqual(at(1, true), at(1, true));
  assert.notDeepEqual(at(1, false), at(2, false));
  // W(t1) is drawn first from the root's own stream, so it does not depend on levyArea.
  const end = (levyArea: boolean) => {
    const w = new Float64Array(2);
    virtualBrownianTree({ particles: 2, seed: 1, levyArea }).evaluate(1, w);
    return Array.from(w);
  };
  assert.deepEqual(end(false), end(true));
});

Deno.test("virtualBrownianTree rejects bad intervals, depths and queries", () => {
  assert.throws(
    () => virtualBrownianTree({ t0: 1, t1: 1 }),
    {
      name: "RangeError",
      message:
        "Cannot create a virtual Brownian tree: t1 must be greater than t0 = 1, current value is 1",
    },
  );
  assert.throws(
    () => virtualBrownianTree({ maxDepth: 60 }),
    {
      name: "RangeError",
      message:
        "Cannot create a virtual Brownian tree: maxDepth must be an integer in [0, 50], current value is 60",
    },
  );
  const tree = virtualBrownianTree({ particles: 2 });
  assert.throws(
    () => tree.evaluate(1.5, new Float64Array(2)),
    {
      name: "RangeError",
      message:
        "Cannot evaluate a virtual Brownian tree: t must be in [t0, t1] = [0, 1], current value is 1.5",
    },
  );
  assert.throws(
    () => tree.evaluate(0.5, new Float64Array(2), new Float64Array(2)),
    {
      name: "TypeError",
      message:
        "Cannot evaluate a virtual Brownian tree: Y(t) was requested from a tree created without levyArea; create it with levyArea: true",
    },
  );
  assert.throws(
    () => tree.increment(0.2, 0.1, new Float64Array(2)),
    {
      name: "RangeError",
      message:
        "Cannot draw a Brownian increment: the interval must have u > s, current values are s = 0.2, u = 0.1",
    },
  );
});
