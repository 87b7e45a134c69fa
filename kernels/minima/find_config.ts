/**
 * Which configuration the minima kernel starts with, for `launch.sh`: the `deno.json` (or
 * `deno.jsonc`) Deno would find from the notebook's folder, if its import map has an entry named
 * exactly "minima"; otherwise the project's. Prints `config<TAB><path><TAB><target>` for the
 * first case and `project` for the second.
 *
 * A mention of "minima" anywhere else in the file (a comment, a name, another import such as
 * "minima-extra") does not count: the JSON (with comments and trailing commas, as Deno reads
 * it) is parsed, and the key must be "minima" itself.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";

/** What the kernel starts with. */
export type KernelConfig =
  | { kind: "config"; path: string; target: string }
  | { kind: "project" };

/**
 * Parses JSON with comments (`//`, `/* *\/`) and trailing commas, as Deno reads deno.jsonc.
 *
 * @param text The file's text.
 * @returns The value.
 */
export function parseJsonc(text: string): unknown {
  // One pass, aware of strings: comments are dropped, and a comma whose next significant
  // character closes an object or array is dropped too.
  let out = "";
  let pendingComma = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 2;
      continue;
    }
    if (/\s/.test(c)) {
      out += c;
      i++;
      continue;
    }
    if (pendingComma) {
      if (c !== "}" && c !== "]") out += ",";
      pendingComma = false;
    }
    if (c === ",") {
      pendingComma = true;
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  if (pendingComma) out += ",";
  return JSON.parse(out);
}

/** The "minima" entry of a config's import map (inline, or the file its importMap names). */
function minimaEntry(configPath: string): string | undefined {
  let config: Record<string, unknown>;
  try {
    config = parseJsonc(Deno.readTextFileSync(configPath)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  let imports = config?.imports as Record<string, unknown> | undefined;
  if (!imports && typeof config?.importMap === "string") {
    try {
      const map = parseJsonc(
        Deno.readTextFileSync(resolve(dirname(configPath), config.importMap)),
      ) as { imports?: Record<string, unknown> };
      imports = map?.imports;
    } catch {
      return undefined;
    }
  }
  if (!imports || typeof imports !== "object" || !Object.hasOwn(imports, "minima")) {
    return undefined;
  }
  const target = imports.minima;
  return typeof target === "string" ? target : undefined;
}

/**
 * Finds the configuration the kernel should use from a notebook's folder.
 *
 * @param from The notebook's folder.
 * @returns The config that maps "minima", or the project.
 */
export function findKernelConfig(from: string): KernelConfig {
  let dir = resolve(from);
  while (true) {
    for (const name of ["deno.json", "deno.jsonc"]) {
      const path = join(dir, name);
      let found = false;
      try {
        found = Deno.statSync(path).isFile;
      } catch { /* not here */ }
      if (!found) continue;
      // Deno uses the nearest config: if it does not map "minima", the kernel moves to the project.
      const target = minimaEntry(path);
      return target !== undefined ? { kind: "config", path, target } : { kind: "project" };
    }
    const parent = dirname(dir);
    if (parent === dir) return { kind: "project" };
    dir = parent;
  }
}

if (import.meta.main) {
  const found = findKernelConfig(Deno.args[0] ?? Deno.cwd());
  console.log(found.kind === "config" ? `config\t${found.path}\t${found.target}` : "project");
}
