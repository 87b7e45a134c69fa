import assert from "node:assert/strict";
import { join } from "node:path";
import { findKernelConfig, parseJsonc } from "./find_config.ts";

Deno.test("parseJsonc reads comments and trailing commas, and leaves strings alone", () => {
  assert.deepEqual(
    parseJsonc(`{
      // a comment with "minima"
      "imports": { "a": "x, }", /* block */ "b": "//not a comment", },
      "list": [1, 2,],
    }`),
    { imports: { a: "x, }", b: "//not a comment" }, list: [1, 2] },
  );
});

Deno.test('the kernel uses a config only if its import map has the entry "minima" itself', async () => {
  const root = await Deno.makeTempDir();
  const notebooks = join(root, "parent", "notebooks");
  await Deno.mkdir(notebooks, { recursive: true });
  // A parent folder's config that merely mentions minima does not redirect the import.
  await Deno.writeTextFile(
    join(root, "parent", "deno.json"),
    `{ "name": "minima-fork", // "minima": "./evil.ts"
       "imports": { "minima-extra": "./x.ts", "lodash": "npm:lodash" } }`,
  );
  assert.deepEqual(findKernelConfig(notebooks), { kind: "project" });
  // A config that maps "minima" is used, as Deno would (deno.jsonc with comments too).
  await Deno.remove(join(root, "parent", "deno.json"));
  await Deno.writeTextFile(
    join(root, "parent", "deno.jsonc"),
    `{ /* mine */ "imports": { "minima": "../lib/mod.ts", }, }`,
  );
  assert.deepEqual(findKernelConfig(notebooks), {
    kind: "config",
    path: join(root, "parent", "deno.jsonc"),
    target: "../lib/mod.ts",
  });
  // Through an importMap file.
  await Deno.writeTextFile(join(notebooks, "deno.json"), `{ "importMap": "./map.json" }`);
  await Deno.writeTextFile(join(notebooks, "map.json"), `{ "imports": { "minima": "/opt/m.ts" } }`);
  assert.deepEqual(findKernelConfig(notebooks), {
    kind: "config",
    path: join(notebooks, "deno.json"),
    target: "/opt/m.ts",
  });
  // The nearest config decides: one without "minima" sends the kernel to the project.
  await Deno.writeTextFile(join(notebooks, "deno.json"), `{ "imports": {} }`);
  assert.deepEqual(findKernelConfig(notebooks), { kind: "project" });
  await Deno.remove(root, { recursive: true });
});
