import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { activationLayer } from "./activation_layer.ts";

Deno.test("activationLayer applies the activation elementwise and keeps the shape", async () => {
  const layer = activationLayer("tanh", { name: "act" }).build([1, 1, 2]);
  assert.deepEqual(layer.outputShape, [1, 1, 2]);
  const x = tf.tensor4d([0.5, -1], [1, 1, 1, 2]);
  const y = layer.apply([], x);
  const v = await y.data();
  assert.ok(Math.abs(v[0] - Math.tanh(0.5)) < 1e-6 && Math.abs(v[1] - Math.tanh(-1)) < 1e-6);
  tf.dispose([x, y]);
  assert.throws(() => activationLayer("swish" as "relu"), {
    name: "TypeError",
    message:
      'Cannot find the activation: name must be one of "relu", "tanh", "sigmoid", "softplus", "gelu", "silu", "identity", current value is "swish"',
  });
});
