/**
 * The Lanczos three-term recurrence with full re-orthogonalization, one step at a time, shared by
 * the eigensolver ({@linkcode lanczos}) and stochastic Lanczos quadrature. Private to
 * `lib/linalg/`.
 *
 * After m steps the basis Q_m = [q_0 … q_{m−1}] is orthonormal and Q_mᵀ A Q_m = T_m, the
 * tridiagonal matrix with diagonal α and off-diagonal β_0 … β_{m−2}; A Q_m = Q_m T_m +
 * β_{m−1} q_m e_mᵀ, so a Ritz pair (θ, Q_m s) of T_m has residual β_{m−1}·|s_{m−1}|.
 *
 * @module
 */
import type { LinearOperator } from "./linear_operator.ts";
import type { Rng } from "../random/mod.ts";
import { apply } from "./_checks.ts";
import { axpy, dot, norm2, orthogonalize, scale } from "./_vector.ts";

/** β below this multiple of the largest ‖A q_j‖ seen counts as an invariant subspace. */
const BREAKDOWN = 1e-12;

/** What to do when the Krylov space becomes invariant (β ≈ 0) before the work is done. */
export type OnBreakdown = "restart" | "stop";

/** A running Lanczos process over `op`, orthogonal to the (orthonormal) `locked` vectors. */
export class LanczosProcess {
  readonly basis: Float64Array[] = [];
  readonly alpha: number[] = [];
  /** beta[j] couples q_j and q_{j+1}; the last entry is the residual norm β_{m−1}. */
  readonly beta: number[] = [];
  /** Matrix–vector products used. */
  matvecs = 0;
  /** True once no further direction exists (the space is exhausted or invariant with "stop"). */
  exhausted = false;
  /** The largest ‖A q_j‖ seen, a lower bound on ‖A‖ that sets the breakdown threshold. */
  normEstimate = 0;
  #next: Float64Array | null;

  constructor(
    readonly op: LinearOperator,
    start: Float64Array,
    readonly rng: Rng,
    readonly action: string,
    readonly locked: readonly Float64Array[] = [],
    readonly onBreakdown: OnBreakdown = "restart",
  ) {
    const q = orthogonalize(Float64Array.from(start), locked);
    const n = norm2(q);
    // A start vector inside the locked span leaves nothing to explore; try a random one.
    this.#next = n > 1e-8 * norm2(start) ? scale(1 / n, q) : this.#randomDirection();
    if (this.#next === null) this.exhausted = true;
  }

  /** The number of basis vectors (Lanczos steps) so far. */
  get steps(): number {
    return this.alpha.length;
  }

  /** The residual coupling β_{m−1} of the last step (0 after a breakdown). */
  get lastBeta(): number {
    return this.beta.length === 0 ? 0 : this.beta[this.beta.length - 1];
  }

  /**
   * One Lanczos step: appends q_m, α_m and β_m. Returns false (doing nothing) once exhausted.
   */
  async step(): Promise<boolean> {
    if (this.exhausted || this.#next === null) return false;
    const q = this.#next;
    const j = this.basis.length;
    this.basis.push(q);
    const w = await apply(this.op, q, this.action);
    this.matvecs++;
    this.normEstimate = Math.max(this.normEstimate, norm2(w));
    const a = dot(q, w);
    this.alpha.push(a);
    axpy(-a, q, w);
    if (j > 0) axpy(-this.beta[j - 1], this.basis[j - 1], w);
    // Full re-orthogonalization against the locked vectors and the whole basis.
    orthogonalize(w, this.locked);
    orthogonalize(w, this.basis);
    const b = norm2(w);
    if (b > BREAKDOWN * this.normEstimate) {
      this.beta.push(b);
      this.#next = scale(1 / b, w);
      return true;
    }
    // Invariant subspace: T_m is exact. Continue in a fresh direction (β = 0 splits T) or stop.
    this.beta.push(0);
    this.#next = this.onBreakdown === "restart" ? this.#randomDirection() : null;
    if (this.#next === null) this.exhausted = true;
    return true;
  }

  /** A random unit vector orthogonal to the locked vectors and the basis, or null if none is left. */
  #randomDirection(): Float64Array | null {
    const dim = this.op.dim;
    if (this.basis.length + this.locked.length >= dim) return null;
    for (let attempt = 0; attempt < 3; attempt++) {
      const v = this.rng.fillNormal(new Float64Array(dim));
      const n0 = norm2(v);
      orthogonalize(v, this.locked);
      orthogonalize(v, this.basis);
      const n = norm2(v);
      if (n > 1e-8 * n0) return scale(1 / n, v);
    }
    return null;
  }
}
