/**
 * The only code in minima that touches `Deno.jupyter`. Everything shown goes through `emit`.
 *
 * Deno's kernel can publish a display after the cell's `status: idle`: `Deno.jupyter.broadcast`
 * only queues the message for the kernel thread, which publishes it when it gets to it, and
 * Jupyter clients stop listening at idle, so an output sent at the very end of a cell is sometimes
 * lost. Measured here: with a 15 ms pause after each display, small outputs were not lost, but
 * 3 MB heatmaps on a loaded machine were (4–12 of 30). So:
 *
 * - `emit` waits after each message for a time that grows with the message's size and with how
 *   late this thread's timers fire (a loaded machine); and
 * - every new output carries `metadata.minima.seq`, a counter of the outputs this kernel has
 *   created, so the notebook runner detects a lost output as a gap in the sequence instead of
 *   passing silently.
 *
 * @module
 */

import { startInterruptWatcher } from "./_interrupt_kernel.ts";

/** A Jupyter MIME bundle: MIME type to data. */
export type MimeBundle = Record<string, unknown>;

/** The shortest wait after a message, in milliseconds. */
export const SETTLE_MS = 15;

/** Extra wait per megabyte of message, in milliseconds (the kernel thread re-encodes it). */
export const SETTLE_MS_PER_MB = 100;

/** The output metadata key under which minima records its sequence number. */
const SEQUENCE_KEY = "minima";

/** The part of `Deno.jupyter` minima uses. */
export type Jupyter = {
  broadcast(
    msgType: string,
    content: Record<string, unknown>,
    extra?: { metadata?: Record<string, unknown> },
  ): Promise<void>;
};

let cached: Jupyter | null | undefined;

/**
 * The kernel's messaging API, or undefined outside `deno jupyter` (where reading `Deno.jupyter`
 * throws).
 */
export function jupyter(): Jupyter | undefined {
  if (cached === undefined) {
    try {
      const j = (Deno as unknown as { jupyter?: Jupyter }).jupyter;
      cached = j && typeof j.broadcast === "function" ? j : null;
    } catch {
      cached = null;
    }
  }
  return cached ?? undefined;
}

/**
 * Replaces the kernel API, for tests that record what would be displayed; undefined restores
 * detection (and restarts the output sequence).
 */
export function setJupyterForTesting(j: Jupyter | undefined): void {
  cached = j;
  sequence = 0;
  sequenceOf.clear();
}

/** Whether this code runs inside a Jupyter kernel. */
export function inKernel(): boolean {
  return jupyter() !== undefined;
}

let sequence = 0;
const sequenceOf = new Map<string, number>();

/** How many outputs this kernel has created through minima so far. */
export function outputsCreated(): number {
  return sequence;
}

/**
 * Sends a MIME bundle to the notebook and waits for it to settle: a new output (`display_data`),
 * or with `update` a replacement of the output created earlier under `displayId`.
 *
 * @param bundle The MIME bundle.
 * @param options `displayId` to create or (with `update`) replace a named output; `metadata`
 *   per MIME type (e.g. the display size of a PNG).
 * @returns Whether it was displayed (false outside a kernel).
 */
export async function emit(
  bundle: MimeBundle,
  options: { displayId?: string; update?: boolean; metadata?: Record<string, unknown> } = {},
): Promise<boolean> {
  const j = jupyter();
  if (!j) return false;
  const id = options.displayId;
  // An update replaces the output's data and metadata: it keeps the output's sequence number.
  // An update of a display this kernel never created would be dropped by the client: it is sent
  // as a new output instead.
  let seq = options.update && id !== undefined ? sequenceOf.get(id) : undefined;
  const update = seq !== undefined;
  if (seq === undefined) {
    seq = ++sequence;
    if (id !== undefined) sequenceOf.set(id, seq);
  }
  const content = {
    data: bundle,
    metadata: { ...options.metadata, [SEQUENCE_KEY]: { seq } },
    transient: id !== undefined ? { display_id: id } : {},
  };
  const msgType = update ? "update_display_data" : "display_data";
  const lateness = await timerLateness();
  await j.broadcast(msgType, content);
  await sleep(settleMs(bundleBytes(bundle), lateness));
  return true;
}

/**
 * How long to wait after a message of `bytes` bytes when this thread's timers fire `lateness`
 * milliseconds late: the base settle plus the size term, both stretched on a loaded machine.
 *
 * @param bytes The message size.
 * @param lateness How late a 1 ms timer fired just before.
 * @returns The wait in milliseconds.
 */
export function settleMs(bytes: number, lateness: number): number {
  const load = 1 + Math.min(9, Math.max(0, lateness) / 2);
  return Math.round((SETTLE_MS + SETTLE_MS_PER_MB * bytes / 1e6) * load);
}

function bundleBytes(bundle: MimeBundle): number {
  let bytes = 0;
  for (const value of Object.values(bundle)) {
    bytes += typeof value === "string" ? value.length : JSON.stringify(value)?.length ?? 0;
  }
  return bytes;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function timerLateness(): Promise<number> {
  const t0 = performance.now();
  await sleep(1);
  return performance.now() - t0 - 1;
}

/**
 * Marks a result object so that, as a cell's last value, the kernel shows nothing for it (the
 * output was already displayed). The marker is a non-enumerable `Symbol.for("Jupyter.display")`
 * method returning an empty bundle, so comparisons and printing ignore it.
 */
export function quiet<T extends object>(value: T): T {
  Object.defineProperty(value, Symbol.for("Jupyter.display"), {
    value: () => ({}),
    enumerable: false,
  });
  return value;
}

let counter = 0;

/** A fresh display id for an output that will be updated in place. */
export function newDisplayId(kind: string): string {
  counter += 1;
  return `minima-${kind}-${Date.now().toString(36)}-${counter}`;
}

// The kernel launcher moves a kernel whose notebook is outside the project to the project folder
// (so "minima" resolves) and says where the notebook is; file I/O goes back to the notebook's
// folder here, once, when the library loads inside that kernel.
if (inKernel()) {
  try {
    const dir = Deno.env.get("MINIMA_NOTEBOOK_DIR");
    if (dir && Deno.cwd() !== dir) Deno.chdir(dir);
  } catch {
    // Without env or read permission the kernel stays where it started.
  }
  // The ■ button stops minima's loops (and other synchronous code) and keeps the kernel.
  startInterruptWatcher();
  announce();
}

/**
 * Says once per kernel, on the first import, which library is in use and which config mapped
 * "minima" to it (a notebook can pick up another folder's deno.json).
 */
function announce(): void {
  const key = Symbol.for("minima.announced");
  const g = globalThis as unknown as Record<symbol, boolean>;
  if (g[key]) return;
  Object.defineProperty(globalThis, key, { value: true, enumerable: false });
  const root = new URL("../../", import.meta.url);
  let where = root.href, version = "";
  try {
    if (root.protocol === "file:") {
      where = decodeURIComponent(root.pathname);
      version = JSON.parse(Deno.readTextFileSync(new URL("deno.json", root))).version ?? "";
    }
  } catch { /* no read permission: the path says enough */ }
  let config = "";
  try {
    config = Deno.env.get("MINIMA_CONFIG") ?? "";
  } catch { /* no env permission */ }
  console.log(
    `minima${version ? ` ${version}` : ""} from ${where}${
      config ? ` ("minima" mapped by ${config})` : ""
    }`,
  );
}
