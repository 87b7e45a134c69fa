/**
 * The memory limit: the most bytes one allocation that minima can size in advance may take (a
 * model's parameters, an SDE's time grid, particle arrays). Above it minima refuses with a
 * RangeError that names the size, instead of allocating gigabytes or failing inside the engine
 * ("Invalid array length"). The limit is a quarter of the machine's memory (4 GB when minima may
 * not read it): one allocation larger than that is almost always a mistyped size, `MINIMA_MEMORY_LIMIT` in the environment (bytes, or with a unit: `32GB`, `64GiB`),
 * or what {@linkcode setMemoryLimit} sets.
 *
 * @module
 */
import { checkCall } from "../_checks.ts";

/** 4 GB: the limit when the machine's memory cannot be read. */
const FALLBACK = 4e9;

let limit: number | undefined;

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** Bytes from "32GB", "64 GiB" or "3.2e10"; undefined when it is not such a size. */
function parseBytes(text: string): number | undefined {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?(?:e[0-9]+)?)\s*([kmgt]i?b|b)?\s*$/i.exec(text);
  if (!m) return undefined;
  const bytes = Number(m[1]) * UNITS[(m[2] ?? "").toLowerCase()];
  return bytes > 0 && Number.isFinite(bytes) ? bytes : undefined;
}

function granted(descriptor: Deno.PermissionDescriptor): boolean {
  try {
    return Deno.permissions.querySync(descriptor).state === "granted";
  } catch {
    return false;
  }
}

/** The default: the environment's MINIMA_MEMORY_LIMIT, else a quarter of the machine's memory. */
function defaultLimit(): number {
  if (granted({ name: "env", variable: "MINIMA_MEMORY_LIMIT" })) {
    const text = Deno.env.get("MINIMA_MEMORY_LIMIT");
    if (text !== undefined && text.trim() !== "") {
      const bytes = parseBytes(text);
      if (bytes === undefined) {
        throw new RangeError(
          `Cannot read MINIMA_MEMORY_LIMIT: it must be a number of bytes, optionally with a unit (32GB, 64GiB, 3.2e10), current value is ${
            JSON.stringify(text)
          }`,
        );
      }
      return bytes;
    }
  }
  if (granted({ name: "sys", kind: "systemMemoryInfo" })) {
    try {
      return Deno.systemMemoryInfo().total / 4;
    } catch {
      // Fall through to the fixed limit.
    }
  }
  return FALLBACK;
}

/**
 * The memory limit in bytes: the most that one allocation minima can size in advance may take.
 *
 * @example
 * ```ts
 * import { memoryLimit } from "minima";
 * import assert from "node:assert/strict";
 *
 * assert.ok(memoryLimit() > 0);
 * ```
 *
 * @returns The limit in bytes.
 */
export function memoryLimit(): number {
  checkCall("memoryLimit", arguments);
  limit ??= defaultLimit();
  return limit;
}

/**
 * Sets the memory limit (bytes), to allow a larger model or grid than a quarter of the machine's
 * memory, or to fail early on a smaller budget; `undefined` restores the default
 * (`MINIMA_MEMORY_LIMIT`, else a quarter of the machine's memory).
 *
 * @example Allowing a larger model, then restoring the default
 * ```ts
 * import { memoryLimit, mlp, setMemoryLimit } from "minima";
 * import assert from "node:assert/strict";
 *
 * setMemoryLimit(1e6); // 1 MB: a 784-512-10 MLP's 1.6 MB of parameters is refused
 * assert.throws(() => mlp([784, 512, 10]).init(0), /above the memory limit of 1 MB/);
 * setMemoryLimit(undefined);
 * assert.ok(memoryLimit() > 1e6);
 * ```
 *
 * @param bytes The new limit in bytes (a positive number), or undefined for the default.
 */
export function setMemoryLimit(bytes: number | undefined): void {
  checkCall("setMemoryLimit", arguments);
  if (bytes !== undefined && (typeof bytes !== "number" || !(bytes > 0))) {
    throw new RangeError(
      `Cannot set the memory limit: bytes must be a positive number (or undefined for the default), current value is ${bytes}`,
    );
  }
  limit = bytes;
}

/** Bytes as "8.6 GB", "512 MB" (decimal units, 2 significant digits). */
export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let i = 0, v = bytes;
  while (v >= 1000 && i < units.length - 1) v /= 1000, i++;
  return `${Number(v.toPrecision(2))} ${units[i]}`;
}

/**
 * Refuses an allocation of `bytes` above the memory limit, before it is made: a RangeError that
 * starts with `Cannot ${what}`, names the size and `detail` (what takes it), and says how to
 * raise the limit. Private to minima (through `backend/_internal.ts`).
 *
 * @param bytes The estimated size.
 * @param what The action, e.g. "initialize the MLP".
 * @param detail What takes the bytes, e.g. "its 2,147,534,281 float32 parameters".
 * @param smaller How to need less, e.g. "use narrower layers".
 */
export function checkAllocation(
  bytes: number,
  what: string,
  detail: string,
  smaller: string,
): void {
  const max = memoryLimit();
  if (bytes <= max) return;
  throw new RangeError(
    `Cannot ${what}: ${detail} need ${formatBytes(bytes)}, above the memory limit of ${
      formatBytes(max)
    }; ${smaller}, or raise the limit with setMemoryLimit(bytes) (or MINIMA_MEMORY_LIMIT=64GB in the environment)`,
  );
}
