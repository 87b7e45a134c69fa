import assert from "node:assert/strict";
import { assertClose } from "../_test_util.ts";
import { phaseWinding } from "./phase_winding.ts";

const wrap = (a: number) => Math.atan2(Math.sin(a), Math.cos(a));

Deno.test("phaseWinding: a steadily turning moment winds t·ω/2π turns, clockwise negative", () => {
  // φ_t = −0.3 t (clockwise), |m| = 0.6: 99 increments of −0.3 rad.
  const history = Array.from({ length: 100 }, (_, t) => ({
    solver: "descent-ascent",
    iteration: t,
    evaluations: 2 * t,
    momentX: 0.6,
    phaseX: wrap(-0.3 * t),
  }));
  const w = phaseWinding(history);
  assertClose(w.winding, -99 * 0.3 / (2 * Math.PI), { rtol: 1e-12 }, "winding");
  assertClose(w.turns, 99 * 0.3 / (2 * Math.PI), { rtol: 1e-12 }, "turns");
  assert.equal(w.counted, 99);
  assert.equal(w.rows.length, 100);
  const r = w.rows[7];
  assert.equal(r.solver, "descent-ascent");
  assert.equal(r.evaluations, 14);
  assertClose(r.winding, -7 * 0.3 / (2 * Math.PI), { rtol: 1e-12 }, "cumulative");
  assertClose(r.re, 0.6 * Math.cos(-2.1), { rtol: 1e-14 }, "re");
  assertClose(r.im, 0.6 * Math.sin(-2.1), { rtol: 1e-14 }, "im");
});

Deno.test("phaseWinding: phase changes next to a small moment do not count", () => {
  // The moment dips below 0.2 at rows 10..19: the increments into, inside and out of the dip
  // (rows 10..20) are left out, 30 − 11 = 19 of 30 increments of 0.5 rad count.
  const history = Array.from({ length: 31 }, (_, t) => ({
    iteration: t,
    momentY: t >= 10 && t < 20 ? 0.05 : 0.4,
    phaseY: wrap(0.5 * t),
    momentX: 0.9,
    phaseX: 0,
  }));
  const w = phaseWinding(history, { player: "y" });
  assert.equal(w.counted, 19);
  assertClose(w.winding, 19 * 0.5 / (2 * Math.PI), { rtol: 1e-12 });
  assert.equal(w.rows[3].evaluations, null);
  // With no threshold, every increment counts; x does not move at all.
  assertClose(phaseWinding(history, { player: "y", minMoment: 0 }).winding, 15 / (2 * Math.PI), {
    rtol: 1e-12,
  });
  assert.equal(phaseWinding(history).winding, 0);
});

Deno.test("phaseWinding rejects bad input", () => {
  assert.throws(() => phaseWinding([]), {
    name: "TypeError",
    message:
      "Cannot measure the phase winding: history must be a non-empty array of rows from a solver's solve(), current value is []",
  });
  assert.throws(() => phaseWinding([{ momentX: 0.5 }]), {
    name: "TypeError",
    message:
      'Cannot measure the phase winding: row 0 of history must have numeric momentX and phaseX (rows of a torus game\'s solve()), current value is {"momentX":0.5}',
  });
  assert.throws(() => phaseWinding([{ momentX: 1, phaseX: 0 }], { minMoment: 2 }), {
    name: "RangeError",
    message:
      "Cannot measure the phase winding: options.minMoment must be a number in [0, 1], current value is 2",
  });
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => phaseWinding([{ momentX: 1, phaseX: 0 }], { player: "z" as any }),
    /options.player must be "x" or "y", current value is "z"/,
  );
});
