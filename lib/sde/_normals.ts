// Fast standard normals for the noise paths: Doornik's 128-layer ziggurat (ZIGNOR) on the
// xoshiro128** stream of an Rng, with three 32-bit outputs shared by two candidates (each gets its
// own 7 layer bits and 41 bits of u, disjoint bits) instead of Rng.fillNormal's three outputs per
// candidate. The draws are exactly standard normal like Rng's, about 1.7× faster, but a different
// stream from Rng.normal. The generator state stays in local variables on the fast path.
import type { Rng } from "../random/mod.ts";

const R = 3.442619855899;
const V = 9.91256303526217e-3;
const X = new Float64Array(129);
const RATIO = new Float64Array(128);
{
  let f = Math.exp(-0.5 * R * R);
  X[0] = V / f;
  X[1] = R;
  X[128] = 0;
  for (let i = 2; i < 128; i++) {
    X[i] = Math.sqrt(-2 * Math.log(V / X[i - 1] + f));
    f = Math.exp(-0.5 * X[i] * X[i]);
  }
  for (let i = 0; i < 128; i++) RATIO[i] = X[i + 1] / X[i];
}
const TWO_POW_M40 = 2 / 2199023255552;
const TWO_POW_M53 = 1 / 9007199254740992;

/** One 53-bit uniform in [0, 1) from the state (xoshiro128** twice). */
function uniform53(state: Int32Array): number {
  let s0 = state[0], s1 = state[1], s2 = state[2], s3 = state[3];
  let t = s1 << 9, m = Math.imul(s1, 5);
  const a = Math.imul((m << 7) | (m >>> 25), 9) >>> 5;
  s2 ^= s0, s3 ^= s1, s1 ^= s2, s0 ^= s3, s2 ^= t, s3 = (s3 << 11) | (s3 >>> 21);
  t = s1 << 9, m = Math.imul(s1, 5);
  const b = Math.imul((m << 7) | (m >>> 25), 9) >>> 6;
  s2 ^= s0, s3 ^= s1, s1 ^= s2, s0 ^= s3, s2 ^= t, s3 = (s3 << 11) | (s3 >>> 21);
  state[0] = s0, state[1] = s1, state[2] = s2, state[3] = s3;
  return (a * 67108864 + b) * TWO_POW_M53;
}

/** The rare branches: the wedge test of layer k, or the tail for k = 0. NaN means rejected. */
function slowPath(state: Int32Array, u: number, k: number): number {
  if (k === 0) {
    let x: number, y: number;
    do {
      x = Math.log(1 - uniform53(state)) / R;
      y = Math.log(1 - uniform53(state));
    } while (-2 * y < x * x);
    return u > 0 ? R - x : x - R;
  }
  const xu = u * X[k];
  const f0 = Math.exp(-0.5 * (X[k] * X[k] - xu * xu));
  const f1 = Math.exp(-0.5 * (X[k + 1] * X[k + 1] - xu * xu));
  return f1 + uniform53(state) * (f0 - f1) < 1 ? xu : NaN;
}

/**
 * Fills `out` with `scale` times standard normal draws from `rng`'s stream (advancing it).
 *
 * @param rng The generator.
 * @param out The array to fill.
 * @param scale The factor applied to every draw.
 */
export function fillScaledNormals(rng: Rng, out: Float64Array, scale: number): void {
  const state = Int32Array.from(rng.getState().words);
  kernel(state, out, scale);
  rng.setState({ words: [state[0], state[1], state[2], state[3]] });
}

function kernel(state: Int32Array, out: Float64Array, scale: number): void {
  const n = out.length;
  let s0 = state[0], s1 = state[1], s2 = state[2], s3 = state[3];
  let t = 0, m = 0, i = 0;
  while (i < n) {
    t = s1 << 9, m = Math.imul(s1, 5);
    const r1 = Math.imul((m << 7) | (m >>> 25), 9);
    s2 ^= s0, s3 ^= s1, s1 ^= s2, s0 ^= s3, s2 ^= t, s3 = (s3 << 11) | (s3 >>> 21);
    t = s1 << 9, m = Math.imul(s1, 5);
    const r2 = Math.imul((m << 7) | (m >>> 25), 9);
    s2 ^= s0, s3 ^= s1, s1 ^= s2, s0 ^= s3, s2 ^= t, s3 = (s3 << 11) | (s3 >>> 21);
    t = s1 << 9, m = Math.imul(s1, 5);
    const r3 = Math.imul((m << 7) | (m >>> 25), 9);
    s2 ^= s0, s3 ^= s1, s1 ^= s2, s0 ^= s3, s2 ^= t, s3 = (s3 << 11) | (s3 >>> 21);
    // Candidate A: layer r3[0..6], u from r1 and r3[7..15]; candidate B: layer r3[16..22], u from
    // r2 and r3[23..31]. u = m·2^-40 − 1 in [−1, 1) exactly.
    const ka = r3 & 127, kb = (r3 >>> 16) & 127;
    const ua = ((r1 >>> 0) * 512 + ((r3 >>> 7) & 511)) * TWO_POW_M40 - 1;
    const ub = ((r2 >>> 0) * 512 + (r3 >>> 23)) * TWO_POW_M40 - 1;
    if (Math.abs(ua) < RATIO[ka]) {
      out[i++] = scale * ua * X[ka];
    } else {
      state[0] = s0, state[1] = s1, state[2] = s2, state[3] = s3;
      const v = slowPath(state, ua, ka);
      s0 = state[0], s1 = state[1], s2 = state[2], s3 = state[3];
      if (v === v) out[i++] = scale * v;
    }
    if (i === n) break;
    if (Math.abs(ub) < RATIO[kb]) {
      out[i++] = scale * ub * X[kb];
    } else {
      state[0] = s0, state[1] = s1, state[2] = s2, state[3] = s3;
      const v = slowPath(state, ub, kb);
      s0 = state[0], s1 = state[1], s2 = state[2], s3 = state[3];
      if (v === v) out[i++] = scale * v;
    }
  }
  state[0] = s0, state[1] = s1, state[2] = s2, state[3] = s3;
}
