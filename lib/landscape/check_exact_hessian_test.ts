import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { createDataset, reshapeInputs, teacherStudent } from "../data/mod.ts";
import {
  crossEntropy,
  disposeParams,
  exactOps,
  mlp,
  type Model,
  mse,
  type Params,
  resnet20,
  smallCnn,
} from "../nn/mod.ts";
import { Rng } from "../random/mod.ts";
import { checkExactHessian, exactHessianWarning } from "./check_exact_hessian.ts";
import { sharpness } from "./sharpness.ts";
import { withKernels } from "../backend/_test_backends.ts";

/** A 5-16-1 tanh network written by hand, with the given tanh. */
function tanhNet(tanh: (t: tf.Tensor) => tf.Tensor, name: string): Model {
  const inner = mlp([5, 16, 1], { activation: "tanh" });
  return {
    ...inner,
    name,
    apply: (p: Params, x: tf.Tensor) =>
      tf.tidy(() =>
        tf.add(
          tf.matMul(
            tanh(tf.add(tf.matMul(x as tf.Tensor2D, p[0] as tf.Tensor2D), p[1])) as tf.Tensor2D,
            p[2] as tf.Tensor2D,
          ),
          p[3],
        ) as tf.Tensor2D
      ),
  };
}

/** Runs fn with console.warn captured. */
async function warnings<T>(fn: () => Promise<T>): Promise<{ value: T; lines: string[] }> {
  const lines: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    return { value: await fn(), lines };
  } finally {
    console.warn = original;
  }
}

Deno.test("the issue's case: a network built with tf.tanh gives a wrong sharpness, and sharpness warns naming Tanh", async () => {
  const data = teacherStudent({ samples: 64, inputDim: 5, seed: 1 });
  const plain = tanhNet(tf.tanh, "tanh net (tf.tanh)");
  const exact = tanhNet(exactOps.tanh, "tanh net (exactOps.tanh)");
  const params = plain.init(2);
  const a = await warnings(() => sharpness({ model: plain, loss: mse, data, params }));
  const b = await warnings(() => sharpness({ model: exact, loss: mse, data, params }));
  // The two differ only in how tanh is differentiated twice. Central differences of the
  // gradient (smooth here) side with exactOps.tanh: measured 2.2410 (exact), 2.2410 (finite
  // differences), 2.2480 (tf.tanh, which loses the tanh'' terms).
  const fd = await warnings(() =>
    sharpness({ model: exact, loss: mse, data, params }, { mode: "finite-difference" })
  );
  const reference = fd.value.value;
  assert.ok(Math.abs(b.value.value - reference) < 1e-4 * reference, `${b.value.value}`);
  assert.ok(Math.abs(a.value.value - reference) > 1e-3 * reference, `${a.value.value}`);
  assert.equal(a.lines.length, 1);
  assert.match(
    a.lines[0],
    /^minima: model "tanh net \(tf\.tanh\)": exact Hessian-vector products disagree with finite differences \(relative error [0-9.]+e-[0-9]\): Tanh computes its gradient from its output, which double backprop does not differentiate; use exactOps\.tanh instead$/,
  );
  assert.deepEqual(b.lines, []);
  // Once per model: a second measurement does not warn again.
  const again = await warnings(() => sharpness({ model: plain, loss: mse, data, params }));
  assert.deepEqual(again.lines, []);
  // And the check can be skipped.
  const fresh = tanhNet(tf.tanh, "unchecked");
  const skipped = await warnings(() =>
    sharpness({ model: fresh, loss: mse, data, params }, { checkExact: false })
  );
  assert.deepEqual(skipped.lines, []);
  disposeParams(params);
  data.dispose();
});

Deno.test("checkExactHessian: minima's convolutional networks agree; a model built on tf.conv2d fails, naming the kernel", () =>
  withKernels(["Conv2DBackpropFilter"], async () => {
    const rng = new Rng(1);
    const rows = Array.from({ length: 8 }, () => Array.from({ length: 36 }, () => rng.normal()));
    const flat = createDataset(rows, rows.map((_, i) => i % 3), { targets: "one-hot" });
    const data = reshapeInputs(flat, [6, 6, 1]);
    const before = tf.memory().numTensors;
    const cnn = smallCnn({
      inputShape: [6, 6, 1],
      outputDim: 3,
      width: 0.25,
      norm: "batch",
      activation: "tanh",
    });
    const ok = await checkExactHessian({ model: cnn, loss: crossEntropy, data }, { seed: 2 });
    assert.equal(ok.verdict, "agree");
    assert.ok(ok.relativeError < 0.01, `${ok.relativeError}`);
    assert.deepEqual(ok.suspects, []);
    const w = tf.tensor4d(Array.from({ length: 27 }, (_, i) => Math.sin(i)), [3, 3, 1, 3]);
    const raw: Model = {
      name: "tf.conv2d net",
      inputDim: 36,
      inputShape: [6, 6, 1],
      outputDim: 3,
      paramSpecs: [{ name: "w", shape: [3, 3, 1, 3], role: "weight", layer: 0 }],
      numParams: 27,
      perSampleParams: false,
      init: () => [tf.clone(w)],
      apply: (p, x) =>
        tf.tidy(() =>
          tf.mean(tf.square(tf.conv2d(x as tf.Tensor4D, p[0] as tf.Tensor4D, 1, "valid")), [1, 2])
        ),
    };
    const failed = await checkExactHessian({ model: raw, loss: crossEntropy, data });
    assert.equal(failed.verdict, "failed");
    assert.equal(
      exactHessianWarning(raw, failed),
      'minima: model "tf.conv2d net": double backprop failed (Cannot compute gradient: gradient function not found for Conv2DBackpropFilter.)',
    );
    assert.equal(tf.memory().numTensors, before + 1);
    w.dispose();
    data.dispose();
    flat.dispose();
  }));

Deno.test("checkExactHessian: where ReLU kinks make the model's probe inconclusive, the suspect kernels are tested alone", async () => {
  const rng = new Rng(1);
  const rows = Array.from({ length: 8 }, () => Array.from({ length: 64 }, () => rng.normal()));
  const flat = createDataset(rows, rows.map((_, i) => i % 3), { targets: "one-hot" });
  const data = reshapeInputs(flat, [8, 8, 1]);
  const base = resnet20({
    inputShape: [8, 8, 1],
    outputDim: 3,
    width: 0.25,
    blocks: 1,
    norm: "none",
  });
  const mixed: Model = {
    ...base,
    name: "resnet with a tf.sigmoid head",
    apply: (p, x) => tf.tidy(() => tf.sigmoid(base.apply(p, x)) as tf.Tensor2D),
  };
  const r = await checkExactHessian({ model: mixed, loss: mse, data }, { seed: 0 });
  assert.equal(r.verdict, "disagree");
  assert.deepEqual(r.suspects, ["Sigmoid"]);
  assert.match(exactHessianWarning(mixed, r)!, /Sigmoid|exactOps\.sigmoid/);
  data.dispose();
  flat.dispose();
});

Deno.test("checkExactHessian rejects bad options, naming them", async () => {
  const data = createDataset([[1]], [[0]]);
  const model = mlp([1, 1]);
  await assert.rejects(() => checkExactHessian({ model, loss: mse, data }, { samples: 0 }), {
    name: "RangeError",
    message:
      "Cannot check the exact Hessian: samples must be a positive integer, current value is 0",
  });
  await assert.rejects(() => checkExactHessian({ model, loss: mse, data }, { tolerance: -1 }), {
    name: "RangeError",
    message:
      "Cannot check the exact Hessian: tolerance must be a positive number, current value is -1",
  });
  data.dispose();
});

Deno.test("exactHessianWarning names a result that is not checkExactHessian's", () => {
  // It failed reading "verdict" of undefined.
  assert.throws(
    () => exactHessianWarning(undefined as never, undefined as never),
    new TypeError(
      "Cannot word the warning: result must be what checkExactHessian returned, current value is undefined",
    ),
  );
});
