import assert from "node:assert/strict";
import { sparseLinearClassification } from "./sparse_linear_classification.ts";
import { assertClose } from "../_test_util.ts";

Deno.test("sparseLinearClassification: x ~ N(0, I), y = sign(x₁ + ⋯ + x_k), disjoint test stream, seeds reproduce", async () => {
  const data = sparseLinearClassification({
    samples: 2000,
    dim: 10,
    sparsity: 4,
    testSamples: 300,
    seed: 3,
  });
  const x = await data.x.array(), y = Array.from(await data.y.data());
  x.forEach((r, i) => assert.equal(Math.sign(r[0] + r[1] + r[2] + r[3]), y[i]));
  // Standard normal entries: mean 0 (se 0.007), variance 1 (se 0.01) over 20,000 values.
  const all = x.flat();
  const mean = all.reduce((s, v) => s + v, 0) / all.length;
  assertClose(mean, 0, { atol: 0.03 }, "mean");
  assertClose(all.reduce((s, v) => s + (v - mean) ** 2, 0) / all.length, 1, { rtol: 0.04 }, "var");
  // Balanced labels by symmetry: 1000 ± 22 positives.
  assertClose(y.reduce((s, v) => s + (v > 0 ? 1 : 0), 0), 1000, { atol: 90 }, "positives");
  assert.deepEqual(
    data.labels!.slice(0, 5),
    Int32Array.from(y.slice(0, 5), (v) => (v > 0 ? 1 : 0)),
  );
  const tx = await data.test!.x.array();
  assert.notDeepEqual(tx[0], x[0]);
  const again = sparseLinearClassification({
    samples: 2000,
    dim: 10,
    sparsity: 4,
    testSamples: 300,
    seed: 3,
  });
  assert.deepEqual(await again.test!.x.data(), await data.test!.x.data());
  assert.deepEqual(data.info, {
    source: "sparse-linear",
    part: "train",
    seed: 3,
    samples: 2000,
    dim: 10,
    sparsity: 4,
  });
  data.dispose();
  again.dispose();
});

Deno.test("sparseLinearClassification: bad options are typed errors", () => {
  assert.throws(() => sparseLinearClassification({ dim: 5, sparsity: 6 }), {
    name: "RangeError",
    message:
      "Cannot make the sparse linear classification data: sparsity must be an integer in [1, 5] (the dimension), current value is 6",
  });
  assert.throws(() => sparseLinearClassification({ samples: 0 }), {
    name: "RangeError",
    message:
      "Cannot make the sparse linear classification data: samples must be a positive integer, current value is 0",
  });
});
