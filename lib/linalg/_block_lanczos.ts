/**
 * Block Lanczos with full re-orthogonalization over a {@linkcode VectorStore}, one block step at a
 * time. Private to `lib/linalg/`; {@linkcode lanczos} drives it.
 *
 * A step applies the operator to the current block Q_j (b vectors, one batched product where the
 * store can), removes from W = A Q_j its components along every basis vector (classical
 * Gram–Schmidt twice; the first pass's coefficients are column block j of T = QᵀAQ) and
 * orthonormalizes what is left column by column: W = Q_{j+1} R_j. T is then block tridiagonal with
 * the R_j below its diagonal, and a Ritz pair (θ, Q s) of T has residual ‖R_last s_last‖, s_last
 * the entries of s on the last block. Block size 1 is the classical Lanczos process.
 *
 * Only small matrices come back from the store: per step the m×b coefficients of each
 * re-orthogonalization pass and a few b×b products within the new block. The d-vectors stay in
 * the store (on a device, if the store is one).
 *
 * @module
 */
import type { Rng } from "../random/mod.ts";
import type { VectorStore } from "./vector_store.ts";
import { symmetricEigen } from "./_symmetric_eigen.ts";

/** A new direction whose norm is below this multiple of ‖A‖ (estimated) counts as a breakdown. */
const BREAKDOWN = 1e-12;

/** Ritz values, ascending, with their coefficient vectors s (length m) and residuals. */
export interface RitzPairs {
  values: Float64Array;
  coefficients: Float64Array[];
  residuals: Float64Array;
}

/** A running block Lanczos process, orthogonal to the (orthonormal) `locked` vectors. */
export class BlockLanczos<V> {
  /** All basis vectors so far, block after block. */
  readonly basis: V[] = [];
  /** The first basis index of each block. */
  readonly blockStarts: number[] = [];
  /** Operator products used. */
  products = 0;
  /** The largest ‖A q‖ seen, a lower bound on ‖A‖ that sets the breakdown threshold. */
  normEstimate = 0;
  /** True once no further direction exists (every remaining direction is locked or in the basis). */
  exhausted = false;
  /** Computed entries of T = QᵀAQ: upper[i][j] for i ≤ j (rows in blocks up to j's). */
  readonly #upper: number[][] = [];
  /** R of the last step: the coupling of the last block to the next one, b_next×b_last. */
  #coupling: Float64Array = new Float64Array(0);
  /** R entries: lower[i][j] = T[i][j] for i in the block after j's (from the QR of step j). */
  readonly #lower: number[][] = [];
  #next: V[];

  /**
   * @param store The vectors' home and the operator.
   * @param start The first block (consumed), not necessarily orthonormal.
   * @param rng Random directions after breakdowns.
   * @param locked Orthonormal vectors to stay orthogonal to (not consumed).
   * @param onBreakdown When a new direction is numerically dependent (the Krylov space became
   *   invariant along it): `"restart"` continues in a random direction coupled by 0 (eigensolvers,
   *   which must explore the whole space), `"stop"` drops it (quadrature, which is then exact).
   */
  constructor(
    readonly store: VectorStore<V>,
    start: V[],
    readonly rng: Rng,
    readonly locked: readonly V[] = [],
    readonly onBreakdown: "restart" | "stop" = "restart",
  ) {
    this.#next = start;
  }

  /** Orthonormalizes the start block; call once before the first step. */
  async init(): Promise<void> {
    let w = this.#next;
    if (this.locked.length > 0) {
      for (let pass = 0; pass < 2; pass++) {
        w = this.store.subtract(w, this.locked, await this.store.inner(this.locked, w));
      }
    }
    const cols = await this.#orthonormalize(w, null);
    this.#next = cols.vectors;
    if (this.#next.length === 0) this.exhausted = true;
  }

  /** The number of basis vectors m. */
  get size(): number {
    return this.basis.length;
  }

  /** The size of the block the next step will apply the operator to. */
  get nextBlockSize(): number {
    return this.#next.length;
  }

  /**
   * One block step: b products (b = `nextBlockSize`), then the next block. Returns false (doing
   * nothing) once exhausted.
   */
  async step(): Promise<boolean> {
    const q = this.begin();
    if (q.length === 0) return false;
    await this.finish(await this.store.apply(q));
    return true;
  }

  /**
   * The first half of a step, for callers that batch the products of several processes: appends
   * the pending block to the basis and returns it (empty once exhausted). Pass A times it to
   * {@linkcode finish}.
   */
  begin(): V[] {
    if (this.exhausted || this.#next.length === 0) return [];
    const q = this.#next;
    this.#next = [];
    this.blockStarts.push(this.basis.length);
    for (const v of q) this.basis.push(v);
    return q;
  }

  /**
   * The second half of a step: W = A Q_j for the block {@linkcode begin} returned (consumed).
   */
  async finish(w: V[]): Promise<void> {
    const m0 = this.blockStarts[this.blockStarts.length - 1];
    const m = this.basis.length;
    const b = m - m0;
    this.products += b;
    // Two passes of classical Gram–Schmidt against the locked vectors and the whole basis; the
    // basis coefficients of both passes add up to column block j of T.
    const all = [...this.locked, ...this.basis];
    const nl = this.locked.length;
    const coeff = new Float64Array(m * b);
    const colSq = new Float64Array(b);
    for (let pass = 0; pass < 2; pass++) {
      const c = await this.store.inner(all, w);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < b; j++) coeff[i * b + j] += c[(nl + i) * b + j];
      }
      if (pass === 0) {
        for (let i = 0; i < all.length; i++) {
          for (let j = 0; j < b; j++) colSq[j] += c[i * b + j] ** 2;
        }
      }
      w = this.store.subtract(w, all, c);
    }
    for (let i = 0; i < m; i++) {
      const row = this.#upper[i] ??= [];
      for (let j = 0; j < b; j++) row[m0 + j] = coeff[i * b + j];
    }
    // The rest becomes the next block: W = Q_{j+1} R.
    const { vectors, r } = await this.#orthonormalize(w, colSq);
    const bn = vectors.length;
    for (let i = 0; i < bn; i++) {
      const row = this.#lower[m + i] ??= [];
      for (let j = 0; j < b; j++) row[m0 + j] = r[i * b + j];
    }
    this.#coupling = r.slice(0, bn * b);
    this.#next = vectors;
    if (bn === 0) this.exhausted = true;
  }

  /**
   * The symmetric projected matrix T (m×m, row-major): each entry from the step that computed it,
   * averaged with its transpose where both were computed.
   */
  projected(): Float64Array {
    const m = this.basis.length;
    const t = new Float64Array(m * m);
    const get = (i: number, j: number): number | undefined => {
      if (i <= j) return this.#upper[i]?.[j];
      return this.#lower[i]?.[j] ?? this.#upper[i]?.[j];
    };
    for (let i = 0; i < m; i++) {
      for (let j = 0; j <= i; j++) {
        const a = get(i, j), b = get(j, i);
        const v = a === undefined ? (b ?? 0) : b === undefined ? a : 0.5 * (a + b);
        t[i * m + j] = t[j * m + i] = v;
      }
    }
    return t;
  }

  /** All Ritz pairs of the current basis, values ascending. */
  ritz(): RitzPairs {
    const m = this.basis.length;
    const { values, vectors } = symmetricEigen(this.projected(), m);
    const start = this.blockStarts.length > 0 ? this.blockStarts[this.blockStarts.length - 1] : m;
    const bl = m - start;
    const r = this.#coupling;
    const bn = bl === 0 ? 0 : r.length / bl;
    const residuals = Float64Array.from(vectors, (s) => {
      let sq = 0;
      for (let i = 0; i < bn; i++) {
        let x = 0;
        for (let j = 0; j < bl; j++) x += r[i * bl + j] * s[start + j];
        sq += x * x;
      }
      return Math.sqrt(sq);
    });
    return { values, coefficients: vectors, residuals };
  }

  /** Frees the basis and the pending block (device stores). */
  dispose(): void {
    this.store.dispose(this.basis);
    this.store.dispose(this.#next);
    this.#next = [];
  }

  /**
   * Orthonormalizes w (consumed; already orthogonal to locked and basis up to rounding) column by
   * column, twice, against the locked vectors, the basis and the new columns. A column that is
   * numerically dependent is replaced by a random direction orthogonal to everything, coupled by
   * 0 (the Krylov space became invariant along it), or dropped when none is left.
   *
   * @param w The block.
   * @param colSq Per column of W = A Q_j, the squared norm already removed (so ‖A q_j‖² = colSq +
   *   what is left), which updates the norm estimate; null for a start block, whose columns are
   *   judged against their own norms.
   * @returns The new columns and R (cols × b, row-major: W_j = Σ_i R[i][j] q_i).
   */
  async #orthonormalize(
    w: V[],
    colSq: Float64Array | null,
  ): Promise<{ vectors: V[]; r: Float64Array }> {
    const b = w.length;
    const r = new Float64Array(b * b);
    const out: V[] = [];
    const room = this.store.dim - this.locked.length - this.basis.length;
    for (let j = 0; j < b; j++) {
      let v = [w[j]];
      const n0 = colSq === null ? Math.sqrt((await this.store.inner(v, v))[0]) : 0;
      // Against the new columns (twice); the basis was handled by the caller's two passes.
      for (let pass = 0; pass < 2 && out.length > 0; pass++) {
        const c = await this.store.inner(out, v);
        for (let i = 0; i < out.length; i++) r[i * b + j] += c[i];
        v = this.store.subtract(v, out, c);
      }
      const n = Math.sqrt(Math.max(0, (await this.store.inner(v, v))[0]));
      let threshold: number;
      if (colSq === null) {
        threshold = 1e-8 * n0;
      } else {
        let newSq = 0;
        for (let i = 0; i < out.length; i++) newSq += r[i * b + j] ** 2;
        this.normEstimate = Math.max(this.normEstimate, Math.sqrt(colSq[j] + newSq + n * n));
        threshold = BREAKDOWN * this.normEstimate;
      }
      if (n > threshold && n > 0 && out.length < room) {
        r[out.length * b + j] = n;
        out.push(this.store.scale(v[0], 1 / n));
        continue;
      }
      this.store.dispose(v);
      if (out.length >= room || (colSq !== null && this.onBreakdown === "stop")) continue;
      const fresh = await this.#randomDirection(out);
      if (fresh !== null) out.push(fresh); // coupled by 0: r stays 0 in its row
    }
    // R has one row per kept column. On a device, the columns go into one block tensor, so that
    // later inner products take one matrix product per block, not one per column.
    let vectors = out;
    if (this.store.location === "device" && out.length > 1) {
      const eye = new Float64Array(out.length * out.length);
      for (let i = 0; i < out.length; i++) eye[i * out.length + i] = 1;
      vectors = this.store.combine(out, eye, out.length);
      this.store.dispose(out);
    }
    return { vectors, r: r.slice(0, out.length * b) };
  }

  /** A random unit vector orthogonal to the locked vectors, the basis and `extra`, or null. */
  async #randomDirection(extra: readonly V[]): Promise<V | null> {
    const all = [...this.locked, ...this.basis, ...extra];
    if (all.length >= this.store.dim) return null;
    for (let attempt = 0; attempt < 3; attempt++) {
      let v = [this.store.fromHost(this.rng.fillNormal(new Float64Array(this.store.dim)))];
      const n0 = Math.sqrt((await this.store.inner(v, v))[0]);
      for (let pass = 0; pass < 2; pass++) {
        v = this.store.subtract(v, all, await this.store.inner(all, v));
      }
      const n = Math.sqrt(Math.max(0, (await this.store.inner(v, v))[0]));
      if (n > 1e-8 * n0) return this.store.scale(v[0], 1 / n);
      this.store.dispose(v);
    }
    return null;
  }
}
