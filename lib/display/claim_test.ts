import assert from "node:assert/strict";
import {
  claim,
  ClaimError,
  type ClaimOptions,
  type ClaimResult,
  claims,
  CLAIMS_MIME,
  type ClaimSpec,
  identity,
} from "./claim.ts";
import { seedInterval } from "./seed_interval.ts";
import { recordDisplays } from "./_recorder_test_util.ts";

Deno.test("claims compare with each relation and its tolerance", async () => {
  const results = await claims([
    { statement: "≈ within rtol", actual: 10.4, expected: 10, rtol: 0.05 },
    { statement: "≤ with slack", actual: 20.3, expected: 20, relation: "≤", rtol: 0.02 },
    { statement: "≥ exact", actual: 1, expected: 1, relation: "≥" },
    { statement: "< strict", actual: 0.99, expected: 1, relation: "<" },
    { statement: "> strict", actual: 2, expected: 1, relation: ">" },
    { statement: "= boolean", actual: true, expected: true },
    { statement: "each of several", actual: [1, 2, 3], expected: [1.05, 2, 2.95], atol: 0.1 },
  ]);
  assert.ok(results.every((r) => r.passed));
});

Deno.test("a failing claim is shown with the others and then thrown", async () => {
  let error: unknown;
  const calls = await recordDisplays(async () => {
    try {
      await claims([
        { statement: "holds", actual: 1, expected: 1 },
        { statement: "a ≤ 2/η", actual: 25, expected: 20, relation: "≤", rtol: 0.1 },
        { statement: "strict at equality", actual: 1, expected: 1, relation: "<" },
      ]);
    } catch (e) {
      error = e;
    }
  });
  assert.ok(error instanceof ClaimError);
  assert.equal(
    (error as Error).message,
    '2 of 3 claims failed: "a ≤ 2/η" (25 > 22); "strict at equality" (1 ≥ 1)',
  );
  const shown = calls[0].bundle[CLAIMS_MIME] as { claims: ClaimResult[] };
  assert.deepEqual(shown.claims.map((c) => c.passed), [true, false, false]);
  assert.match(calls[0].bundle["text/plain"] as string, /^\s+claim/);
  assert.match(calls[0].bundle["text/plain"] as string, /✓ {2}holds/);
  assert.match(calls[0].bundle["text/plain"] as string, /✗ {2}a ≤ 2\/η/);
});

Deno.test("NaN never passes a claim", async () => {
  await assert.rejects(() => claim("finite", NaN, 0, { atol: 1 }), ClaimError);
  await assert.rejects(() => claim("bounded", [1, NaN], 2, { relation: "≤" }), ClaimError);
});

Deno.test("an infinite expected value is compared exactly: tolerances cannot make it pass", async () => {
  // The slack rtol·∞ (or 0·∞ = NaN) used to let every one of these pass.
  for (
    const [actual, expected, options] of [
      [5, Infinity, { rtol: 0.1 }],
      [5, Infinity, { atol: 1 }],
      [5, Infinity, { relation: "≥" }],
      [5, -Infinity, { relation: "≤", rtol: 0.5 }],
      [5, -Infinity, { relation: "<" }],
      [Infinity, Infinity, { relation: "<" }],
      [-Infinity, Infinity, {}],
    ] as const
  ) {
    await assert.rejects(
      () => claim("x", actual, expected, options as ClaimOptions),
      /expected is infinite: compared exactly/,
      `${actual} ${JSON.stringify(options)} ${expected}`,
    );
  }
  // What holds exactly still holds.
  for (
    const [actual, expected, relation] of [
      [5, Infinity, "≤"],
      [5, Infinity, "<"],
      [5, -Infinity, "≥"],
      [Infinity, Infinity, "≈"],
      [-Infinity, -Infinity, "="],
      [Infinity, Infinity, "≥"],
    ] as const
  ) {
    assert.ok((await claim("x", actual, expected, { relation, rtol: 0.1 })).passed);
  }
  // Over seeds: every point of the interval, or some point of it with "overlaps".
  const iv = seedInterval([1, 2, 3, 4, 5]);
  assert.ok((await claim("x", iv, Infinity, { relation: "<" })).passed);
  await assert.rejects(() => claim("x", iv, Infinity, { rtol: 1 }), ClaimError);
  await assert.rejects(
    () => claim("x", iv, Infinity, { rtol: 1, interval: "overlaps" }),
    /not = ∞/,
  );
});

Deno.test("a NaN measurement fails and its message says it was NaN", async () => {
  await assert.rejects(
    () => claim("bounded", NaN, 0, { relation: "≤" }),
    (e: Error) => e.message === '1 of 1 claim failed: "bounded" (the measured value is NaN)',
  );
  await assert.rejects(() => claim("near", NaN, 0, { atol: 1 }), /the measured value is NaN/);
  await assert.rejects(() => claim("near", NaN, Infinity), /the measured value is NaN/);
  await assert.rejects(
    () => claim("x", { ...seedInterval([1, 2, 3]), low: NaN }, 2, { relation: "≤" }),
    /has a NaN end \(a seed measured NaN\)/,
  );
});

Deno.test("an infinite tolerance is refused: the claim could not fail", async () => {
  await assert.rejects(
    () => claim("x", 1, 2, { atol: Infinity }),
    /rtol and atol must be non-negative finite numbers, current values are 0 and Infinity/,
  );
});

Deno.test("claims reject malformed input with messages that name it", async () => {
  await assert.rejects(() => claims([]), /give a non-empty array/);
  await assert.rejects(
    () => claim("", 1, 1),
    /Cannot check claim 0: statement must be a non-empty string/,
  );
  await assert.rejects(
    () => claim("x", 1, [1, 2]),
    /Cannot check claim 0 \("x"\): expected must be a number or an array as long as actual \(1\)/,
  );
  await assert.rejects(
    () => claim("x", 1, 1, { rtol: -1 }),
    /rtol and atol must be non-negative finite/,
  );
  await assert.rejects(
    () => claim("x", true, 1),
    /a boolean claim needs boolean actual and expected/,
  );
  await assert.rejects(
    () => claim("x", 1, 1, { relation: "~" as never }),
    /relation must be one of/,
  );
});

Deno.test("a claim with a negative control passes only when the control fails the same test", async () => {
  const calls = await recordDisplays(async () => {
    const r = await claim("stationary spread ≈ the SDE's", 0.98, 1, {
      rtol: 0.1,
      control: { label: "GD (no noise)", actual: 0 },
    });
    assert.equal(r.passed, true);
    assert.deepEqual(r.control, {
      label: "GD (no noise)",
      actual: 0,
      holds: false,
      detail: "|a − e| = 1 > 0.1",
    });
    assert.equal(
      r.detail,
      '|a − e| = 0.02 ≤ 0.1; control "GD (no noise)" fails it (|a − e| = 1 > 0.1)',
    );
  });
  const text = calls[0].bundle["text/plain"] as string;
  assert.match(text, /negative control/);
  assert.match(text, /GD \(no noise\): 0 \(fails: ✓\)/);
  assert.match(text, /1 of 1 claim holds \(1 with a negative control\)/);
  const shown = calls[0].bundle[CLAIMS_MIME] as { claims: ClaimResult[] };
  assert.equal(shown.claims[0].control?.holds, false);
});

Deno.test("a control that passes fails the claim with a message naming the null model", async () => {
  await assert.rejects(
    () =>
      claim("late loss ≈ SGD's", 1.02, 1, { rtol: 0.2, control: { label: "GD", actual: 0.97 } }),
    (e: Error) => {
      assert.ok(e instanceof ClaimError);
      assert.equal(
        e.message,
        '1 of 1 claim failed: "late loss ≈ SGD\'s" (control "GD" passes the same test (|a − e| = 0.03 ≤ 0.2): the test cannot tell the claim from the null model)',
      );
      return true;
    },
  );
  // A control with several values fails the test only if it fails at every one of them.
  await assert.rejects(
    () =>
      claim("ratio ≈ 1", 1, 1, { rtol: 0.1, control: { label: "η alone", actual: [0.5, 1.05] } }),
    /control "η alone" passes the same test \(\[1\] \|a − e\| = 0.05 ≤ 0.1\)/,
  );
  // When the claim itself fails, both verdicts are given.
  await assert.rejects(
    () => claim("ratio ≈ 1", 2, 1, { rtol: 0.1, control: { label: "GD", actual: 3 } }),
    (e: Error) => {
      assert.equal(
        e.message,
        '1 of 1 claim failed: "ratio ≈ 1" (|a − e| = 1 > 0.1; control "GD" fails it (|a − e| = 2 > 0.1))',
      );
      return true;
    },
  );
});

Deno.test("controls of boolean and interval claims are checked the same way", async () => {
  const r = await claim("every run converged", true, true, {
    control: { label: "no step-size rule", actual: false },
  });
  assert.equal(r.passed, true);
  assert.equal(r.control?.holds, false);
  await assert.rejects(
    () =>
      claim("spread > 0 over seeds", seedInterval([1, 1.2, 0.9, 1.1, 1]), 0, {
        relation: ">",
        control: { label: "GD", actual: seedInterval([0.5, 0.6, 0.5, 0.55, 0.52]) },
      }),
    /control "GD" passes the same test \(lower end 0.4\d* > 0\)/,
  );
});

Deno.test("identity checks carry their kind and mark and are counted apart from claims", async () => {
  let error: unknown;
  const calls = await recordDisplays(async () => {
    const ok = await identity("2/η < f''(0) by the chosen η", 2 / 3, 1, { relation: "<" });
    assert.equal(ok.kind, "identity");
    try {
      await claims([
        { statement: "a paper claim", actual: 1, expected: 1 },
        { statement: "another claim", actual: 2, expected: 1 },
        { statement: "Cauchy–Schwarz", actual: 3, expected: 2, relation: "≤", kind: "identity" },
      ]);
    } catch (e) {
      error = e;
    }
  });
  assert.match(calls[0].bundle["text/plain"] as string, /^≡ {2}2\/η < f''\(0\)/m);
  assert.match(
    calls[0].bundle["text/plain"] as string,
    /1 of 1 identity check holds \(≡: true by construction, not claims\)$/m,
  );
  assert.equal(
    (error as Error).message,
    '1 of 2 claims and 1 of 1 identity check failed: "another claim" (|a − e| = 1 > 0); "Cauchy–Schwarz" (3 > 2)',
  );
  const text = calls[1].bundle["text/plain"] as string;
  assert.match(text, /^≢ {2}Cauchy–Schwarz/m);
  assert.match(text, /1 of 2 claims hold · 0 of 1 identity check holds/);
  const shown = calls[1].bundle[CLAIMS_MIME] as { claims: ClaimResult[] };
  assert.deepEqual(shown.claims.map((c) => c.kind), ["claim", "claim", "identity"]);
  await assert.rejects(
    () => identity("x ≤ 1", 2, 1, { relation: "≤" }),
    (e: Error) => e.message === '1 of 1 identity check failed: "x ≤ 1" (2 > 1)',
  );
});

Deno.test("an interval over seeds must satisfy the relation at every point", async () => {
  const iv = seedInterval([0.9, 1.0, 1.1, 1.0, 1.0]); // mean 1, s.e. 0.0316, ± 0.0949
  const results = await claims([
    { statement: "≈ both ends", actual: iv, expected: 1, rtol: 0.1 },
    { statement: "≤ upper end", actual: iv, expected: 1.1, relation: "≤" },
    { statement: "≥ lower end", actual: iv, expected: 0.9, relation: "≥" },
    { statement: "> lower end", actual: iv, expected: 0.9, relation: ">" },
    { statement: "< upper end", actual: iv, expected: 1.1, relation: "<" },
    { statement: "several", actual: [iv, iv], expected: [0.5, 0.8], relation: ">" },
  ]);
  assert.ok(results.every((r) => r.passed));
  assert.deepEqual(results[0].actual, {
    values: [0.9, 1.0, 1.1, 1.0, 1.0],
    seeds: 5,
    mean: 1,
    standardError: iv.standardError,
    low: iv.low,
    high: iv.high,
    rule: "mean ± 3 s.e. over 5 seeds",
  });
  const fail = async (spec: Partial<ClaimSpec>) => {
    try {
      await claims([{ statement: "s", actual: iv, expected: 1, ...spec }]);
    } catch (e) {
      return (e as Error).message;
    }
    return "passed";
  };
  assert.equal(
    await fail({ rtol: 0.05 }),
    '1 of 1 claim failed: "s" ([0.9051, 1.095] is not within 1 ± 0.05)',
  );
  assert.equal(await fail({ relation: ">" }), '1 of 1 claim failed: "s" (lower end 0.9051 ≤ 1)');
  assert.equal(await fail({ relation: "<" }), '1 of 1 claim failed: "s" (upper end 1.095 ≥ 1)');
  assert.equal(await fail({ relation: "≤" }), '1 of 1 claim failed: "s" (upper end 1.095 > 1)');
  assert.equal(
    await fail({ relation: "≥", atol: 0.05 }),
    '1 of 1 claim failed: "s" (lower end 0.9051 < 0.95)',
  );
  const calls = await recordDisplays(() => claim("gap > 0", iv, 0, { relation: ">" }));
  assert.match(calls[0].bundle["text/plain"] as string, /1 \[0.9051, 1.095\]/);
  assert.match(calls[0].bundle["text/plain"] as string, /mean ± 3 s.e. over 5 seeds/);
});

Deno.test("claims reject malformed controls, kinds and interval equality with exact messages", async () => {
  const iv = seedInterval([1, 2, 3]);
  await assert.rejects(
    () => claims([{ statement: "x", actual: 1, expected: 1, kind: "paper" as never }]),
    (e: Error) =>
      e.message ===
        'Cannot check claim 0 ("x"): kind must be "claim" or "identity", current value is "paper"',
  );
  await assert.rejects(
    () =>
      claims([{
        statement: "x",
        actual: 1,
        expected: 1,
        kind: "identity",
        control: { label: "GD", actual: 1 },
      }]),
    (e: Error) =>
      e.message ===
        'Cannot check claim 0 ("x"): an identity check takes no negative control; make it a claim or drop the control',
  );
  await assert.rejects(
    () => claim("x", 1, 1, { control: { label: "", actual: 1 } }),
    (e: Error) =>
      e.message ===
        'Cannot check claim 0 ("x"): control must be { label, actual } with the null model named in label',
  );
  await assert.rejects(
    () => claim("x", 1, 1, { control: { label: "GD", actual: "a" as never } }),
    (e: Error) =>
      e.message ===
        'Cannot check claim 0 ("x"): control.actual must be a number, a non-empty array of numbers, a boolean or a seed interval',
  );
  await assert.rejects(
    () => claim("x", 1, [1, 2], { control: { label: "GD", actual: 1 } }),
    (e: Error) =>
      e.message ===
        'Cannot check claim 0 ("x"): expected must be a number or an array as long as actual (1)',
  );
  await assert.rejects(
    () => claim("x", [1, 2], [1, 2], { control: { label: "GD", actual: 1 } }),
    (e: Error) =>
      e.message ===
        'Cannot check claim 0 ("x"): expected must be a number or an array as long as control.actual (1)',
  );
  await assert.rejects(
    () => claim("x", true, true, { control: { label: "GD", actual: 1 } }),
    (e: Error) =>
      e.message ===
        'Cannot check claim 0 ("x"): control.actual must be a boolean like the claim\'s actual',
  );
  await assert.rejects(
    () => claim("x", iv, 2, { relation: "=" }),
    (e: Error) =>
      e.message ===
        'Cannot check claim 0 ("x"): an interval over seeds cannot be checked with "="; use ≈, ≤, ≥, < or >',
  );
  await assert.rejects(
    () => claim("x", { ...iv, low: NaN }, 2, { relation: "≤" }),
    ClaimError,
  );
});

Deno.test("interval: overlaps passes when some point of the interval satisfies the relation", async () => {
  const iv = seedInterval([0.9, 1.0, 1.1, 1.0, 1.0]); // [0.9051, 1.095]
  const r = await claim("excess ≈ the SDE's within 3 s.e.", iv, 1.1, {
    rtol: 0.01,
    interval: "overlaps",
    control: { label: "GD (no noise)", actual: 0 },
  });
  assert.equal(r.passed, true);
  assert.equal(r.interval, "overlaps");
  assert.equal(
    r.detail,
    '[0.9051, 1.095] reaches 1.1 ± 0.011; control "GD (no noise)" fails it (|a − e| = 1.1 > 0.011)',
  );
  const fail = async (spec: Partial<ClaimSpec>) => {
    try {
      await claims([{ statement: "s", actual: iv, expected: 1, interval: "overlaps", ...spec }]);
    } catch (e) {
      return (e as Error).message;
    }
    return "passed";
  };
  assert.equal(
    await fail({ expected: 1.2, rtol: 0.05 }),
    '1 of 1 claim failed: "s" ([0.9051, 1.095] misses 1.2 ± 0.06)',
  );
  assert.equal(
    await fail({ expected: 0.9, relation: "≤" }),
    '1 of 1 claim failed: "s" (lower end 0.9051 > 0.9)',
  );
  assert.equal(
    await fail({ expected: 1.1, relation: "≥" }),
    '1 of 1 claim failed: "s" (upper end 1.095 < 1.1)',
  );
  assert.equal(
    await fail({ expected: 0.9, relation: "<" }),
    '1 of 1 claim failed: "s" (lower end 0.9051 ≥ 0.9)',
  );
  assert.equal(
    await fail({ expected: 1.1, relation: ">" }),
    '1 of 1 claim failed: "s" (upper end 1.095 ≤ 1.1)',
  );
  assert.equal(await fail({ expected: 0.95, relation: "≤" }), "passed");
  // The control is tested the same way: an interval that reaches the band makes the claim fail.
  assert.equal(
    await fail({
      control: { label: "SGD at η/8", actual: seedInterval([0.7, 0.8, 0.9]) },
      rtol: 0.05,
    }),
    '1 of 1 claim failed: "s" (control "SGD at η/8" passes the same test ([0.6268, 0.9732] reaches 1 ± 0.05): the test cannot tell the claim from the null model)',
  );
  const calls = await recordDisplays(() => claim("s", iv, 1, { interval: "overlaps" }));
  assert.match(
    calls[0].bundle["text/plain"] as string,
    /mean ± 3 s.e. over 5 seeds; agrees at some point of the interval/,
  );
  await assert.rejects(
    () => claim("x", iv, 1, { interval: "some" as never }),
    (e: Error) =>
      e.message ===
        'Cannot check claim 0 ("x"): interval must be "inside" or "overlaps", current value is "some"',
  );
});
