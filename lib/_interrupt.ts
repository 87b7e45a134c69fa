/**
 * The interrupt protocol between the kernel and minima's long-running loops, with no
 * dependencies so every layer can use it.
 *
 * A loop calls {@linkcode enterLoop} before its first step, checks {@linkcode interruptRequested}
 * between steps, and on `true` stops cleanly: it returns what it has so far, marked
 * `interrupted: true`, and says so in one line. It calls the returned `exit` in a `finally`. The
 * kernel side (the ■ button, see `display/_interrupt_kernel.ts`) requests an interrupt for the
 * running cell; it can read {@linkcode activeLoops} to know whether a loop is there to stop at its
 * next step.
 *
 * The state lives in a small shared memory block on `globalThis` under a registered symbol, so two
 * copies of the library in one process (a notebook importing "minima" and a relative path) share
 * it, and the kernel's watcher thread sets and reads it while the notebook's thread computes: a
 * loop sees a request at its next check even if it never yields to the event loop.
 *
 * @module
 */

/** Slots of the shared state (Int32 each): see {@linkcode interruptSlots}. */
export const SLOT = { requested: 0, active: 1, seen: 2 } as const;
const REQUESTED = SLOT.requested;
const ACTIVE = SLOT.active;
const SEEN = SLOT.seen;

/** Values of the `requested` slot: none, a request that ends with the loops, one kept until cleared. */
export const REQUEST = { none: 0, untilLoopsEnd: 1, untilCleared: 2 } as const;
const NONE = REQUEST.none;
const UNTIL_LOOPS_END = REQUEST.untilLoopsEnd;
const UNTIL_CLEARED = REQUEST.untilCleared;

const KEY = Symbol.for("minima.interrupt.shared");

/**
 * The shared state: Int32 slots `[requested, active, seen]`. `requested` is 0 (none), 1 (a
 * request that the outermost loop's exit forgets) or 2 (a request kept until
 * {@linkcode clearInterrupt}: the kernel's, for the rest of the interrupted cell); `active` counts
 * running loops; `seen` counts the checks that returned true (the kernel's acknowledgement).
 *
 * @returns The Int32 view over the shared block (a SharedArrayBuffer where available).
 */
export function interruptSlots(): Int32Array {
  const g = globalThis as unknown as Record<symbol, Int32Array | undefined>;
  let slots = g[KEY];
  if (!slots) {
    const Buffer = typeof SharedArrayBuffer === "function" ? SharedArrayBuffer : ArrayBuffer;
    slots = new Int32Array(new Buffer(4 * Int32Array.BYTES_PER_ELEMENT));
    Object.defineProperty(globalThis, KEY, { value: slots, enumerable: false });
  }
  return slots;
}

/** True once an interrupt was requested while a loop runs; loops stop at their next step. */
export function interruptRequested(): boolean {
  const slots = interruptSlots();
  if (Atomics.load(slots, REQUESTED) === NONE) return false;
  Atomics.add(slots, SEEN, 1);
  return true;
}

/**
 * Asks every running loop to stop at its next step. The request ends when the outermost loop
 * exits; with `untilCleared` it stays until {@linkcode clearInterrupt} (every loop started
 * meanwhile stops at once: the kernel uses it for the rest of an interrupted cell).
 *
 * @param untilCleared Keep the request after the loops end.
 */
export function requestInterrupt(untilCleared = false): void {
  const slots = interruptSlots();
  if (untilCleared) Atomics.store(slots, REQUESTED, UNTIL_CLEARED);
  else Atomics.compareExchange(slots, REQUESTED, NONE, UNTIL_LOOPS_END);
}

/** Forgets a pending request. */
export function clearInterrupt(): void {
  Atomics.store(interruptSlots(), REQUESTED, NONE);
}

/** How many loops are running now (nested loops count each). */
export function activeLoops(): number {
  return Atomics.load(interruptSlots(), ACTIVE);
}

/**
 * Registers a running loop. The outermost loop forgets a stale request first, so an interrupt
 * that arrived while no loop ran does not stop the next one (a request kept until cleared, the
 * kernel's for an interrupted cell, stays); nested loops keep the request, so an interrupted
 * inner loop stops its outer loop too.
 *
 * @returns The function to call when the loop ends (in a `finally`).
 */
export function enterLoop(): () => void {
  const slots = interruptSlots();
  if (Atomics.load(slots, ACTIVE) === 0) {
    Atomics.compareExchange(slots, REQUESTED, UNTIL_LOOPS_END, NONE);
  }
  Atomics.add(slots, ACTIVE, 1);
  let exited = false;
  return () => {
    if (exited) return;
    exited = true;
    const left = Atomics.sub(slots, ACTIVE, 1) - 1;
    if (left <= 0) {
      Atomics.store(slots, ACTIVE, 0);
      Atomics.compareExchange(slots, REQUESTED, UNTIL_LOOPS_END, NONE);
    }
  };
}
