import assert from "node:assert/strict";
import { countBackend, tf } from "../backend/mod.ts";
import { createDataset, gaussianMixture } from "../data/mod.ts";
import {
  crossEntropy,
  disposeParams,
  flattenParams,
  mlp,
  mse,
  unflattenParams,
} from "../nn/mod.ts";
import { lossAndGrad64 } from "../nn/_float64_reference.ts";
import { gd, sgd } from "./sgd.ts";
import { train } from "./train.ts";
import type { Optimizer } from "./types.ts";
import { assertAllClose, assertClose, captureWarnings } from "../_test_util.ts";
import { requestInterrupt } from "../_interrupt.ts";
import type { Row } from "../_types.ts";

const XS = [[1, 0.5], [-0.3, 2], [0.7, -1.2], [1.5, 0.1], [-1, -0.4], [0.2, 0.9]];
const YS = [[1], [-0.5], [0.3], [2], [-1], [0.4]];

Deno.test("train with gd follows float64 gradient descent step by step", async () => {
  const data = createDataset(XS, YS);
  const net = { sizes: [2, 3, 1], activation: "tanh" };
  const model = mlp(net.sizes, { activation: "tanh" });
  const init = model.init(4);
  let theta = await flattenParams(init);
  const before = tf.memory().numTensors;
  const run = await train({ model, loss: mse, data }, gd({ lr: 0.3 }), {
    params: init,
    steps: 20,
    every: 5,
  });
  const losses: number[] = [];
  for (let step = 0; step <= 20; step++) {
    const { value, grad } = lossAndGrad64(net, "mse", theta, XS, YS);
    if (step % 5 === 0) losses.push(value);
    theta = theta.map((t, i) => t - 0.3 * grad[i]);
  }
  assertAllClose(run.history.map((r) => r.loss as number), losses, { rtol: 1e-4 }, "losses");
  const thetaGot = await flattenParams(run.params);
  const thetaWant = await (async () => {
    let t = await flattenParams(init);
    for (let s = 0; s < 20; s++) {
      const { grad } = lossAndGrad64(net, "mse", t, XS, YS);
      t = t.map((v, i) => v - 0.3 * grad[i]);
    }
    return t;
  })();
  assertAllClose(thetaGot, thetaWant, { atol: 1e-4 }, "θ after 20 steps");
  assert.deepEqual(run.history.map((r) => r.step), [0, 5, 10, 15, 20]);
  assert.deepEqual(run.history.map((r) => r.epoch), [0, 5, 10, 15, 20]);
  assert.equal(run.diverged, false);
  assert.equal(run.steps, 20);
  run.dispose();
  assert.equal(tf.memory().numTensors, before, "no tensors left after dispose");
  // The caller's initial parameters are untouched.
  assert.deepEqual(await flattenParams(init), await flattenParams(model.init(4)));
  disposeParams(init);
  data.dispose();
});

/** An optimizer that records the batches it is given and otherwise does SGD. */
function recordingSgd(lr: number, seen: Int32Array[], gradientsPerStep = 1): Optimizer {
  const base = sgd({ lr });
  return {
    ...base,
    name: "recording",
    gradientsPerStep,
    update: (gradients, state, params, context) =>
      base.update([gradients[0]], state, params, context),
    prepareBatch(batch) {
      seen.push(batch.indices.slice());
      return batch;
    },
  };
}

Deno.test("train's sampling: distinct within a batch, permutations per epoch, or independent draws", async () => {
  const data = createDataset(XS, YS);
  const model = mlp([2, 1], { activation: "identity" });
  const run = async (
    sampling: "without-replacement" | "with-replacement" | "shuffle",
    b: number,
  ) => {
    const seen: Int32Array[] = [];
    const r = await train({ model, loss: mse, data }, recordingSgd(0.01, seen), {
      steps: 30,
      batchSize: b,
      sampling,
      every: 30,
    });
    r.dispose();
    return seen;
  };
  const without = await run("without-replacement", 4);
  assert.ok(without.every((b) => new Set(b).size === 4));
  const shuffled = await run("shuffle", 3);
  // 30 batches of 3 = 15 epochs of 6: every consecutive pair of batches is a permutation.
  for (let e = 0; e < 15; e++) {
    const epoch = [...shuffled[2 * e], ...shuffled[2 * e + 1]].sort();
    assert.deepEqual(epoch, [0, 1, 2, 3, 4, 5]);
  }
  const withRep = await run("with-replacement", 5);
  assert.ok(withRep.some((b) => new Set(b).size < 5), "draws with replacement repeat indices");
  assert.ok(withRep.every((b) => b.every((i) => i >= 0 && i < 6)));
  // Same seed, same batches; another seed, others.
  assert.deepEqual(await run("without-replacement", 4), without);
  data.dispose();
});

Deno.test("train hands a multi-gradient optimizer independent batches, one gradient each", async () => {
  const data = createDataset(XS, YS);
  const model = mlp([2, 1], { activation: "identity" });
  const seen: Int32Array[] = [];
  const base = sgd({ lr: 0.1 });
  const twoBatch: Optimizer = {
    ...base,
    name: "two-batch",
    gradientsPerStep: 2,
    update(gradients, state, params, context) {
      assert.equal(gradients.length, 2);
      return tf.tidy(() => {
        // (g1 + g2)/2: the mean of two independent batch gradients.
        const mean = gradients[0].map((g, j) => tf.mul(tf.add(g, gradients[1][j]), 0.5));
        return base.update([mean], state, params, context);
      });
    },
    prepareBatch(batch) {
      seen.push(batch.indices.slice());
      return batch;
    },
  };
  const r = await train({ model, loss: mse, data }, twoBatch, { steps: 5, batchSize: 2, every: 5 });
  assert.equal(seen.length, 10);
  assert.ok(seen.some((b, i) => i % 2 === 0 && b.join() !== seen[i + 1].join()));
  // Epochs count both batches: 5 steps × 2 batches × 2 samples / 6.
  assertClose(r.final.epoch as number, 20 / 6, { rtol: 1e-12 }, "epoch");
  r.dispose();
  data.dispose();
});

Deno.test("train records divergence as data: diverged, the step, no throw, no leak", async () => {
  // L = ½·mean(w x)² with x = 2: H = 4, so gd at lr 0.6 > 2/4 blows up geometrically (×1.4).
  const data = createDataset([[2]], [[0]]);
  const model = mlp([1, 1], { bias: false, activation: "identity" });
  const params = [tf.tensor2d([[1]])];
  const before = tf.memory().numTensors;
  const run = await train({ model, loss: mse, data }, gd({ lr: 0.6 }), {
    params,
    steps: 200,
    every: 10,
    divergenceThreshold: 1e4,
  });
  // Loss 2·1.4^{2t} > 1e4 first at t = 13 (2·1.4^26 ≈ 1.26e4).
  assert.equal(run.diverged, true);
  assert.equal(run.divergedAt, 13);
  assert.equal(run.steps, 13);
  assert.equal(run.final.diverged, true);
  assert.equal(run.final.step, 13);
  assertClose(run.final.batch_loss as number, 2 * 1.4 ** 26, { rtol: 1e-4 }, "loss at divergence");
  run.dispose();
  assert.equal(tf.memory().numTensors, before);
  params[0].dispose();
  data.dispose();
});

Deno.test("train: trackers, tags, every, stopWhen, awaited onRecord and progress", async () => {
  const data = gaussianMixture({ samples: 40, seed: 1 });
  const model = mlp([2, 8, 2], { activation: "tanh" });
  const order: string[] = [];
  const progress: number[] = [];
  const run = await train({ model, loss: crossEntropy, data }, sgd({ lr: 0.5 }), {
    steps: 60,
    batchSize: 8,
    every: 20,
    seed: 3,
    tags: { lr: 0.5, run: "a" },
    track: {
      norm: async (p) => {
        const t = await flattenParams(p.params);
        return Math.hypot(...t);
      },
      half: (p) => ({ value: p.step / 2 }),
      pair: (p) => ({ first: p.step, second: "x" }),
    },
    onRecord: async (row) => {
      await new Promise((r) => setTimeout(r, 1));
      order.push(`record ${(row as { step: number }).step}`);
    },
    onProgress: (info) => progress.push(info.done),
    stopWhen: (row) => (row.step as number) >= 40,
  });
  assert.deepEqual(order, ["record 0", "record 20", "record 40"]);
  assert.deepEqual(
    Object.keys(run.final).sort(),
    [
      "accuracy",
      "diverged",
      "epoch",
      "first",
      "half",
      "loss",
      "lr",
      "norm",
      "run",
      "second",
      "step",
    ].sort(),
  );
  assert.equal(run.final.half, 20);
  assert.equal(run.final.lr, 0.5);
  assert.equal(run.steps, 40);
  assert.ok((run.final.accuracy as number) > 0.8, "the mixture is separable enough");
  assert.equal(progress.at(-1), 40);
  assert.ok(progress.length > 3);
  // The same seed reproduces the run exactly.
  const again = await train({ model, loss: crossEntropy, data }, sgd({ lr: 0.5 }), {
    steps: 40,
    batchSize: 8,
    every: 20,
    seed: 3,
  });
  assert.equal(again.final.loss, run.final.loss);
  run.dispose();
  again.dispose();
  data.dispose();
});

Deno.test("train evaluates the test set when the data has one", async () => {
  const data = gaussianMixture({ samples: 20, seed: 2 });
  const test = gaussianMixture({ samples: 10, seed: 3 });
  const withTest = { ...data, test };
  const model = mlp([2, 2], { activation: "identity" });
  const run = await train({ model, loss: crossEntropy, data: withTest }, gd({ lr: 0.1 }), {
    steps: 2,
    every: 1,
  });
  assert.ok(typeof run.final.test_loss === "number" && typeof run.final.test_accuracy === "number");
  run.dispose();
  data.dispose();
  test.dispose();
});

Deno.test("train rejects bad options with messages naming them", async () => {
  const data = createDataset(XS, YS);
  const model = mlp([2, 1]);
  const objective = { model, loss: mse, data };
  const opt = sgd({ lr: 0.1 });
  await assert.rejects(() => train(objective, opt, { batchSize: 7 }), {
    name: "RangeError",
    message:
      "Cannot train: batchSize must be an integer in [1, 6] (the samples in the data), current value is 7",
  });
  await assert.rejects(() => train(objective, opt, { steps: -1 }), {
    name: "RangeError",
    message: "Cannot train: steps must be a non-negative integer, current value is -1",
  });
  await assert.rejects(() => train(objective, opt, { every: 0 }), {
    name: "RangeError",
    message: "Cannot train: every must be a positive integer, current value is 0",
  });
  await assert.rejects(() => train(objective, opt, { sampling: "epoch" as "shuffle" }), {
    name: "TypeError",
    message:
      'Cannot train: sampling must be "without-replacement", "with-replacement" or "shuffle", current value is "epoch"',
  });
  await assert.rejects(() => train(objective, {} as Optimizer), {
    name: "TypeError",
    message:
      "Cannot train: optimizer must be an Optimizer (e.g. sgd({ lr: 0.1 })), current value is [object Object]",
  });
  await assert.rejects(() => train({ ...objective, model: mlp([3, 1]) }, opt), {
    name: "TypeError",
    message:
      "Cannot train: the data has 2 features but the model takes 3; build the model with input width 2",
  });
  const wrong = unflattenParams(new Float64Array(3), [{ shape: [3] }]);
  await assert.rejects(() => train(objective, opt, { params: wrong }), {
    name: "TypeError",
    message:
      "Cannot train: options.params must hold 2 tensors (the model's paramSpecs), current length is 1",
  });
  const before = tf.memory().numTensors;
  await assert.rejects(
    () => train(objective, opt, { steps: 1, track: { bad: () => undefined as unknown as number } }),
    {
      name: "TypeError",
      message:
        "Cannot train: the tracker bad must return a number, { value } or a record of scalars, current value is undefined",
    },
  );
  assert.equal(tf.memory().numTensors, before, "a failing tracker does not leak the run's tensors");
  disposeParams(wrong);
  data.dispose();
});

Deno.test("train detects divergence one read late but undoes the step: the same result at every record spacing", async () => {
  // As above: w_t = (−1.4)^t and the loss 2·1.4^{2t} crosses 1e4 first at t = 13. The loss of
  // step t is checked while step t + 1 is queued (or at a record), and step t is then undone.
  const data = createDataset([[2]], [[0]]);
  const model = mlp([1, 1], { bias: false, activation: "identity" });
  const params = [tf.tensor2d([[1]])];
  const before = tf.memory().numTensors;
  for (const every of [1, 5, 13, 14, 200]) {
    const run = await train({ model, loss: mse, data }, gd({ lr: 0.6 }), {
      params,
      steps: 200,
      every,
      divergenceThreshold: 1e4,
    });
    assert.deepEqual([run.diverged, run.divergedAt, run.steps], [true, 13, 13], `every ${every}`);
    assert.equal(run.final.step, 13);
    // The parameters are θ_13, whose loss crossed the threshold, not θ_14.
    assertClose((await run.params[0].data())[0], (-1.4) ** 13, { rtol: 1e-5 }, "θ_13");
    if (13 % every === 0) {
      // A record at step 13: the loss tracker sees it first.
      assertClose(run.final.loss, 2 * 1.4 ** 26, { rtol: 1e-4 }, "loss at divergence");
      assert.equal(run.final.batch_loss, undefined);
    } else {
      // Between records, the minibatch loss: the trackers are not evaluated, their columns
      // are NaN there (never null, never missing).
      assertClose(run.final.batch_loss!, 2 * 1.4 ** 26, { rtol: 1e-4 }, "loss at divergence");
      assert.ok(Number.isNaN(run.final.loss), `loss ${run.final.loss}`);
    }
    assert.equal(run.history.filter((r) => r.diverged).length, 1);
    run.dispose();
    assert.equal(tf.memory().numTensors, before, `no leak (every ${every})`);
  }
  params[0].dispose();
  data.dispose();
});

Deno.test("train: a tracker's NaN and Infinity stay numbers in the rows", async () => {
  const data = createDataset(XS, YS);
  const model = mlp([2, 1], { activation: "identity" });
  const run = await train({ model, loss: mse, data }, sgd({ lr: 0.01 }), {
    steps: 2,
    every: 2,
    track: {
      nan: () => NaN,
      inf: () => ({ value: Infinity }),
      pair: () => ({ a: NaN, b: -Infinity, none: null }),
    },
  });
  for (const row of run.history) {
    assert.ok(Number.isNaN(row.nan));
    assert.equal(row.inf, Infinity);
    assert.ok(Number.isNaN(row.a));
    assert.equal(row.b, -Infinity);
    assert.equal(row.none, null, "an explicit null stays null");
  }
  run.dispose();
  data.dispose();
});

Deno.test("train's rows are typed from the trackers: no casts", async () => {
  // This test is mostly a compile-time check: `deno test` type-checks it.
  const data = gaussianMixture({ samples: 20, seed: 1 });
  const model = mlp([2, 4, 2], { activation: "tanh" });
  const run = await train({ model, loss: crossEntropy, data }, sgd({ lr: 0.1 }), {
    steps: 4,
    every: 2,
    tags: { lr: 0.1, name: "a" },
    track: {
      norm: async (p) => Math.hypot(...await flattenParams(p.params)),
      sharp: () => ({ value: 2, vector: new Float64Array(1) }),
      pair: (p) => ({ first: p.step, label: "x" }),
      maybe: (p) => (p.step === 0 ? { gap: null } : { gap: 1 }),
    },
    stopWhen: (row) => row.norm > 1e9,
  });
  const norm: number = run.history[1].norm;
  const sharp: number = run.final.sharp;
  const first: number = run.final.first;
  const label: string = run.final.label;
  const gap: number | null = run.final.gap;
  const lr: number = run.final.lr;
  const loss: number = run.final.loss;
  const step: number = run.final.step;
  const accuracy: number | undefined = run.final.accuracy;
  // @ts-expect-error: a column no tracker makes is not known to be a number
  const unknown: number = run.final.other;
  // @ts-expect-error: `gap` may be null
  const notNull: number = run.final.gap;
  assert.ok(norm > 0 && sharp === 2 && first === 4 && label === "x" && gap === 1 && lr === 0.1);
  assert.ok(loss > 0 && step === 4 && accuracy! >= 0 && unknown === undefined && notNull === 1);
  // Rows are still plain rows for plots and tables.
  const rows: Row[] = run.history;
  assert.equal(rows.length, 3);
  run.dispose();
  data.dispose();
});

Deno.test("train stops on an interrupt with the rows so far, the parameters reached, and one line", async () => {
  const data = gaussianMixture({ samples: 40, seed: 1 });
  const model = mlp([2, 8, 2], { activation: "tanh" });
  const objective = { model, loss: crossEntropy, data };
  const options = { steps: 100, batchSize: 8, every: 10, seed: 3 };
  const before = tf.memory().numTensors;
  // From a record: the loop stops before the next step.
  const { value: run, warnings } = await captureWarnings(() =>
    train(objective, sgd({ lr: 0.5 }), {
      ...options,
      onRecord: (row) => {
        if ((row as Row).step === 20) requestInterrupt();
      },
    })
  );
  assert.deepEqual([run.interrupted, run.steps, run.diverged], [true, 20, false]);
  assert.deepEqual(run.history.map((r) => r.step), [0, 10, 20]);
  assert.deepEqual(warnings, [
    "train interrupted after step 20 of 100; returning the parameters after step 20 and the 3 rows recorded so far (the last at step 20)",
  ]);
  // From a progress report between records: the parameters are those after 35 steps exactly.
  const { value: mid } = await captureWarnings(() =>
    train(objective, sgd({ lr: 0.5 }), {
      ...options,
      onProgress: (info) => {
        if (info.done === 35) requestInterrupt();
      },
    })
  );
  assert.deepEqual([mid.interrupted, mid.steps], [true, 35]);
  assert.deepEqual(mid.history.map((r) => r.step), [0, 10, 20, 30]);
  const straight = await train(objective, sgd({ lr: 0.5 }), { ...options, steps: 35 });
  assert.equal(straight.interrupted, false);
  assert.deepEqual(await flattenParams(mid.params), await flattenParams(straight.params));
  run.dispose();
  mid.dispose();
  straight.dispose();
  assert.equal(tf.memory().numTensors, before, "no tensor left");
  // The next run is not affected.
  const next = await train(objective, sgd({ lr: 0.5 }), options);
  assert.deepEqual([next.interrupted, next.steps, next.history.length], [false, 100, 11]);
  next.dispose();
  data.dispose();
});

Deno.test("train never waits on the device in a step: no blocking read, and each step's loss is awaited only once the next step is queued", async () => {
  const data = createDataset(XS, YS);
  const model = mlp([2, 3, 1], { activation: "tanh" });
  const events: string[] = [];
  const base = sgd({ lr: 0.05 });
  const optimizer: Optimizer = {
    ...base,
    prepareBatch(batch, context) {
      events.push(`batch ${context.step}`);
      return batch;
    },
  };
  const objective = { model, loss: mse, data };
  const options = { steps: 6, batchSize: 2, every: 6, defaultTrackers: false };
  (await train(objective, optimizer, options)).dispose(); // warm-up
  // Log when a tensor's data is asked for and when that read is awaited: `await` calls the
  // `then` of a thenable that is not a native promise.
  const proto = tf.Tensor.prototype as unknown as { data: () => Promise<unknown> };
  const data0 = proto.data;
  proto.data = function (this: tf.Tensor) {
    const read = data0.call(this);
    events.push("read");
    return {
      then: (ok: (v: unknown) => unknown, fail?: (e: unknown) => unknown) => {
        events.push("await");
        return read.then(ok, fail);
      },
      catch: (fail: (e: unknown) => unknown) => read.catch(fail),
    } as unknown as Promise<unknown>;
  };
  events.length = 0;
  let counted;
  try {
    counted = await countBackend(() => train(objective, optimizer, options));
  } finally {
    proto.data = data0;
  }
  const { value: run, counters } = counted;
  // Step k's loss is asked for at once and awaited after step k + 1's batch and gradient; the
  // last one at the record.
  assert.deepEqual(events, [
    "batch 0",
    "read",
    "batch 1",
    "read",
    "await",
    "batch 2",
    "read",
    "await",
    "batch 3",
    "read",
    "await",
    "batch 4",
    "read",
    "await",
    "batch 5",
    "read",
    "await",
    "await",
  ]);
  // In the backend's own counts: no blocking readback at all, one awaited read per step.
  assert.equal(counters.blockingReadbacks, 0);
  assert.equal(counters.awaitedReads, 6);
  run.dispose();
  // With the default trackers, each record adds its own reads (the training loss: one).
  const tracked = await countBackend(() =>
    train(objective, base, { ...options, steps: 20, every: 5, defaultTrackers: true })
  );
  assert.equal(tracked.counters.blockingReadbacks, 0);
  assert.equal(tracked.counters.awaitedReads, 20 + 5);
  tracked.value.dispose();
  data.dispose();
});

Deno.test("an optimizer whose update throws leaves no tensor behind", async () => {
  const data = createDataset([[1, 2], [3, 4]], [[1], [0]]);
  const model = mlp([2, 1], { activation: "identity" });
  const failing: Optimizer = {
    ...gd({ lr: 0.1 }),
    update: () => {
      throw new RangeError("update failed");
    },
  };
  const before = tf.memory().numTensors;
  for (let i = 0; i < 2; i++) {
    await assert.rejects(
      () => train({ model, loss: mse, data }, failing, { steps: 3 }),
      new RangeError("update failed"),
    );
  }
  // An update that returns no updates is named (it failed reading "length" of undefined).
  await assert.rejects(
    () => train({ model, loss: mse, data }, { ...gd({ lr: 0.1 }), update: () => 1 } as never),
    new TypeError(
      "Cannot take the optimizer's step: its update must return { updates, state } with one update per parameter tensor, current value is 1",
    ),
  );
  // The step's loss leaked: one scalar per failed run.
  assert.equal(tf.memory().numTensors, before);
  data.dispose();
});
