import type { ProgressCallback, ProgressInfo } from "../_types.ts";
import { emit, inKernel, newDisplayId } from "./_kernel.ts";
import { escapeHtml, formatDuration, formatNumber } from "./_format.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode progressBar}. */
export interface ProgressBarOptions {
  /** What is running. */
  label?: string;
  /** The units of work, when the loop does not report it. */
  total?: number;
  /**
   * The shortest time between two redraws, in milliseconds (terminal lines that are not a TTY:
   * at most one per 10 s).
   * @default {250}
   */
  intervalMs?: number;
}

/** A progress bar; see {@linkcode progressBar}. */
export interface ProgressBar {
  /** Reports progress; fits the `onProgress` hook of minima's long loops. */
  update: ProgressCallback;
  /** Shows the final state (100% unless the loop stopped early). */
  done: () => Promise<void>;
  /** The latest report. */
  readonly last: ProgressInfo | undefined;
}

/**
 * A progress bar for a long loop: live in a notebook (one output redrawn through `display_id`),
 * a single updating line in a terminal, occasional lines in a log. Shows the fraction done, the
 * elapsed time, an estimate of the time left, and the loop's latest metrics.
 *
 * @example
 * ```ts
 * import { progressBar } from "minima";
 * import assert from "node:assert/strict";
 *
 * const bar = await progressBar({ label: "demo" });
 * for (let i = 1; i <= 3; i++) bar.update({ done: i, total: 3, metrics: { loss: 1 / i } });
 * await bar.done();
 * assert.equal(bar.last?.done, 3);
 * ```
 *
 * @param options Label, total and redraw interval.
 * @returns The bar.
 */
export async function progressBar(options: ProgressBarOptions = {}): Promise<ProgressBar> {
  checkCall("progressBar", arguments);
  const minInterval = options.intervalMs ?? 250;
  const kernel = inKernel();
  const tty = !kernel && isTerminal();
  const displayId = newDisplayId("progress");
  const started = performance.now();
  let last: ProgressInfo | undefined;
  let drawnAt = -Infinity;
  let pending: Promise<unknown> = Promise.resolve();
  const draw = (info: ProgressInfo, final: boolean) => {
    const elapsed = (performance.now() - started) / 1000;
    const total = info.total > 0 ? info.total : (options.total ?? 0);
    const fraction = total > 0 ? Math.min(1, info.done / total) : 0;
    const eta = fraction > 0 && !final ? elapsed * (1 - fraction) / fraction : 0;
    const label = info.label ?? options.label ?? "";
    const metrics = Object.entries(info.metrics ?? {}).map(([k, v]) => `${k} ${formatNumber(v)}`)
      .join("  ");
    const counts = `${info.done}/${total || "?"}`;
    const times = final
      ? formatDuration(elapsed)
      : `${formatDuration(elapsed)} < ${formatDuration(eta)}`;
    if (kernel) {
      const html = `<div style="font-family:monospace"><span>${escapeHtml(label)}</span> ` +
        `<progress value="${fraction}" max="1" style="width:220px;vertical-align:middle"></progress> ` +
        `${(fraction * 100).toFixed(0)}% ${counts} ${times} <span style="color:#555">${
          escapeHtml(metrics)
        }</span></div>`;
      const text = `${label} ${textBar(fraction)} ${
        (fraction * 100).toFixed(0)
      }% ${counts} ${times} ${metrics}`.trim();
      pending = pending.then(() =>
        emit({ "text/html": html, "text/plain": text }, { displayId, update: true })
      );
    } else {
      const line = `${label} ${textBar(fraction)} ${
        (fraction * 100).toFixed(0).padStart(3)
      }% ${counts} ${times} ${metrics}`
        .trim();
      if (tty) {
        Deno.stderr.writeSync(new TextEncoder().encode(`\r\x1b[2K${line}${final ? "\n" : ""}`));
      } else {
        console.error(line);
      }
    }
  };
  if (kernel) {
    await emit({ "text/plain": `${options.label ?? ""} starting` }, { displayId });
  }
  const logInterval = kernel || tty ? minInterval : 10_000;
  return {
    update: (info: ProgressInfo) => {
      last = info;
      const now = performance.now();
      if (now - drawnAt >= logInterval) {
        drawnAt = now;
        draw(info, false);
      }
    },
    done: async () => {
      draw(last ?? { done: options.total ?? 0, total: options.total ?? 0 }, true);
      await pending;
    },
    get last() {
      return last;
    },
  };
}

function textBar(fraction: number, width = 24): string {
  const full = Math.round(fraction * width);
  return `[${"#".repeat(full)}${".".repeat(width - full)}]`;
}

function isTerminal(): boolean {
  try {
    return Deno.stderr.isTerminal();
  } catch {
    return false;
  }
}
