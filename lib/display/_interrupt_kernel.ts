/**
 * The ■ button in the minima kernel: an interrupt that keeps the kernel and its variables.
 *
 * Deno's kernel (2.9) exits on SIGINT, losing every variable, and its message-mode interrupt
 * terminates whatever JavaScript runs next: a synchronous loop ends cleanly, but a cell that has
 * awaited once is left waiting forever for a promise that will never settle. So minima's
 * kernelspec keeps signal mode, its launcher starts Deno with SIGINT ignored, and when the
 * library is imported inside the kernel it starts a watcher thread (`_interrupt_worker.ts`) that
 * listens for SIGINT and decides:
 *
 * - **A minima loop runs** (`train`, `solveSde`, the solvers...): the shared request of
 *   `lib/_interrupt.ts` is set; the loop stops at its next step and returns its partial results
 *   (marked `interrupted: true`) with one line saying where it stopped. The request stays set
 *   until the cell ends, so the rest of the cell runs but every minima loop it starts returns at
 *   once; the next cell starts clean.
 * - **Synchronous code that is not a minima loop** (the notebook's thread does not answer for a
 *   second): the watcher sends the kernel an `interrupt_request` on its own control channel, and
 *   Deno's kernel terminates the running JavaScript. The cell ends with an error; variables
 *   defined before stay. If the cell had awaited before (the code ran in a callback), its
 *   promise is left pending with nothing referring to it; the watcher has a garbage collection
 *   run, after which the kernel sees that the promise was collected and ends the cell. A
 *   terminated cell skips its `finally` blocks: the loop count and tfjs's scope stack are reset
 *   when it ends, and tensors it held stay allocated (`tf.memory()` shows them).
 * - **A minima loop in one long synchronous step**: the first press waits for the step to end;
 *   a second press terminates it as above.
 * - **A cell waiting on a timer, a file or the network** with no minima loop: nothing can stop
 *   the wait; a note says so, and minima loops started after it return at once.
 *
 * `MINIMA_INTERRUPT=off` leaves SIGINT to Deno (which exits).
 *
 * @module
 */
import { interruptSlots, SLOT } from "../_interrupt.ts";
import type { ConnectionInfo } from "./_wire.ts";
import type { FromWatcher, ToWatcher } from "./_interrupt_worker.ts";

/** How long the notebook's thread may stay silent before its synchronous code is terminated. */
export const INTERRUPT_GRACE_MS = 1000;

const STARTED = Symbol.for("minima.interrupt.watcher");

/**
 * Starts the interrupt watcher once per kernel process (a second copy of the library finds the
 * first one's). Does nothing when the kernel's connection file cannot be found.
 *
 * @returns Whether a watcher runs now.
 */
export function startInterruptWatcher(): boolean {
  const g = globalThis as unknown as Record<symbol, boolean | undefined>;
  if (g[STARTED]) return true;
  if (env("MINIMA_INTERRUPT") === "off") return false;
  const connection = readConnection();
  if (!connection) return false;
  let worker: Worker;
  try {
    worker = new Worker(new URL("./_interrupt_worker.ts", import.meta.url).href, {
      type: "module",
    });
  } catch {
    return false;
  }
  Object.defineProperty(globalThis, STARTED, { value: true, enumerable: false });
  worker.onmessage = (event: MessageEvent<FromWatcher>) => {
    const message = event.data;
    switch (message.type) {
      case "ping":
        worker.postMessage({ type: "pong" } satisfies ToWatcher);
        break;
      case "gc":
        collectGarbage();
        break;
      case "note":
        console.warn(message.text);
        break;
      case "cell-ended":
        if (message.terminated) repairAfterTermination();
        break;
    }
  };
  worker.postMessage(
    {
      type: "start",
      slots: interruptSlots(),
      connection,
      graceMs: INTERRUPT_GRACE_MS,
    } satisfies ToWatcher,
  );
  return true;
}

/** The kernel's connection file: from the launcher, or from this process's command line. */
function readConnection(): ConnectionInfo | undefined {
  let path = env("MINIMA_CONNECTION_FILE");
  if (!path) {
    try {
      const args = Deno.readTextFileSync("/proc/self/cmdline").split("\0");
      const at = args.indexOf("--conn");
      if (at >= 0) path = args[at + 1];
    } catch { /* not Linux, or no read permission */ }
  }
  if (!path) return undefined;
  try {
    const info = JSON.parse(Deno.readTextFileSync(path)) as ConnectionInfo;
    return typeof info.control_port === "number" && typeof info.iopub_port === "number"
      ? info
      : undefined;
  } catch {
    return undefined;
  }
}

let gc: (() => void) | undefined;

/** A full garbage collection: `gc` when V8 exposes it, else exposed on demand through node:v8. */
async function collectGarbage(): Promise<void> {
  try {
    if (!gc) {
      const exposed = (globalThis as { gc?: () => void }).gc;
      if (typeof exposed === "function") gc = exposed;
      else {
        const v8 = await import("node:v8");
        const vm = await import("node:vm");
        v8.setFlagsFromString("--expose-gc");
        gc = vm.runInNewContext("gc") as () => void;
      }
    }
    gc();
  } catch { /* the kernel collects on its own schedule then */ }
}

/** After a terminated cell: its loops never ran their `finally`, nor did tfjs's scopes. */
function repairAfterTermination(): void {
  const slots = interruptSlots();
  Atomics.store(slots, SLOT.active, 0);
  const engine = (globalThis as { _tfengine?: { state?: Record<string, unknown> } })._tfengine;
  const state = engine?.state;
  if (state) {
    state.scopeStack = [];
    state.activeScope = null;
    state.activeTape = null;
    state.gradientDepth = 0;
    state.kernelDepth = 0;
    state.numDataMovesStack = [];
  }
}

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}
