import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { cifar10, CIFAR10_STATISTICS } from "./cifar10.ts";

const RECORD = 3073;

/**
 * Record r of file f in the binary format: label, then the R, G and B planes. Pixel q of plane c
 * holds (id + 3q + c) mod 251 with id = 10f + r, so every pixel says where it came from.
 */
function record(f: number, r: number, label: number): Uint8Array {
  const out = new Uint8Array(RECORD);
  out[0] = label;
  const id = 10 * f + r;
  for (let c = 0; c < 3; c++) {
    for (let q = 0; q < 1024; q++) out[1 + c * 1024 + q] = (id + 3 * q + c) % 251;
  }
  return out;
}

/** Five training files of 10 records labelled r (one image a class per file) and a test file of 10 labelled (r + 3) mod 10. */
async function fakeCifar(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "minima-cifar-" });
  const write = async (name: string, f: number, n: number) => {
    const bytes = new Uint8Array(n * RECORD);
    for (let r = 0; r < n; r++) bytes.set(record(f, r, f === 9 ? (r + 3) % 10 : r), r * RECORD);
    await Deno.writeFile(`${dir}/${name}`, bytes);
  };
  for (let f = 1; f <= 5; f++) await write(`data_batch_${f}.bin`, f, 10);
  await write("test_batch.bin", 9, 10);
  return dir;
}

Deno.test("cifar10 decodes the binary records: R, G, B planes become [32, 32, 3] images, labels kept", async () => {
  const path = await fakeCifar();
  try {
    const before = tf.memory().numTensors;
    const data = await cifar10({
      path,
      samples: 20,
      testSamples: 10,
      standardize: "none",
      targets: "integer",
    });
    assert.deepEqual(data.x.shape, [20, 32, 32, 3]);
    assert.deepEqual(data.inputShape, [32, 32, 3]);
    assert.equal(data.test!.n, 10);
    for (const part of [data, data.test!]) {
      const x = await part.x.data();
      const labels = await part.y.data();
      for (let i = 0; i < part.n; i++) {
        const base = i * 3072;
        // Recover the id from pixel (0, 0) red, then check every pixel and the label.
        const id = Math.round(x[base] * 255);
        const [f, r] = [Math.floor(id / 10), id % 10];
        assert.equal(labels[i], f === 9 ? (r + 3) % 10 : r, `label of sample ${i}`);
        for (const [row, col, c] of [[0, 1, 2], [5, 17, 1], [31, 31, 0], [12, 3, 2]]) {
          const q = row * 32 + col;
          assert.equal(Math.round(x[base + 3 * q + c] * 255), (id + 3 * q + c) % 251);
        }
        assert.equal(part === data ? f >= 1 && f <= 5 : f === 9, true, `file of sample ${i}`);
      }
    }
    data.dispose();
    assert.equal(tf.memory().numTensors, before);
  } finally {
    await Deno.remove(path, { recursive: true });
  }
});

Deno.test("cifar10: balanced seeded subsets, per-channel standardization, flat layout", async () => {
  const path = await fakeCifar();
  try {
    const [a, b, c] = await Promise.all([
      cifar10({ path, samples: 9, classes: [2, 5, 7], seed: 1 }),
      cifar10({ path, samples: 9, classes: [2, 5, 7], seed: 1 }),
      cifar10({ path, samples: 9, classes: [2, 5, 7], seed: 2 }),
    ]);
    assert.deepEqual(Array.from(a.labels!).sort(), [0, 0, 0, 1, 1, 1, 2, 2, 2]);
    assert.deepEqual(await a.x.data(), await b.x.data());
    assert.notDeepEqual(await a.x.data(), await c.x.data());
    // "dataset": (p − mean)/std per channel, with the documented constants.
    const raw = await cifar10({
      path,
      samples: 9,
      classes: [2, 5, 7],
      seed: 1,
      standardize: "none",
    });
    const [xs, xr] = [await a.x.data(), await raw.x.data()];
    for (const i of [0, 1, 2, 3000, 27000]) {
      const ch = i % 3;
      const want = (xr[i] - CIFAR10_STATISTICS.mean[ch]) / CIFAR10_STATISTICS.std[ch];
      assert.ok(Math.abs(xs[i] - want) < 1e-5, `pixel ${i}`);
    }
    // "subset": zero mean and unit variance per channel over the loaded images.
    const sub = await cifar10({
      path,
      samples: 9,
      classes: [2, 5, 7],
      standardize: "subset",
      layout: "flat",
    });
    assert.deepEqual(sub.x.shape, [9, 3072]);
    const v = await sub.x.data();
    for (let ch = 0; ch < 3; ch++) {
      let s = 0, s2 = 0, m = 0;
      for (let i = ch; i < v.length; i += 3) {
        s += v[i];
        s2 += v[i] * v[i];
        m++;
      }
      assert.ok(Math.abs(s / m) < 1e-4 && Math.abs(s2 / m - 1) < 1e-3, `channel ${ch}`);
    }
    for (const d of [a, b, c, raw, sub]) d.dispose();
  } finally {
    await Deno.remove(path, { recursive: true });
  }
});

Deno.test("cifar10 names the missing or malformed file and the expected record size", async () => {
  const path = await fakeCifar();
  try {
    await Deno.remove(`${path}/data_batch_4.bin`);
    await assert.rejects(() => cifar10({ path, samples: 4 }), {
      name: "NotFound",
      message:
        `Cannot load CIFAR-10: ${path}/data_batch_4.bin is missing; the folder must hold the binary version's data_batch_1.bin … data_batch_5.bin and test_batch.bin ("CIFAR-10 binary version" from https://www.cs.toronto.edu/~kriz/cifar.html, unpacked)`,
    });
    // Truncated: two records less five bytes.
    await Deno.writeFile(`${path}/data_batch_4.bin`, new Uint8Array(2 * RECORD - 5));
    await assert.rejects(() => cifar10({ path, samples: 4 }), {
      name: "InvalidData",
      message:
        `Cannot load CIFAR-10: ${path}/data_batch_4.bin has 6141 bytes, not a whole number of 3,073-byte records (1 label byte + 3,072 pixel bytes); the file is truncated or not the binary version`,
    });
    // Another record size (CIFAR-100's binary records have 3,074 bytes).
    await Deno.writeFile(`${path}/data_batch_4.bin`, new Uint8Array(3 * 3074));
    await assert.rejects(() => cifar10({ path, samples: 4 }), {
      name: "InvalidData",
      message:
        `Cannot load CIFAR-10: ${path}/data_batch_4.bin has 9222 bytes, not a whole number of 3,073-byte records (1 label byte + 3,072 pixel bytes); the file is truncated or not the binary version`,
    });
    const bad = record(4, 0, 12);
    await Deno.writeFile(`${path}/data_batch_4.bin`, bad);
    await assert.rejects(() => cifar10({ path, samples: 4 }), {
      name: "InvalidData",
      message:
        `Cannot load CIFAR-10: ${path}/data_batch_4.bin record 0 has label 12, not a class 0..9; the file is not the CIFAR-10 binary version`,
    });
    await Deno.writeFile(`${path}/data_batch_4.bin`, record(4, 0, 0));
    await assert.rejects(() => cifar10({ path, samples: 40, classes: [0, 1] }), {
      name: "RangeError",
      message:
        "Cannot load CIFAR-10: class 0 has 5 images in the training files, fewer than the 20 asked for; ask for fewer",
    });
    await assert.rejects(() => cifar10({ path: "" }), {
      name: "TypeError",
      message:
        'Cannot load CIFAR-10: path must be the folder of the binary version (cifar-10-batches-bin, from https://www.cs.toronto.edu/~kriz/cifar.html), current value is ""',
    });
  } finally {
    await Deno.remove(path, { recursive: true });
  }
});

Deno.test("cifar10 rejects bad options before reading any file", async () => {
  const path = "/nonexistent";
  for (
    const [options, message] of [
      [
        { classes: [1, 1] },
        "classes must be at least two distinct integers in 0..9, current value is [1,1]",
      ],
      [
        { standardize: "global" },
        'standardize must be "dataset", "subset" or "none", current value is "global"',
      ],
      [
        { targets: "signed" },
        "signed targets need exactly two classes, current classes are [0,1,2,3,4,5,6,7,8,9]; pass classes: [a, b]",
      ],
      [{ layout: "nchw" }, 'layout must be "image" or "flat", current value is "nchw"'],
    ] as const
  ) {
    await assert.rejects(() => cifar10({ path, ...options } as Parameters<typeof cifar10>[0]), {
      name: "TypeError",
      message: `Cannot load CIFAR-10: ${message}`,
    });
  }
});
