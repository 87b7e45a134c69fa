/**
 * The interrupt protocol between the kernel and minima's long-running loops, with no
 * dependencies so every layer can use it.
 *
 * A loop calls {@linkcode enterLoop} before its first step, checks {@linkcode interruptRequested}
 * between steps, and on `true` stops cleanly: it returns what it has so far, marked
 * `interrupted: true`, and says so in one line. It calls the returned `exit` in a `finally`. The
 * kernel side (the launcher, on the ■ button) calls {@linkcode requestInterrupt}; it can read
 * {@linkcode activeLoops} to know whether a loop is there to stop at its next step.
 *
 * The state lives on `globalThis` under a registered symbol, so two copies of the library in one
 * process (a notebook importing "minima" and a relative path) share it.
 *
 * @module
 */

interface InterruptState {
  requested: boolean;
  active: number;
}

const KEY = Symbol.for("minima.interrupt");

function state(): InterruptState {
  const g = globalThis as unknown as Record<symbol, InterruptState | undefined>;
  return g[KEY] ??= { requested: false, active: 0 };
}

/** True once an interrupt was requested while a loop runs; loops stop at their next step. */
export function interruptRequested(): boolean {
  return state().requested;
}

/** Asks every running loop to stop at its next step. */
export function requestInterrupt(): void {
  state().requested = true;
}

/** Forgets a pending request. */
export function clearInterrupt(): void {
  state().requested = false;
}

/** How many loops are running now (nested loops count each). */
export function activeLoops(): number {
  return state().active;
}

/**
 * Registers a running loop. The outermost loop clears a stale request first, so an interrupt
 * that arrived while no loop ran does not stop the next one; nested loops keep the request, so
 * an interrupted inner loop stops its outer loop too.
 *
 * @returns The function to call when the loop ends (in a `finally`).
 */
export function enterLoop(): () => void {
  const s = state();
  if (s.active === 0) s.requested = false;
  s.active++;
  let exited = false;
  return () => {
    if (exited) return;
    exited = true;
    s.active = Math.max(0, s.active - 1);
    if (s.active === 0) s.requested = false;
  };
}
