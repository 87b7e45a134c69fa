import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { cloneParams, disposeParams, flattenParams, unflattenParams } from "./params.ts";
import { mlp } from "./mlp.ts";

Deno.test("flattenParams and unflattenParams are inverse, in paramSpecs order, row-major", async () => {
  const model = mlp([2, 3, 1]);
  const params = model.init(3);
  const theta = await flattenParams(params);
  assert.equal(theta.length, model.numParams);
  const w1 = await params[0].array() as number[][];
  assert.equal(theta[1 * 3 + 2], Math.fround(w1[1][2]));
  const before = tf.memory().numTensors;
  const back = unflattenParams(theta, model.paramSpecs);
  assert.equal(tf.memory().numTensors, before + params.length);
  assert.deepEqual(await flattenParams(back), theta);
  assert.deepEqual(back.map((p) => p.shape), model.paramSpecs.map((s) => s.shape));
  const copy = cloneParams(params);
  disposeParams(params);
  assert.deepEqual(await flattenParams(copy), theta);
  disposeParams([back, copy]);
  assert.equal(tf.memory().numTensors, before - params.length);
});

Deno.test("unflattenParams rejects a vector of the wrong length", () => {
  assert.throws(() => unflattenParams([1, 2], [{ shape: [3] }]), {
    name: "TypeError",
    message: "Cannot unflatten the parameters: the vector must have 3 entries, current length is 2",
  });
});
