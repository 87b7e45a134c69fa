/**
 * The README's TypeScript example runs as written (as a plain deno script, where charts degrade
 * to text) and its claim passes.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));

Deno.test("the README's example runs and its claim holds", async () => {
  const readme = await Deno.readTextFile(join(root, "README.md"));
  const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(example, "the README has a ts code block");
  const dir = await Deno.makeTempDir();
  const script = join(dir, "example.ts");
  await Deno.writeTextFile(script, example);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", join(root, "deno.json"), script],
    cwd: dir,
    env: { MINIMA_PROFILE: "fast", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, new TextDecoder().decode(out.stderr).slice(-2000));
  assert.match(stdout, /✓ {2}GD's sharpness rises to 2\/η/);
  await Deno.remove(dir, { recursive: true });
});
