// Shared validation and seeding for the noise paths.
import { type Seed, seedToInteger } from "../random/mod.ts";

/** Checks that a count is a positive integer, naming what it is for. */
export function checkPositiveInteger(what: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot ${what}: ${name} must be a positive integer, current value is ${value}`,
    );
  }
}

/** Checks a finite number. */
export function checkFinite(what: string, name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(
      `Cannot ${what}: ${name} must be a finite number, current value is ${value}`,
    );
  }
}

/** Checks an increment's output arrays and its interval. */
export function checkIncrement(
  what: string,
  size: number,
  s: number,
  u: number,
  dW: Float64Array,
  dZ: Float64Array | undefined,
): void {
  if (!(u > s) || !Number.isFinite(s) || !Number.isFinite(u)) {
    throw new RangeError(
      `Cannot draw ${what}: the interval must have u > s, current values are s = ${s}, u = ${u}`,
    );
  }
  if (!(dW instanceof Float64Array) || dW.length !== size) {
    throw new TypeError(
      `Cannot draw ${what}: dW must be a Float64Array of length particles × dim = ${size}, current length is ${
        (dW as { length?: number })?.length
      }`,
    );
  }
  if (dZ !== undefined && (!(dZ instanceof Float64Array) || dZ.length !== size)) {
    throw new TypeError(
      `Cannot draw ${what}: dZ must be a Float64Array of length particles × dim = ${size}, current length is ${
        (dZ as { length?: number })?.length
      }`,
    );
  }
}

/** The seed as an integer, with the path's own message on a bad seed. */
export function pathSeed(what: string, seed: Seed): number {
  try {
    return seedToInteger(seed);
  } catch {
    throw new TypeError(
      `Cannot create ${what}: seed must be a non-negative integer below 2^53 or a string, current value is ${seed}`,
    );
  }
}

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * A seed for the node (depth, index) of a path seeded with `seed`, below 2^53: two 32-bit
 * murmur finalizer hashes of the seed's halves, the depth, a tag, and the index's halves.
 */
export function nodeSeed(seed: number, depth: number, index: number, tag = 0): number {
  const lo = seed >>> 0, hi = Math.floor(seed / 4294967296) >>> 0;
  const ilo = index >>> 0, ihi = Math.floor(index / 4294967296) >>> 0;
  let h = mix32(lo ^ 0x9e3779b9);
  h = mix32(h ^ hi);
  h = mix32(h ^ (depth * 0x01000193 + tag * 0x2545f491));
  h = mix32(h ^ ilo);
  const a = mix32(h ^ ihi);
  const b = mix32(a ^ 0x6a09e667);
  return a * 2097152 + (b >>> 11);
}
