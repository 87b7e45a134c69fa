import type { Row } from "../_types.ts";
import { checkInRange, show } from "./_checks.ts";
import { TWO_PI } from "./_grid_ops.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode phaseWinding}. */
export interface PhaseWindingOptions {
  /**
   * Whose first Fourier moment to follow: the x player's (`momentX`, `phaseX`) or the y
   * player's.
   * @default {"x"}
   */
  player?: "x" | "y";
  /**
   * Phase changes count only between two rows whose moment |E e^{iθ}| is at least this: near the
   * centre the phase is noise, and a measure passing close to uniform would add spurious turns.
   * @default {0.2}
   */
  minMoment?: number;
}

/** How far the first Fourier moment of a player's measure turned around the origin. */
export interface PhaseWinding {
  /** |winding|: full turns around the origin, either way. */
  turns: number;
  /** The net signed winding in turns, counterclockwise positive. */
  winding: number;
  /** How many phase changes were counted (pairs of rows both above `minMoment`). */
  counted: number;
  /** One row per history row, for trajectory charts. */
  rows: PhaseWindingRow[];
}

/** One row of {@linkcode PhaseWinding}: where the first Fourier moment was, and its turns so far. */
export type PhaseWindingRow = {
  /** The solver's name, when the history row has one. */
  solver?: string;
  /** The history row's iteration (its index when it has none). */
  iteration: number;
  /** The history row's force evaluations (null when it has none). */
  evaluations: number | null;
  /** The cumulative signed turns so far. */
  winding: number;
  /** Re of the moment E e^{iθ} = momentX·e^{i·phaseX}. */
  re: number;
  /** Im of the moment. */
  im: number;
} & Row;

/**
 * The winding of a torus game's measure around the equilibrium, from a solver's history: the
 * first Fourier moment m_t = E e^{iθ} of a player's first angle (`momentX`·e^{i·phaseX} in the
 * rows of `solve()`), and its phase unwrapped, winding = Σ_t wrap(φ_t − φ_{t−1})/2π over
 * consecutive rows with |m| ≥ minMoment (wrap to (−π, π]). Simultaneous descent–ascent on a
 * bilinear-like game turns around the equilibrium (a winding of one or more turns); the
 * quasistatic dynamics fall straight in (a winding near 0). Record densely (`every: 1` or small)
 * so the phase moves less than π between rows, or turns are missed.
 *
 * @see {@link https://arxiv.org/abs/2202.10947} Ma and Ying (ICLR 2022): descent–ascent can
 * cycle, the quasistatic dynamics converge.
 *
 * @example A moment turning one and a half times
 * ```ts
 * import { phaseWinding } from "minima";
 * import assert from "node:assert/strict";
 *
 * const history = Array.from({ length: 31 }, (_, t) => ({
 *   iteration: t, evaluations: 2 * t, momentX: 0.5, phaseX: Math.atan2(Math.sin(t * Math.PI / 10), Math.cos(t * Math.PI / 10)),
 * }));
 * const w = phaseWinding(history);
 * assert.ok(Math.abs(w.winding - 1.5) < 1e-12);
 * assert.equal(w.rows.at(-1)!.evaluations, 60);
 * ```
 *
 * @param history The rows of a torus game's `solve()` (with momentX/phaseX, or momentY/phaseY).
 * @param options The player and the smallest moment whose phase counts.
 * @returns Turns, signed winding, the count of phase changes used, and trajectory rows.
 */
export function phaseWinding(
  history: readonly Row[],
  options: PhaseWindingOptions = {},
): PhaseWinding {
  checkCall("phaseWinding", arguments);
  const context = "Cannot measure the phase winding";
  const player = options.player ?? "x";
  if (player !== "x" && player !== "y") {
    throw new TypeError(
      `${context}: options.player must be "x" or "y", current value is ${show(player)}`,
    );
  }
  const minMoment = options.minMoment ?? 0.2;
  checkInRange(minMoment, "options.minMoment", context, 0, 1);
  if (!Array.isArray(history) || history.length === 0) {
    throw new TypeError(
      `${context}: history must be a non-empty array of rows from a solver's solve(), current value is ${
        show(history)
      }`,
    );
  }
  const P = player.toUpperCase(), mKey = `moment${P}`, pKey = `phase${P}`;
  let w = 0, counted = 0;
  const rows: PhaseWindingRow[] = [];
  history.forEach((row, i) => {
    const m = row?.[mKey], phi = row?.[pKey];
    if (typeof m !== "number" || typeof phi !== "number" || !Number.isFinite(m + phi)) {
      throw new TypeError(
        `${context}: row ${i} of history must have numeric ${mKey} and ${pKey} (rows of a torus game's solve()), current value is ${
          show(row)
        }`,
      );
    }
    if (i > 0) {
      const prev = history[i - 1];
      if (m >= minMoment && (prev[mKey] as number) >= minMoment) {
        const d = phi - (prev[pKey] as number);
        w += d - TWO_PI * Math.round(d / TWO_PI);
        counted++;
      }
    }
    rows.push({
      ...(typeof row.solver === "string" ? { solver: row.solver } : {}),
      iteration: typeof row.iteration === "number" ? row.iteration : i,
      evaluations: typeof row.evaluations === "number" ? row.evaluations : null,
      winding: w / TWO_PI,
      re: m * Math.cos(phi),
      im: m * Math.sin(phi),
    });
  });
  return { turns: Math.abs(w) / TWO_PI, winding: w / TWO_PI, counted, rows };
}
