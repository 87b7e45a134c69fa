/**
 * Each area of lib/ keeps its `_` files to itself: another area reaches them only through the
 * area's `_internal.ts`, which lists exactly what it may use (landscape's chunked gradients and
 * checks for optim and sde; optim's stepping core for sde). Test files and test helpers
 * (`_test*.ts`, `_float64_reference.ts`) may reach further.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));

function* files(dir: string): Generator<string> {
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* files(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

Deno.test("no area imports another area's private files except through its _internal.ts", () => {
  const lib = join(root, "lib");
  const offences: string[] = [];
  for (const path of files(lib)) {
    const name = path.split("/").at(-1)!;
    if (name.endsWith("_test.ts") || name.startsWith("_test")) continue;
    const text = Deno.readTextFileSync(path);
    for (const m of text.matchAll(/from\s+"\.\.\/([a-z_]+)\/(_[a-z0-9_]+)\.ts"/g)) {
      const [, area, file] = m;
      if (file === "_internal" || file === "_float64_reference") continue;
      offences.push(`${relative(root, path)} imports ${area}/${file}.ts`);
    }
  }
  assert.deepEqual(offences, []);
});
