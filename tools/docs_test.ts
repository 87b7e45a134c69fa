/**
 * The generated API table and help data match the code: `deno task docs --check` regenerates
 * them from `deno doc --json mod.ts` in memory and fails when they differ from the committed
 * files, or when an export, an option or an options type lacks documentation.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

Deno.test("lib/_api_table.ts and lib/display/_help_data.json are up to date (deno task docs)", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", fileURLToPath(new URL("./docs.ts", import.meta.url)), "--check"],
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.ok(out.success, `deno task docs --check failed; run \`deno task docs\`:\n${text}`);
  assert.match(text, /\d+ functions \(\d+ with options\), \d+ exports/);
});
