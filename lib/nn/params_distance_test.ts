import assert from "node:assert/strict";
import { paramsDistance } from "./params_distance.ts";
import { disposeParams, flattenParams } from "./params.ts";
import { mlp } from "./mlp.ts";
import { tf } from "../backend/mod.ts";
import { assertClose, TOL } from "../_test_util.ts";

Deno.test("paramsDistance is the float64 norm of the flattened difference", async () => {
  const model = mlp([5, 7, 3]);
  const a = model.init(1), b = model.init(2);
  const [x, y] = [await flattenParams(a), await flattenParams(b)];
  const expected = Math.sqrt(x.reduce((s, v, i) => s + (v - y[i]) ** 2, 0));
  assertClose(await paramsDistance(a, b), expected, { rtol: TOL.float64 });
  assert.equal(await paramsDistance(a, a), 0);
  assertClose(await paramsDistance(b, a), expected, { rtol: TOL.float64 });
  const before = tf.memory().numTensors;
  await paramsDistance(a, b);
  assert.equal(tf.memory().numTensors, before);
  disposeParams([a, b]);
});

Deno.test("paramsDistance rejects parameters of different models", async () => {
  const a = [tf.tensor1d([1, 2])], b = [tf.tensor2d([[1, 2]])];
  await assert.rejects(() => paramsDistance(a, [...b, ...a]), {
    name: "TypeError",
    message:
      "Cannot measure the distance between parameters: a and b must be arrays of as many tensors, current lengths are 1 and 2",
  });
  await assert.rejects(() => paramsDistance(a, b), {
    name: "TypeError",
    message:
      "Cannot measure the distance between parameters: tensor 0 has shape [2] in a but [1,2] in b; give parameters of one model",
  });
  disposeParams([a, b]);
});

Deno.test("paramsDistance names an entry that is not a tensor", async () => {
  const a = [tf.tensor1d([0, 0])];
  await assert.rejects(
    () => paramsDistance(a, [[1, 2]] as never),
    new TypeError(
      "Cannot measure the distance between parameters: b[0] must be a tensor, current value is an array of length 2",
    ),
  );
  a[0].dispose();
});
