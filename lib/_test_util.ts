/**
 * Named tolerances and float comparisons shared by every test. Private to the test suite.
 *
 * @module
 */
import assert from "node:assert/strict";

/** Tolerances by what is being compared. */
export const TOL = {
  /** Float64 arithmetic against float64 closed forms (a few ulps of many operations). */
  float64: 1e-10,
  /** Float64 iterative methods that stop at a convergence tolerance. */
  iterative: 1e-7,
  /** Float32 tensors against float64 references on well-conditioned small problems. */
  float32: 2e-5,
  /** Float32 results of long reductions or chained ops (HVPs, losses over many samples). */
  float32Loose: 1e-3,
} as const;

/** Tolerances for {@linkcode assertClose}. */
export interface CloseOptions {
  /** Relative tolerance. */
  rtol?: number;
  /** Absolute tolerance. */
  atol?: number;
}

/**
 * Asserts |actual − expected| ≤ atol + rtol·|expected|.
 *
 * @param actual The measured value.
 * @param expected The reference.
 * @param options rtol (default TOL.float64) and atol (default 0).
 * @param what What is compared, for the message.
 */
export function assertClose(
  actual: number,
  expected: number,
  options: CloseOptions = {},
  what = "value",
): void {
  const rtol = options.rtol ?? TOL.float64;
  const atol = options.atol ?? 0;
  const bound = atol + rtol * Math.abs(expected);
  const error = Math.abs(actual - expected);
  if (!(error <= bound)) {
    assert.fail(
      `${what}: ${actual} differs from ${expected} by ${error.toExponential(3)} > ${
        bound.toExponential(3)
      } (rtol ${rtol}, atol ${atol})`,
    );
  }
}

/**
 * Asserts every element is close (see {@linkcode assertClose}); lengths must match.
 *
 * @param actual The measured values.
 * @param expected The references.
 * @param options rtol and atol.
 * @param what What is compared, for the message.
 */
export function assertAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  options: CloseOptions = {},
  what = "array",
): void {
  assert.equal(
    actual.length,
    expected.length,
    `${what}: length ${actual.length} ≠ ${expected.length}`,
  );
  for (let i = 0; i < actual.length; i++) {
    assertClose(actual[i], expected[i], options, `${what}[${i}]`);
  }
}

/**
 * Runs `fn` with `console.warn` captured (an interrupted loop's one-line message), so the test
 * can assert it and the output stays clean.
 *
 * @param fn The code to run.
 * @returns What `fn` returned and the warnings, one string each.
 */
export async function captureWarnings<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; warnings: string[] }> {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(" "));
  try {
    return { value: await fn(), warnings };
  } finally {
    console.warn = original;
  }
}
