/**
 * What every long-running loop in minima shares, whatever its layer: the interrupt protocol of
 * `_interrupt.ts` (enter, check between steps, leave), throttled progress reports through the
 * injected callback, and the one line that says where an interrupted loop stopped. Private to
 * minima; depends on nothing but `_interrupt.ts` and `_types.ts`, so every layer can use it.
 *
 * A loop looks like
 * ```ts ignore
 * const loop = startLoop({ what: "train", total: steps, onProgress });
 * try {
 *   for (let k = 0; k < steps; k++) {
 *     if (await loop.interrupted()) { loop.stopped(k); break; }
 *     // one step
 *     loop.progress(k + 1);
 *   }
 * } finally {
 *   loop.exit();
 * }
 * ```
 *
 * @module
 */
import type { ProgressCallback } from "./_types.ts";
import { enterLoop, interruptRequested } from "./_interrupt.ts";

/**
 * Busy time after which {@linkcode Loop.interrupted} lets the event loop run once (a timer
 * turn, about 2 ms in Deno), so that an interrupt delivered as an event (a signal listener, a
 * kernel message) can set the flag while a loop computes. 2 ms per 200 ms is 1% of the run.
 */
const YIELD_EVERY_MS = 200;

/** How a loop reports. */
export interface LoopOptions {
  /** What runs, in messages: "train", "solveSde". */
  what: string;
  /** Units of work in all (steps, iterations). */
  total: number;
  /** The progress label. */
  label?: string;
  /** Progress, silent when absent. */
  onProgress?: ProgressCallback;
  /**
   * How many progress reports a whole run makes at most (every ⌊total/reports⌋ units, and
   * the last one).
   * @default {100}
   */
  reports?: number;
  /**
   * The unit of work, in messages.
   * @default {"step"}
   */
  unit?: string;
}

/** A running loop: its interrupt check, progress and exit. */
export interface Loop {
  /** Whether an interrupt was requested; now and then lets pending events run first. */
  interrupted(): Promise<boolean>;
  /**
   * Reports progress when due: every ⌊total/reports⌋ units, at the end, or always when
   * `force`.
   */
  progress(done: number, metrics?: Record<string, number>, force?: boolean): void;
  /**
   * Says in one line (console.warn) that the loop was interrupted after `done` units, with
   * what it returns.
   */
  stopped(done: number, returns: string): void;
  /** Leaves the loop; call it in a `finally`. */
  exit(): void;
}

/**
 * Enters a loop: registers it with the interrupt protocol (a stale request from before is
 * forgotten) and returns its helpers.
 *
 * @param options What runs, its size and its progress callback.
 * @returns The loop's helpers; call `exit()` in a `finally`.
 */
export function startLoop(options: LoopOptions): Loop {
  const exit = enterLoop();
  const { what, total, label, onProgress } = options;
  const every = Math.max(1, Math.floor(total / (options.reports ?? 100)));
  const unit = options.unit ?? "step";
  let lastYield = performance.now();
  return {
    async interrupted() {
      const now = performance.now();
      if (now - lastYield >= YIELD_EVERY_MS) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = performance.now();
      }
      return interruptRequested();
    },
    progress(done, metrics, force = false) {
      if (!onProgress || !(force || done % every === 0 || done === total)) return;
      onProgress(metrics ? { done, total, label, metrics } : { done, total, label });
    },
    stopped(done, returns) {
      console.warn(`${what} interrupted after ${unit} ${done} of ${total}; ${returns}`);
    },
    exit,
  };
}
