import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { flatten } from "./flatten.ts";

Deno.test("flatten orders features channels last: (i·w + j)·c + k", async () => {
  const layer = flatten().build([2, 2, 2]);
  const x = tf.tensor4d([0, 1, 2, 3, 4, 5, 6, 7], [1, 2, 2, 2]);
  const y = layer.apply([], x);
  assert.deepEqual(y.shape, [1, 8]);
  assert.deepEqual(Array.from(await y.data()), [0, 1, 2, 3, 4, 5, 6, 7]);
  tf.dispose([x, y]);
  assert.throws(() => flatten().build([0, 2]), {
    name: "TypeError",
    message:
      'Cannot build flatten "flatten": the input shape must be positive integers, current value is [0,2]',
  });
});
