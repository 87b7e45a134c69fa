import type { ProgressCallback, Row, RowCallback } from "../_types.ts";
import { startLoop } from "../_loop.ts";
import { Rng, type RngState, type Seed } from "../random/mod.ts";
import type { Domain } from "./domain.ts";
import type { Game } from "./game.ts";
import type { GameGrid } from "./game_grid.ts";
import type { GridEquilibrium } from "./grid_solver.ts";
import type { KernelDensityOptions } from "./kernel_density.ts";
import type { ParticleMeasure } from "./particle_measure.ts";
import { particleNikaidoIsoda } from "./particle_nikaido_isoda.ts";
import { histogramDistance } from "./histogram_distance.ts";
import { checkDomain, checkPositions, checkPositiveInteger, show } from "./_checks.ts";
import { domainLabel, sampleDomain } from "./_domain_ops.ts";
import { defaultBins } from "./_grid_ops.ts";
import { checkCall } from "../_checks.ts";

/** The explicit state of a particle solver: both players' particles and the noise stream. */
export interface ParticleGameState {
  /** The x particles, row-major [n, game.x.dim]. */
  readonly x: Float64Array;
  /** The y particles, row-major [m, game.y.dim]. */
  readonly y: Float64Array;
  /** Outer iterations taken. */
  readonly iteration: number;
  /** Mean-field force evaluations so far (each one all-pairs pass): the cost measure. */
  readonly evaluations: number;
  /** The generator state for the next noise draws. */
  readonly rng: RngState;
}

/** Where a particle solver starts. */
export interface ParticleInitOptions {
  /**
   * The x particles: a measure, or a count drawn by the domain's default (uniform on the torus
   * and the sphere, normal in R^d).
   * @default {500}
   */
  x?: ParticleMeasure | number;
  /**
   * The y particles, likewise.
   * @default {500}
   */
  y?: ParticleMeasure | number;
  /**
   * The seed of the initial draws (for counts) and of the Langevin noise.
   * @default {0}
   */
  seed?: Seed;
}

/** A recorded snapshot of both players' particles. */
export interface GameFrame {
  /** The solver's name. */
  solver: string;
  /** The outer iteration. */
  iteration: number;
  /** Force evaluations so far. */
  evaluations: number;
  /** The x particles (a copy). */
  x: Float64Array;
  /** The y particles (a copy). */
  y: Float64Array;
}

/**
 * One recorded row of a particle solver's `solve`, typed: the columns it always writes, those it
 * writes with a reference or a grid, and the caller's metrics `M`.
 */
export type GameRow<M extends Record<string, number> = Record<never, never>> =
  & {
    /** The solver's name. */
    solver: string;
    /** Outer iterations taken. */
    iteration: number;
    /** Mean-field force evaluations so far. */
    evaluations: number;
    /**
     * |E e^{iθ}| of the x player's first angle on the torus (0 for the uniform measure), the
     * mean of its first coordinate elsewhere.
     */
    momentX: number;
    /** The same for the y player. */
    momentY: number;
    /** The angle of E e^{iθ} of the x player (torus only; a steadily turning phase is cycling). */
    phaseX?: number;
    /** The same for the y player (torus only). */
    phaseY?: number;
    /** The Nikaidô–Isoda error of the kernel density estimates (with a grid or reference). */
    ni?: number;
    /** Its x part, T·KL(p ‖ p*(q)) (with a grid or reference). */
    gapX?: number;
    /** Its y part, T·KL(q ‖ q*(p)) (with a grid or reference). */
    gapY?: number;
    /** Total variation of the x histogram from the reference equilibrium (with a reference). */
    tvX?: number;
    /** The same for y (with a reference). */
    tvY?: number;
    /** What exact samples of the reference would give for tvX (with a reference). */
    tvFloorX?: number;
    /** The same for tvY (with a reference). */
    tvFloorY?: number;
  }
  & M
  & Row;

/** Options for a particle solver's `solve`. */
export interface SolveGameOptions<M extends Record<string, number> = Record<never, never>>
  extends ParticleInitOptions {
  /**
   * Outer iterations.
   * @default {200}
   */
  iterations?: number;
  /**
   * Start from this state instead of `init(options)`.
   * @default {init(options)}
   */
  initial?: ParticleGameState;
  /**
   * Record a row (and a frame) every this many iterations, and at the start and the end.
   * @default {max(1, round(iterations / 50))}
   */
  every?: number;
  /**
   * The grid equilibrium to compare with: adds `ni`, `gapX`, `gapY` (the Nikaidô–Isoda error of
   * the kernel density estimates, see particleNikaidoIsoda), `tvX`, `tvY` (total variation
   * between particle histograms and the equilibrium) and `tvFloorX`, `tvFloorY` (what exact
   * samples would give) to every row.
   */
  reference?: GridEquilibrium;
  /**
   * Bins per axis of the histograms behind `tvX`, `tvY` (see histogramDistance).
   * @default {the largest divisor of the grid's points per axis up to 32 in 1-D, 16 in 2-D}
   */
  histogramBins?: number | readonly number[];
  /**
   * A game grid for `ni` without a reference equilibrium (ignored when `reference` is given).
   */
  grid?: GameGrid;
  /**
   * The kernel width of the density estimates behind `ni`.
   * @default {"cv"}
   */
  bandwidth?: KernelDensityOptions["bandwidth"];
  /** Extra numbers for each row, computed from the state (e.g. a GAN's mode coverage). */
  metrics?: (state: ParticleGameState) => M | Promise<M>;
  /**
   * Keep every recorded frame in the result (they are always passed to `onFrame`).
   * @default {false}
   */
  keepFrames?: boolean;
  /** Progress, silent by default. */
  onProgress?: ProgressCallback;
  /** Receives each recorded row (awaited): a live chart's push. */
  onRecord?: RowCallback;
  /** Receives each recorded frame (awaited): for live histograms or scatter plots. */
  onFrame?: (frame: GameFrame) => void | Promise<void>;
}

/** What a particle solver's `solve` returns. */
export interface GameRun<M extends Record<string, number> = Record<never, never>> {
  /** The solver's name. */
  solver: string;
  /** The last state. */
  state: ParticleGameState;
  /**
   * Rows {solver, iteration, evaluations, momentX, momentY, [phaseX, phaseY], [ni, gapX, gapY],
   * [tvX, tvY, tvFloorX, tvFloorY], ...metrics}. momentX is |E e^{iθ}| of the first angle on the torus (0 for the
   * uniform measure), and the mean of the first coordinate elsewhere; phaseX is the angle of
   * E e^{iθ} (torus only; a steadily turning phase is cycling).
   */
  history: GameRow<M>[];
  /** The recorded frames, if `keepFrames`. */
  frames: GameFrame[];
  /**
   * Whether the solve stopped early on an interrupt (the notebook's stop button): `state` is
   * where it stopped, `history` and `frames` hold the records made before it.
   */
  interrupted?: boolean;
}

/** A particle solver for a game: an init/update pair with explicit state and a solve loop. */
export interface ParticleSolver {
  /** "quasistatic" or "descent-ascent". */
  readonly name: string;
  /** The game it solves. */
  readonly game: Game;
  /** The initial state. */
  init(options?: ParticleInitOptions): ParticleGameState;
  /** One outer iteration; pure (a new state, the argument untouched). */
  update(state: ParticleGameState): Promise<ParticleGameState>;
  /** Runs `iterations` updates, recording rows (with the metrics' columns) and frames. */
  solve<M extends Record<string, number> = Record<never, never>>(
    options?: SolveGameOptions<M>,
  ): Promise<GameRun<M>>;
}

/** The step of one solver, given the game, a generator positioned at the state's stream. */
export type ParticleStep = (
  state: ParticleGameState,
  rng: Rng,
) => Promise<{ x: Float64Array; y: Float64Array; evaluations: number }>;

/**
 * Builds a {@linkcode ParticleSolver} from its step: init, update and the shared solve loop
 * (rows, frames, metrics, progress). The step receives the state and a generator positioned at
 * the state's noise stream, and returns the new particles and the force evaluations it used.
 *
 * @example Noiseless best-response-free descent–ascent, as a custom solver
 * ```ts
 * import { mathjsGame, particleSolver } from "minima";
 * import assert from "node:assert/strict";
 *
 * const game = mathjsGame("cos(x - y)");
 * const gda = particleSolver("gda", game, async (s) => {
 *   const fx = await game.fieldX(s.x, s.y), fy = await game.fieldY(s.x, s.y);
 *   return { x: s.x.map((v, i) => v - 0.1 * fx[i]), y: s.y.map((v, j) => v + 0.1 * fy[j]), evaluations: 2 };
 * });
 * const run = await gda.solve({ x: 4, y: 4, iterations: 3, seed: 1 });
 * assert.equal(run.state.evaluations, 6);
 * ```
 *
 * @param name The solver's name.
 * @param game The game.
 * @param step One outer iteration.
 * @returns The solver.
 */
export function particleSolver(name: string, game: Game, step: ParticleStep): ParticleSolver {
  checkCall("particleSolver", arguments);
  const init = (options: ParticleInitOptions = {}): ParticleGameState => {
    const context = `Cannot start ${name}`;
    const seed = options.seed ?? 0;
    const rng = new Rng(seed);
    const draw = (value: ParticleMeasure | number | undefined, player: "x" | "y") => {
      const domain = game[player];
      if (value === undefined || typeof value === "number") {
        checkPositiveInteger(value ?? 500, `options.${player}`, context);
        return sampleDomain(domain, value ?? 500, rng.fork());
      }
      if (value === null || typeof value !== "object") {
        throw new TypeError(
          `${context}: options.${player} must be a particle count or a ParticleMeasure, current value is ${
            show(value)
          }`,
        );
      }
      checkDomain(value.domain, `options.${player}.domain`, context);
      if (!sameDomain(value.domain, domain)) {
        throw new TypeError(
          `${context}: options.${player} lives on ${
            domainLabel(value.domain)
          }, but the game's ${player} player plays on ${
            domainLabel(domain)
          }; draw the particles with particleMeasure(game.${player}, count)`,
        );
      }
      return Float64Array.from(
        checkPositions(value.positions, domain.dim, `options.${player}.positions`, context),
      );
    };
    const x = draw(options.x, "x"), y = draw(options.y, "y");
    return { x, y, iteration: 0, evaluations: 0, rng: rng.fork().getState() };
  };
  const update = async (state: ParticleGameState): Promise<ParticleGameState> => {
    const context = `Cannot update ${name}`;
    if (state === null || typeof state !== "object") {
      throw new TypeError(
        `${context}: state must come from init() or update(), current value is ${show(state)}`,
      );
    }
    checkPositions(state.x, game.x.dim, "state.x", context);
    checkPositions(state.y, game.y.dim, "state.y", context);
    const rng = new Rng(0);
    rng.setState(state.rng);
    const next = await step(state, rng);
    return {
      x: next.x,
      y: next.y,
      iteration: state.iteration + 1,
      evaluations: state.evaluations + next.evaluations,
      rng: rng.getState(),
    };
  };
  const solve = async <M extends Record<string, number> = Record<never, never>>(
    options: SolveGameOptions<M> = {},
  ): Promise<GameRun<M>> => {
    const context = `Cannot solve with ${name}`;
    const iterations = options.iterations ?? 200;
    checkPositiveInteger(iterations, "options.iterations", context);
    const every = options.every ?? Math.max(1, Math.round(iterations / 50));
    checkPositiveInteger(every, "options.every", context);
    const reference = options.reference;
    const grid = reference?.grid ?? options.grid;
    if (grid !== undefined && grid.game !== game) {
      throw new TypeError(
        `${context}: options.${reference ? "reference" : "grid"} was computed for another game (${
          show(grid.game?.description)
        }); build it with gameGrid(solver.game)`,
      );
    }
    let state = options.initial ?? init(options);
    const history: GameRow<M>[] = [];
    const frames: GameFrame[] = [];
    const record = async () => {
      const row: Row = {
        solver: name,
        iteration: state.iteration,
        evaluations: state.evaluations,
        ...moments(game.x, state.x, "X"),
        ...moments(game.y, state.y, "Y"),
      };
      if (grid !== undefined) {
        const ni = particleNikaidoIsoda(grid, state.x, state.y, { bandwidth: options.bandwidth });
        row.ni = ni.value;
        row.gapX = ni.gapX;
        row.gapY = ni.gapY;
      }
      if (reference !== undefined) {
        const hx = histogramDistance(grid!.x, state.x, reference.p, {
          bins: options.histogramBins ?? defaultBins(grid!.x.shape),
        });
        const hy = histogramDistance(grid!.y, state.y, reference.q, {
          bins: options.histogramBins ?? defaultBins(grid!.y.shape),
        });
        row.tvX = hx.totalVariation;
        row.tvY = hy.totalVariation;
        row.tvFloorX = hx.floor;
        row.tvFloorY = hy.floor;
      }
      if (options.metrics) Object.assign(row, await options.metrics(state));
      history.push(row as GameRow<M>);
      await options.onRecord?.(row);
      const frame: GameFrame = {
        solver: name,
        iteration: state.iteration,
        evaluations: state.evaluations,
        x: Float64Array.from(state.x),
        y: Float64Array.from(state.y),
      };
      if (options.keepFrames) frames.push(frame);
      await options.onFrame?.(frame);
      options.onProgress?.({
        done: state.iteration - (options.initial?.iteration ?? 0),
        total: iterations,
        label: name,
        metrics: Object.fromEntries(
          Object.entries(row).filter(([, v]) => typeof v === "number"),
        ) as Record<string, number>,
      });
    };
    const loop = startLoop({ what: `${name} solve`, total: iterations, unit: "iteration" });
    let interrupted = false;
    try {
      await record();
      for (let t = 1; t <= iterations; t++) {
        if (loop.interrupted()) {
          interrupted = true;
          loop.stopped(t - 1, `returning its state there and the ${history.length} rows so far`);
          break;
        }
        state = await update(state);
        if (t % every === 0 || t === iterations) await record();
      }
    } finally {
      loop.exit();
    }
    return { solver: name, state, history, frames, interrupted };
  };
  return { name, game, init, update, solve };
}

function sameDomain(a: Domain, b: Domain): boolean {
  return a.kind === b.kind && a.dim === b.dim;
}

/** momentX (and phaseX on the torus) of a player's particles. */
function moments(domain: Domain, positions: Float64Array, suffix: string): Row {
  const d = domain.dim, n = positions.length / d;
  if (domain.kind === "torus") {
    let c = 0, s = 0;
    for (let i = 0; i < n; i++) {
      c += Math.cos(positions[i * d]);
      s += Math.sin(positions[i * d]);
    }
    return { [`moment${suffix}`]: Math.hypot(c, s) / n, [`phase${suffix}`]: Math.atan2(s, c) };
  }
  let m = 0;
  for (let i = 0; i < n; i++) m += positions[i * d];
  return { [`moment${suffix}`]: m / n };
}
