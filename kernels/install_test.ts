import assert from "node:assert/strict";
import { join } from "node:path";
import { installKernel, PROJECT_ROOT } from "./install.ts";

Deno.test("installKernel writes an absolute kernelspec, and a second install replaces it cleanly", async () => {
  const dir = await Deno.makeTempDir();
  const first = await installKernel({ dataDir: dir, deno: "/opt/deno" });
  assert.equal(first.path, join(dir, "kernels", "minima"));
  assert.equal(first.replaced, false);
  const spec = JSON.parse(await Deno.readTextFile(join(first.path, "kernel.json")));
  assert.deepEqual(spec.argv, [
    join(PROJECT_ROOT, "kernels", "minima", "launch.sh"),
    "{connection_file}",
  ]);
  assert.equal(spec.env.MINIMA_ROOT, PROJECT_ROOT);
  assert.equal(spec.env.MINIMA_DENO, "/opt/deno");
  assert.equal(spec.env.NO_COLOR, "1");
  assert.equal(spec.language, "typescript");
  const second = await installKernel({ dataDir: dir });
  assert.equal(second.replaced, true);
  // Nothing but the kernelspec is left in kernels/: no staging folders.
  assert.deepEqual([...Deno.readDirSync(join(dir, "kernels"))].map((e) => e.name), ["minima"]);
  assert.deepEqual([...Deno.readDirSync(second.path)].map((e) => e.name).sort(), [
    "kernel.json",
    "logo-svg.svg",
  ]);
  const launcher = await Deno.stat(spec.argv[0]);
  assert.ok((launcher.mode! & 0o111) !== 0, "launch.sh is executable");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("installKernel without Jupyter says what to install and writes nothing", async () => {
  await assert.rejects(
    () => installKernel({ jupyter: "/nonexistent/jupyter" }),
    new Error(
      "Cannot install the minima kernel: the `jupyter` command was not found; install Jupyter (Debian: apt-get install jupyter-client jupyter-notebook python3-nbclient) and run `deno task kernel:install` again",
    ),
  );
  await assert.rejects(
    () => installKernel({ dataDir: "/tmp", name: "../evil" }),
    /name must use letters, digits/,
  );
});

/**
 * A folder the installer cannot write. Tests run as root, where permission bits are not
 * enforced; an immutable folder (chattr +i) refuses even root. Without chattr (or on a file
 * system without attributes) a non-root user gets a read-only folder; root then has no way.
 */
async function unwritableDir(): Promise<{ dir: string; release: () => Promise<void> } | string> {
  const dir = await Deno.makeTempDir({ prefix: "minima-readonly-" });
  try {
    const out = await new Deno.Command("chattr", { args: ["+i", dir], stderr: "piped" }).output();
    if (out.success) {
      return {
        dir,
        release: async () => {
          await new Deno.Command("chattr", { args: ["-i", dir] }).output();
          await Deno.remove(dir, { recursive: true });
        },
      };
    }
  } catch { /* no chattr */ }
  if (Deno.uid() !== 0) {
    await Deno.chmod(dir, 0o555);
    return { dir, release: () => Deno.remove(dir, { recursive: true }) };
  }
  await Deno.remove(dir, { recursive: true });
  return "running as root without chattr +i: no folder refuses writes";
}

const readonly = await unwritableDir();

Deno.test({
  name: "installKernel into a folder it cannot write says so and writes nothing",
  ignore: typeof readonly === "string",
  fn: async () => {
    if (typeof readonly === "string") return;
    try {
      const error = await installKernel({ dataDir: readonly.dir, deno: "/opt/deno" }).then(
        () => undefined,
        (e) => e as Error,
      );
      assert.ok(error, "the install must fail");
      assert.match(
        error.message,
        new RegExp(
          `^Cannot install the minima kernel: cannot write in ${
            join(readonly.dir, "kernels").replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")
          } \\((Operation not permitted|Permission denied)[^)]*\\); nothing was written\\. Choose a folder you can write with --data-dir`,
        ),
      );
      assert.deepEqual([...Deno.readDirSync(readonly.dir)], [], "nothing was written");
    } finally {
      await readonly.release();
    }
  },
});
if (typeof readonly === "string") console.warn(`skipped the read-only install test: ${readonly}`);
