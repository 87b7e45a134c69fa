import assert from "node:assert/strict";
import { claim, ClaimError, type ClaimResult, claims, CLAIMS_MIME } from "./claim.ts";
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
  await assert.rejects(() => claim("x", 1, 1, { rtol: -1 }), /rtol and atol must be non-negative/);
  await assert.rejects(
    () => claim("x", true, 1),
    /a boolean claim needs boolean actual and expected/,
  );
  await assert.rejects(
    () => claim("x", 1, 1, { relation: "~" as never }),
    /relation must be one of/,
  );
});
