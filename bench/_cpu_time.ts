/**
 * The CPU time of this process (`clock_gettime(CLOCK_PROCESS_CPUTIME_ID)` through Deno's FFI), for
 * benchmarks on a shared machine: it does not count the time spent waiting for a core, which wall
 * time on a loaded machine does, and unlike the main thread's CPU time it counts the work of every
 * thread (the BLAS's, and V8's garbage collector and compilers, which run beside the main thread
 * and are part of what minima costs). Linux only.
 *
 * @module
 */

const CLOCK_PROCESS_CPUTIME_ID = 2;

let clock: (() => number) | null | undefined;

/**
 * A reader of this process's CPU time in milliseconds, or null where it is unavailable (not
 * Linux, no FFI permission).
 *
 * @returns The reader, or null.
 */
export function processCpuClock(): (() => number) | null {
  if (clock !== undefined) return clock;
  clock = null;
  if (Deno.build.os !== "linux") return clock;
  try {
    const lib = Deno.dlopen("libc.so.6", {
      clock_gettime: { parameters: ["i32", "buffer"], result: "i32" },
    });
    const ts = new BigInt64Array(2);
    clock = () => {
      lib.symbols.clock_gettime(CLOCK_PROCESS_CPUTIME_ID, ts);
      return Number(ts[0]) * 1e3 + Number(ts[1]) / 1e6;
    };
  } catch {
    clock = null;
  }
  return clock;
}

/**
 * Times `fn` `repeats` times after `warmup` calls: medians of the wall time and of the process's
 * CPU time (NaN where unavailable), in ms.
 *
 * @param fn The operation (awaited).
 * @param options Repeats and warm-up calls.
 * @returns The medians.
 */
export async function medianWallAndCpu(
  fn: () => unknown | Promise<unknown>,
  options: { repeats?: number; warmup?: number } = {},
): Promise<{ ms: number; cpuMs: number }> {
  const repeats = options.repeats ?? 5;
  const cpu = processCpuClock();
  for (let i = 0; i < (options.warmup ?? 1); i++) await fn();
  const wall: number[] = [], cpus: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const c0 = cpu ? cpu() : NaN;
    const t0 = performance.now();
    await fn();
    wall.push(performance.now() - t0);
    cpus.push(cpu ? cpu() - c0 : NaN);
  }
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  return { ms: median(wall), cpuMs: median(cpus) };
}
