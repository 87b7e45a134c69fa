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
