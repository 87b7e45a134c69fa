import assert from "node:assert/strict";
import { join } from "node:path";
import { tf } from "../backend/mod.ts";
import { adam, mlp } from "../../mod.ts";
import { loadParams, saveParams } from "./checkpoint.ts";

Deno.test("saveParams / loadParams round-trip an MLP with Adam's state, leaking no tensor", async () => {
  const dir = await Deno.makeTempDir();
  const model = mlp([3, 4, 2]);
  const params = model.init(7);
  const opt = adam({ lr: 0.01 });
  let state = opt.init(params);
  // One real update so the moments are not all zero.
  const grads = params.map((p) => tf.randomNormal(p.shape, 0, 1, "float32", 3));
  const step = tf.tidy(() => opt.update([grads], state, params, { step: 0 } as never));
  tf.dispose(state);
  state = step.state;
  tf.dispose(step.updates);
  const ints = tf.tensor1d([1, -2, 3], "int32");
  const mask = tf.tensor1d([true, false, true], "bool");
  const extra = { ints, mask, nested: [{ steps: 5, rate: Infinity, name: "x" }] };
  const path = join(dir, "sub", "ckpt.safetensors");

  const before = tf.memory().numTensors;
  const saved = await saveParams(path, params, {
    optimizerState: { adam: state, extra } as never,
    metadata: { step: 1, lr: 0.01, note: "first" },
  });
  assert.equal(tf.memory().numTensors, before, "saving creates no tensor");
  const back = await loadParams(path);
  const loadedState = back.optimizerState as {
    adam: typeof state;
    extra: {
      ints: tf.Tensor;
      mask: tf.Tensor;
      nested: { steps: number; rate: number; name: string }[];
    };
  };
  const stateTensors = (s: unknown): tf.Tensor[] =>
    s instanceof tf.Tensor
      ? [s]
      : Array.isArray(s)
      ? s.flatMap(stateTensors)
      : s && typeof s === "object"
      ? Object.values(s).flatMap(stateTensors)
      : [];
  const savedStateTensors = stateTensors({ adam: state, extra });
  assert.equal(saved.tensors, params.length + savedStateTensors.length);
  assert.equal(
    tf.memory().numTensors,
    before + params.length + savedStateTensors.length,
    "loading creates exactly the saved tensors",
  );
  for (const [i, p] of params.entries()) {
    assert.deepEqual(back.params[i].shape, p.shape);
    assert.deepEqual(await back.params[i].data(), await p.data());
  }
  const loadedTensors = stateTensors(loadedState);
  for (const [i, t] of savedStateTensors.entries()) {
    assert.equal(loadedTensors[i].dtype, t.dtype);
    assert.deepEqual(Array.from(await loadedTensors[i].data()), Array.from(await t.data()));
  }
  assert.deepEqual(loadedState.extra.nested, [{ steps: 5, rate: Infinity, name: "x" }]);
  assert.deepEqual(back.metadata, { step: 1, lr: 0.01, note: "first" });

  // The resumed state gives the same next step as the original.
  const next = (s: typeof state, p: tf.Tensor[]) =>
    tf.tidy(() => opt.update([grads], s, p, { step: 1 } as never).updates);
  const a = next(state, params), b = next(loadedState.adam, back.params);
  for (let i = 0; i < a.length; i++) {
    assert.deepEqual(await a[i].data(), await b[i].data());
  }
  tf.dispose([a, b, back.params, loadedTensors, params, grads, savedStateTensors]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the file is standard safetensors: header length, JSON header, raw float32", async () => {
  const dir = await Deno.makeTempDir();
  const t = tf.tensor2d([[1.5, -2], [3, 4]]);
  const path = join(dir, "a.safetensors");
  await saveParams(path, [t]);
  const bytes = await Deno.readFile(path);
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal((8 + n) % 8, 0, "the data start 8-byte aligned");
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  assert.deepEqual(header["params.0"], { dtype: "F32", shape: [2, 2], data_offsets: [0, 16] });
  assert.deepEqual(
    Array.from(new Float32Array(bytes.slice(8 + n).buffer)),
    [1.5, -2, 3, 4],
  );
  t.dispose();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("saveParams and loadParams reject bad input with the reason", async () => {
  const dir = await Deno.makeTempDir();
  const t = tf.scalar(1);
  await assert.rejects(() => saveParams("", [t]), /path must be a file name/);
  await assert.rejects(() => saveParams(join(dir, "a"), [1] as never), /array of tensors/);
  await assert.rejects(
    () => saveParams(join(dir, "a"), [t], { optimiser: {} } as never),
    /unknown option optimiser/,
  );
  await assert.rejects(
    () => saveParams(join(dir, "a"), [t], { optimizerState: { f: () => 1 } as never }),
    /optimizerState\.f is a function/,
  );
  const junk = join(dir, "junk");
  await Deno.writeTextFile(junk, "not a checkpoint at all");
  await assert.rejects(() => loadParams(junk), /Cannot load the checkpoint .*junk: the header/);
  t.dispose();
  await Deno.remove(dir, { recursive: true });
});
