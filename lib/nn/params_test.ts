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

Deno.test("the parameter helpers name what is not a list of live tensors", async () => {
  const t = tf.tensor1d([1, 2]);
  const gone = tf.tensor1d([1]);
  gone.dispose();
  await assert.rejects(
    () => flattenParams("x" as never),
    new TypeError(
      'Cannot flatten the parameters: params must be an array of tensors, current value is "x"',
    ),
  );
  await assert.rejects(
    () => flattenParams([t, [1, 2]] as never),
    new TypeError(
      "Cannot flatten the parameters: params[1] must be a tensor, current value is an array of length 2",
    ),
  );
  assert.throws(
    () => cloneParams([gone]),
    new TypeError(
      "Cannot copy the parameters: params[0] is disposed (its dispose() was called); use the parameters before disposing them",
    ),
  );
  assert.throws(
    () => unflattenParams([1, 2], "__proto__" as never),
    new TypeError(
      'Cannot unflatten the parameters: specs must be an array of { shape } (e.g. model.paramSpecs), current value is "__proto__"',
    ),
  );
  assert.throws(
    () => unflattenParams(undefined as never, [{ shape: [2] }]),
    new TypeError(
      "Cannot unflatten the parameters: vector must be an array of numbers, current value is undefined",
    ),
  );
  assert.throws(
    () => disposeParams([t, 5] as never),
    new TypeError(
      "Cannot dispose the parameters: each entry must be a tensor or an array of tensors, current value is 5",
    ),
  );
  // Disposing twice stays harmless.
  disposeParams([[t], [gone]]);
  assert.ok(t.isDisposed);
});
