import assert from "node:assert/strict";
import { transitionTime } from "./transition_time.ts";

Deno.test("transitionTime: halfway crossing, interpolated, for rising and falling columns", () => {
  const up = [0, 2, 4, 6, 8].map((t, i) => ({ t, a: [0.5, 0.6, 0.6, 1, 1][i] }));
  const r = transitionTime(up, { x: "t", y: "a" });
  // early = 0.6 (second record), late = 1, threshold 0.8, crossed between t = 4 and 6.
  assert.equal(r.early, 0.6);
  assert.equal(r.late, 1);
  assert.ok(Math.abs(r.time! - 5) < 1e-12);
  const down = up.map((p) => ({ t: p.t, a: -p.a }));
  assert.ok(Math.abs(transitionTime(down, { x: "t", y: "a" }).time! - 5) < 1e-12);
  const flat = up.map((p) => ({ t: p.t, a: 0.6 }));
  assert.equal(transitionTime(flat, { x: "t", y: "a" }).time, null);
  assert.ok(
    Math.abs(transitionTime(up, { x: "t", y: "a", level: 0.25, earlyAt: 3 }).time! - 4.5) < 1e-12,
  );
});

Deno.test("transitionTime rejects bad rows and levels", () => {
  assert.throws(() => transitionTime([{ step: 0 }]), {
    name: "TypeError",
    message: "Cannot find the transition time: rows must hold at least two records",
  });
  assert.throws(
    () => transitionTime([{ step: 0, a: 1 }, { step: 1, a: 2 }], { y: "a", level: 1 }),
    {
      name: "RangeError",
      message: "Cannot find the transition time: level must be in (0, 1), current value is 1",
    },
  );
  assert.throws(() => transitionTime([{ step: 0 }, { step: 1 }]), {
    name: "TypeError",
    message:
      'Cannot find the transition time: every row must have numbers in "step" (options.x) and "test_accuracy" (options.y)',
  });
  assert.throws(() => transitionTime([{ step: 0 }, { step: 1 }], { x: 5 as never }), {
    name: "TypeError",
    message: "Cannot find the transition time: options.x must be a field name, current value is 5",
  });
  // "constructor" is no field of a record (it read the rows' Object constructor).
  assert.throws(
    () => transitionTime([{ step: 0, a: 1 }, { step: 1, a: 2 }], { x: "constructor", y: "a" }),
    {
      name: "TypeError",
      message:
        'Cannot find the transition time: every row must have numbers in "constructor" (options.x) and "a" (options.y)',
    },
  );
});
