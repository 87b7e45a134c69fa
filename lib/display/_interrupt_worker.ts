/// <reference lib="deno.worker" />
/**
 * The interrupt watcher: a worker thread inside the minima kernel that turns the ■ button (SIGINT
 * in the kernelspec's signal mode) into something that keeps the kernel and its variables. See
 * `_interrupt_kernel.ts` for the whole mechanism; this thread
 *
 * - follows the kernel's IOPub status, to know which cell is running and when it ends;
 * - pings the notebook's thread while a cell runs, to know whether its event loop turns;
 * - on SIGINT, sets the shared interrupt request (read by minima's loops at their next step, even
 *   while the notebook's thread computes), and if after a grace time the notebook's thread is
 *   still busy in code that is not a minima loop, sends the kernel an `interrupt_request` on its
 *   control channel: Deno's kernel then terminates the running JavaScript.
 *
 * @module
 */
import { REQUEST, SLOT } from "../_interrupt.ts";
import { type ConnectionInfo, decodeMessage, encodeMessage, ZmtpConnection } from "./_wire.ts";

/** From the notebook's thread. */
export type ToWatcher =
  | { type: "start"; slots: Int32Array; connection: ConnectionInfo; graceMs: number }
  | { type: "pong" };

/** To the notebook's thread. */
export type FromWatcher =
  | { type: "ready"; iopub: boolean }
  | { type: "ping" }
  | { type: "gc" }
  | { type: "note"; text: string }
  | { type: "cell-ended"; terminated: boolean };

let slots: Int32Array;
let connection: ConnectionInfo;
let graceMs = 1000;

/**
 * The execute_request now running (from IOPub), or undefined when idle. The watcher starts inside
 * the cell that imported minima, and may connect after the next cell's busy went out: until an
 * idle is seen the running cell is UNKNOWN, and any idle ends it.
 */
let cell: string | undefined;
const UNKNOWN = "(unknown)";
/** Whether IOPub is followed (without it, every SIGINT counts as during a cell). */
let following = false;
let lastPong = 0;
let presses = 0;
let terminated = false;
let endWaiters: (() => void)[] = [];

function post(message: FromWatcher): void {
  self.postMessage(message);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function followIopub(): Promise<void> {
  cell = UNKNOWN;
  pingWhileBusy(UNKNOWN);
  const sub = await ZmtpConnection.connect(connection.ip, connection.iopub_port, "SUB");
  following = true;
  (async () => {
    try {
      while (true) {
        const message = decodeMessage(await sub.receive());
        if (!message || message.header.msg_type !== "status") continue;
        const parent = message.parent_header;
        if (parent.msg_type !== "execute_request" || !parent.msg_id) continue;
        const state = message.content.execution_state;
        if (state === "busy") startCell(parent.msg_id);
        else if (state === "idle" && (parent.msg_id === cell || cell === UNKNOWN)) endCell();
      }
    } catch {
      following = false;
    }
  })();
}

function startCell(id: string): void {
  cell = id;
  presses = 0;
  terminated = false;
  pingWhileBusy(id);
}

function endCell(): void {
  // The request made for this cell ends with it: the next cell starts clean.
  Atomics.compareExchange(slots, SLOT.requested, REQUEST.untilCleared, REQUEST.none);
  post({ type: "cell-ended", terminated });
  cell = undefined;
  terminated = false;
  presses = 0;
  for (const wake of endWaiters) wake();
  endWaiters = [];
}

async function pingWhileBusy(id: string): Promise<void> {
  while (cell === id) {
    post({ type: "ping" });
    await sleep(100);
  }
}

/** Resolves when the running cell ends, or after `ms` (true when it ended). */
function cellEnds(ms: number): Promise<boolean> {
  if (following && cell === undefined) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    endWaiters.push(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function sendInterruptRequest(): Promise<boolean> {
  const control = await ZmtpConnection.connect(connection.ip, connection.control_port, "DEALER");
  try {
    await control.send(await encodeMessage(connection.key, "interrupt_request", {}));
    await Promise.race([control.receive(), sleep(2000)]);
    return true;
  } finally {
    control.close();
  }
}

const TERMINATED = "■ interrupted: the cell was stopped; variables defined before it are kept";

async function onInterrupt(): Promise<void> {
  if (following && cell === undefined) return; // nothing runs: nothing to stop
  const id = cell;
  presses++;
  const t0 = performance.now();
  const seen0 = Atomics.load(slots, SLOT.seen);
  Atomics.store(slots, SLOT.requested, REQUEST.untilCleared);
  // A loop that checks the request acknowledges it; an event loop that turns answers the pings.
  while (performance.now() - t0 < graceMs) {
    if (await cellEnds(50)) return;
    if (Atomics.load(slots, SLOT.seen) !== seen0) return; // a minima loop stopped
    if (lastPong > t0) {
      if (Atomics.load(slots, SLOT.active) > 0) return; // a loop sees it at its next step
      if (presses === 1) {
        post({
          type: "note",
          text:
            "■ interrupt: no minima loop is running and this cell is waiting (a timer, a file, the network), which cannot be interrupted; minima loops it starts will stop at once",
        });
      }
      return;
    }
  }
  // The notebook's thread is busy in synchronous code. A minima loop in a long step gets to
  // see the request at the end of the step, unless the button is pressed again.
  if (Atomics.load(slots, SLOT.active) > 0 && presses === 1) return;
  if (cell !== id || terminated) return;
  terminated = true;
  try {
    await sendInterruptRequest();
  } catch (error) {
    terminated = false;
    post({ type: "note", text: `■ interrupt: the kernel could not be asked to stop (${error})` });
    return;
  }
  // Terminated inside a callback (after the cell's first await), the cell's promise is left
  // pending with nothing referring to it: a garbage collection lets the kernel see that it
  // will never settle, and the cell ends. A cell terminated in its first synchronous part ends
  // at once.
  let noted = false;
  for (let k = 0; k < 40 && cell === id; k++) {
    if (await cellEnds(250)) return;
    if (lastPong > t0) {
      if (!noted) post({ type: "note", text: TERMINATED });
      noted = true;
      post({ type: "gc" });
    }
  }
}

self.onmessage = async (event: MessageEvent<ToWatcher>) => {
  const message = event.data;
  if (message.type === "pong") {
    lastPong = performance.now();
    return;
  }
  slots = message.slots;
  connection = message.connection;
  graceMs = message.graceMs;
  let iopub = false;
  if (connection.transport === "tcp") {
    try {
      await followIopub();
      iopub = true;
    } catch { /* without IOPub every SIGINT counts as during a cell */ }
  }
  Deno.addSignalListener("SIGINT", () => {
    onInterrupt().catch(() => {});
  });
  post({ type: "ready", iopub });
};
