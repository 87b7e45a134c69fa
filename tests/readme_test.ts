/**
 * The README's first TypeScript example (the first cell a new user runs) runs as written, as a
 * plain deno script where charts degrade to text, and its claim passes; every example that
 * imports minima type-checks against the library as it is.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));

/** The README's ```ts blocks, in order. */
async function examples(): Promise<string[]> {
  const readme = await Deno.readTextFile(join(root, "README.md"));
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

async function deno(args: string[], cwd: string): Promise<Deno.CommandOutput> {
  return await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env: { MINIMA_PROFILE: "fast", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
}

Deno.test("the README's first example runs and its claim holds", async () => {
  const [example] = await examples();
  assert.ok(example, "the README has a ts code block");
  const dir = await Deno.makeTempDir();
  const script = join(dir, "example.ts");
  await Deno.writeTextFile(script, example);
  const out = await deno(["run", "-A", "--config", join(root, "deno.json"), script], dir);
  const stdout = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, new TextDecoder().decode(out.stderr).slice(-2000));
  assert.match(stdout, /✓ {2}GD's sharpness rises to 2\/η/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("every README example that imports minima type-checks", async () => {
  const all = await examples();
  const complete = all.filter((e) => /from "minima(\/[a-z]+)?";/.test(e));
  assert.ok(
    complete.length >= 3,
    `only ${complete.length} of ${all.length} examples import minima`,
  );
  const dir = await Deno.makeTempDir();
  const scripts = await Promise.all(complete.map(async (e, i) => {
    const script = join(dir, `example_${i}.ts`);
    await Deno.writeTextFile(script, e);
    return script;
  }));
  const out = await deno(["check", "--config", join(root, "deno.json"), ...scripts], dir);
  assert.ok(out.success, new TextDecoder().decode(out.stderr).slice(-2000));
  await Deno.remove(dir, { recursive: true });
});
