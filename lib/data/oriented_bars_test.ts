import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { orientedBars } from "./oriented_bars.ts";

Deno.test("orientedBars: balanced classes, seeds reproduce, and each class's mean image is a bar at c·π/k", async () => {
  const before = tf.memory().numTensors;
  const a = orientedBars({ samples: 200, testSamples: 40, size: 9, noise: 0, seed: 3 });
  const b = orientedBars({ samples: 200, testSamples: 40, size: 9, noise: 0, seed: 3 });
  const c = orientedBars({ samples: 200, size: 9, noise: 0, seed: 4 });
  assert.deepEqual(await a.x.data(), await b.x.data());
  assert.notDeepEqual(await a.x.data(), await c.x.data());
  assert.deepEqual(a.test!.x.shape, [40, 9, 9, 1]);
  for (let k = 0; k < 4; k++) assert.equal(a.labels!.filter((l) => l === k).length, 50);
  // Class 0 is horizontal (rows vary, columns do not), class 2 vertical: compare the spread of
  // the class-mean image along each axis at the centre.
  const x = await a.x.data();
  const mean = (label: number) => {
    const m = new Float64Array(81);
    a.labels!.forEach((l, i) => {
      if (l === label) { for (let p = 0; p < 81; p++) m[p] += x[i * 81 + p] / 50; }
    });
    return m;
  };
  const [horizontal, vertical] = [mean(0), mean(2)];
  const along = (m: Float64Array, axis: "row" | "col") => {
    // Variance of the centre line's profile across the other axis.
    const line = Array.from(
      { length: 9 },
      (_, t) => (axis === "row" ? m[t * 9 + 4] : m[4 * 9 + t]),
    );
    const mu = line.reduce((s, v) => s + v, 0) / 9;
    return line.reduce((s, v) => s + (v - mu) ** 2, 0);
  };
  assert.ok(along(horizontal, "row") > 4 * along(horizontal, "col"));
  assert.ok(along(vertical, "col") > 4 * along(vertical, "row"));
  for (const d of [a, b, c]) d.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("orientedBars: channels, signed targets and bad options", () => {
  const rgb = orientedBars({ samples: 4, channels: 3, classes: 2, targets: "signed" });
  assert.deepEqual(rgb.x.shape, [4, 8, 8, 3]);
  assert.deepEqual(rgb.y.shape, [4, 1]);
  rgb.dispose();
  assert.throws(() => orientedBars({ size: 2 }), {
    name: "RangeError",
    message: "Cannot make the oriented bars: size must be an integer ≥ 3, current value is 2",
  });
  assert.throws(() => orientedBars({ noise: -1 }), {
    name: "RangeError",
    message:
      "Cannot make the oriented bars: noise must be a non-negative number, current value is -1",
  });
});

Deno.test("orientedBars: signed targets need two classes", () => {
  assert.throws(() => orientedBars({ targets: "signed" }), {
    name: "TypeError",
    message:
      "Cannot make the oriented bars: signed targets need exactly two classes, current value is 4",
  });
});
