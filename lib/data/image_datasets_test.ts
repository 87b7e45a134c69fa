import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { fashionMnist } from "./fashion_mnist.ts";
import { mnist } from "./mnist.ts";

async function rows(t: tf.Tensor): Promise<number[][]> {
  return await t.array() as number[][];
}

Deno.test("mnist: every image is a digit of the package's own JSON, with the right label", async () => {
  const data = await mnist({ samples: 30, testSamples: 10, classes: [3, 7], seed: 5 });
  for (const [c, label] of [[3, 0], [7, 1]]) {
    // The independent reference: the package file through JSON.parse.
    const url = import.meta.resolve(`mnist/src/digits/${c}.json`);
    const flat: number[] = JSON.parse(await Deno.readTextFile(new URL(url))).data;
    const known = new Set<string>();
    for (let i = 0; i < flat.length; i += 784) {
      known.add(flat.slice(i, i + 784).map((v) => Math.round(v * 255)).join(","));
    }
    for (const part of [data, data.test!]) {
      const xs = await rows(part.x);
      xs.forEach((x, i) => {
        if (part.labels![i] !== label) return;
        assert.ok(known.has(x.map((v) => Math.round(v * 255)).join(",")), `sample ${i}`);
      });
    }
  }
  data.dispose();
});

Deno.test("fashionMnist: balanced, seeded, disjoint train/test, pixels k/255 from the package", async () => {
  const before = tf.memory().numTensors;
  const a = await fashionMnist({ samples: 25, testSamples: 15, classes: [1, 8, 9], seed: 3 });
  const b = await fashionMnist({ samples: 25, testSamples: 15, classes: [1, 8, 9], seed: 3 });
  const c = await fashionMnist({ samples: 25, testSamples: 15, classes: [1, 8, 9], seed: 4 });
  assert.deepEqual(a.x.shape, [25, 784]);
  assert.deepEqual(a.y.shape, [25, 3]);
  assert.equal(a.test!.n, 15);
  // 25 over 3 classes: 9, 8, 8; 15: 5, 5, 5.
  const count = (l: Int32Array, k: number) => l.filter((v) => v === k).length;
  assert.deepEqual([0, 1, 2].map((k) => count(a.labels!, k)), [9, 8, 8]);
  assert.deepEqual([0, 1, 2].map((k) => count(a.test!.labels!, k)), [5, 5, 5]);
  // One-hot rows agree with the labels.
  const y = await rows(a.y);
  y.forEach((row, i) => assert.deepEqual(row, [0, 1, 2].map((k) => (k === a.labels![i] ? 1 : 0))));
  const [xa, xb, xc, xt] = [
    await rows(a.x),
    await rows(b.x),
    await rows(c.x),
    await rows(a.test!.x),
  ];
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
  const key = (x: number[]) => x.map((v) => Math.round(v * 255)).join(",");
  const trainKeys = new Set(xa.map(key));
  assert.ok(xt.every((x) => !trainKeys.has(key(x))), "train and test are disjoint");
  assert.ok(
    xa.flat().every((v) => v >= 0 && v <= 1 && Math.abs(v * 255 - Math.round(v * 255)) < 1e-4),
  );
  // Trousers (class 1) are in the package's file of class 1.
  const url = import.meta.resolve("fashion-mnist/src/clothes/1.json");
  const file: number[][] = JSON.parse(await Deno.readTextFile(new URL(url))).data;
  const trousers = new Set(file.map((r) => r.join(",")));
  xa.forEach((x, i) => {
    if (a.labels![i] === 0) assert.ok(trousers.has(key(x)), `trouser ${i}`);
  });
  for (const d of [a, b, c]) d.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("fashionMnist size 14 averages 2×2 blocks of the same images; integer and signed targets", async () => {
  const full = await fashionMnist({ samples: 6, classes: [0, 5], seed: 1 });
  const small = await fashionMnist({
    samples: 6,
    classes: [0, 5],
    seed: 1,
    size: 14,
    targets: "signed",
  });
  const ints = await fashionMnist({ samples: 6, classes: [0, 5], seed: 1, targets: "integer" });
  assert.deepEqual(small.x.shape, [6, 196]);
  const [xf, xs] = [await rows(full.x), await rows(small.x)];
  for (let i = 0; i < 6; i++) {
    for (const [a, b] of [[0, 0], [6, 9], [13, 13]]) {
      const o = 56 * a + 2 * b;
      const mean = (xf[i][o] + xf[i][o + 1] + xf[i][o + 28] + xf[i][o + 29]) / 4;
      assert.ok(Math.abs(xs[i][14 * a + b] - mean) < 1e-6);
    }
  }
  assert.deepEqual(await small.y.data(), Float32Array.from(full.labels!, (l) => (l ? 1 : -1)));
  assert.equal(ints.y.dtype, "int32");
  assert.deepEqual(await ints.y.data(), full.labels);
  assert.equal(small.outputDim, 1);
  assert.equal(small.info.size, 14);
  for (const d of [full, small, ints]) d.dispose();
});

Deno.test("image datasets reject bad options with messages naming them", async () => {
  await assert.rejects(() => fashionMnist({ samples: 0 }), {
    name: "RangeError",
    message: "Cannot load fashion-mnist: samples must be a positive integer, current value is 0",
  });
  await assert.rejects(() => mnist({ classes: [1, 1] }), {
    name: "TypeError",
    message:
      "Cannot load mnist: classes must be at least two distinct integers in 0..9, current value is [1,1]",
  });
  // deno-lint-ignore no-explicit-any
  await assert.rejects(() => mnist({ size: 20 as any }), {
    name: "TypeError",
    message: "Cannot load mnist: size must be 28 or 14, current value is 20",
  });
  await assert.rejects(() => mnist({ targets: "signed" }), {
    name: "TypeError",
    message:
      "Cannot load mnist: signed targets need exactly two classes, current classes are [0,1,2,3,4,5,6,7,8,9]; pass classes: [a, b]",
  });
  await assert.rejects(() => mnist({ samples: 1800, testSamples: 0, classes: [5, 6] }), {
    name: "RangeError",
    message:
      "Cannot load mnist: class 5 has 863 images, fewer than the 900 asked for (samples 1800, testSamples 0); ask for fewer",
  });
  await assert.rejects(() => mnist({ seed: -1 }), {
    name: "TypeError",
    message:
      "Cannot load mnist: seed must be a non-negative integer or a string, current value is -1",
  });
});

Deno.test("fashionMnist and mnist as images: the same pixels in [n, h, w, 1], test set included", async () => {
  for (const load of [fashionMnist, mnist]) {
    const flat = await load({ samples: 6, testSamples: 4, size: 14, seed: 2 });
    const image = await load({ samples: 6, testSamples: 4, size: 14, seed: 2, layout: "image" });
    assert.deepEqual(image.x.shape, [6, 14, 14, 1]);
    assert.deepEqual(image.inputShape, [14, 14, 1]);
    assert.equal(image.inputDim, 196);
    assert.equal(flat.inputShape, undefined);
    assert.deepEqual(image.test!.x.shape, [4, 14, 14, 1]);
    assert.deepEqual(Array.from(await image.x.data()), Array.from(await flat.x.data()));
    assert.deepEqual(Array.from(image.labels!), Array.from(flat.labels!));
    flat.dispose();
    image.dispose();
  }
  await assert.rejects(() => mnist({ layout: "nhwc" as "image" }), {
    name: "TypeError",
    message: 'Cannot load mnist: layout must be "flat" or "image", current value is "nhwc"',
  });
});
