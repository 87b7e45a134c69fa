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
 *     if (loop.interrupted()) { loop.stopped(k, "returning the steps so far"); break; }
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
  /**
   * Whether an interrupt was requested. The kernel's watcher sets the request from another
   * thread, so a loop sees it here without yielding to the event loop.
   */
  interrupted(): boolean;
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
  return {
    interrupted: interruptRequested,
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
