import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { dense } from "./dense.ts";
import { disposeParams } from "./params.ts";
import { assertAllClose } from "../_test_util.ts";

Deno.test("dense: y = xW + b, with PyTorch's uniform init inside ±1/√fan_in", async () => {
  const layer = dense({ units: 2, init: "uniform" }).build([3]);
  const w = tf.tensor2d([[1, 2], [3, 4], [5, 6]]), b = tf.tensor1d([0.5, -0.5]);
  const x = tf.tensor2d([[1, 0, -1]]);
  const y = layer.apply([w, b], x);
  assertAllClose(await y.data(), [1 - 5 + 0.5, 2 - 6 - 0.5]);
  const params = layer.init(0);
  const values = await params[0].data();
  assert.ok(values.every((v) => Math.abs(v) <= 1 / Math.sqrt(3)));
  assert.ok((await params[1].data()).some((v) => v !== 0), "uniform biases are drawn");
  tf.dispose([w, b, x, y]);
  disposeParams(params);
});

Deno.test("dense rejects bad units and inputs", () => {
  assert.throws(() => dense({ units: 0 }), {
    name: "RangeError",
    message: 'Cannot build dense "linear": units must be a positive integer, current value is 0',
  });
  assert.throws(() => dense({ units: 2, init: "xavier" as "he" }), {
    name: "TypeError",
    message:
      'Cannot build dense "linear": init must be "he" or "uniform", current value is "xavier"',
  });
});
