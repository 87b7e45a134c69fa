import assert from "node:assert/strict";
import { modularAddition } from "./modular_addition.ts";

Deno.test("modularAddition: every pair exactly once across train and test, one-hot pairs, label (a + b) mod p", async () => {
  const p = 7;
  const data = modularAddition({ modulus: p, trainFraction: 0.4, seed: 2 });
  assert.equal(data.n, Math.round(0.4 * 49));
  assert.equal(data.test!.n, 49 - data.n);
  assert.equal(data.numClasses, p);
  const seen = new Set<number>();
  for (const part of [data, data.test!]) {
    const x = await part.x.array(), y = await part.y.data();
    x.forEach((r, i) => {
      assert.equal(r.reduce((s, v) => s + v, 0), 2);
      const a = r.indexOf(1), b = r.indexOf(1, p) - p;
      assert.ok(a >= 0 && a < p && b >= 0 && b < p);
      assert.equal(y[i], (a + b) % p);
      seen.add(a * p + b);
    });
  }
  assert.equal(seen.size, 49);
  const again = modularAddition({ modulus: p, trainFraction: 0.4, seed: 2 });
  assert.deepEqual(await again.x.data(), await data.x.data());
  const other = modularAddition({ modulus: p, trainFraction: 0.4, seed: 3 });
  assert.notDeepEqual(await other.x.data(), await data.x.data());
  const oneHot = modularAddition({ modulus: 3, targets: "one-hot" });
  assert.deepEqual(oneHot.y.shape, [oneHot.n, 3]);
  for (const d of [data, again, other, oneHot]) d.dispose();
});

Deno.test("modularAddition: a split that leaves a side empty is a RangeError", () => {
  assert.throws(() => modularAddition({ modulus: 3, trainFraction: 1 }), {
    name: "RangeError",
    message:
      "Cannot make the modular addition data: trainFraction must leave at least one pair on each side, in (0, 1), current value is 1",
  });
  assert.throws(() => modularAddition({ modulus: 1 }), {
    name: "RangeError",
    message:
      "Cannot make the modular addition data: modulus must be an integer ≥ 2, current value is 1",
  });
});
