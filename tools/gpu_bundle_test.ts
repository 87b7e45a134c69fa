/**
 * The offline GPU bundle runs end to end: `tools/gpu_bundle.ts` (without the Debian libraries,
 * which need apt) makes the folder, and its `run.sh` runs the bundled bench from another
 * directory with an empty environment, writing rows with the counters. On the native backend
 * when it opens (fast), else cpu; WebGPU is covered by the bench's own runs.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { nativeBackendStatus } from "../lib/backend/mod.ts";

Deno.test("bundle:gpu: the bundled bench runs from its folder with no config and no cache", async () => {
  const dir = await Deno.makeTempDir({ prefix: "minima-bundle-test-" });
  try {
    const bundle = join(dir, "gpu_bundle");
    const made = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        join(import.meta.dirname!, "gpu_bundle.ts"),
        "--out",
        bundle,
        "--no-libs",
        "--no-tar",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(made.success, new TextDecoder().decode(made.stderr).slice(-1500));
    for (
      const file of [
        "deno",
        "gpu_bench.js",
        "minima.js",
        "run.sh",
        "reference/gpu.py",
        "README.txt",
      ]
    ) {
      await Deno.stat(join(bundle, file));
    }
    const work = join(dir, "elsewhere");
    await Deno.mkdir(work);
    const backend = nativeBackendStatus().available ? "native" : "cpu";
    const ran = await new Deno.Command(join(bundle, "run.sh"), {
      args: ["gpu_bench.js", "--filter", "matmul", "--no-reference"],
      cwd: work,
      clearEnv: true,
      env: {
        HOME: dir,
        PATH: "/usr/bin:/bin",
        MINIMA_BACKEND: backend,
        DENO_DIR: join(dir, "cache"),
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(ran.stdout);
    assert.ok(ran.success, out + new TextDecoder().decode(ran.stderr).slice(-1500));
    assert.match(out, new RegExp(`backend ${backend}.* from MINIMA_BACKEND`));
    const json = JSON.parse(await Deno.readTextFile(join(work, "out", "gpu_bench.json")));
    assert.equal(json.software, true);
    assert.ok(json.rows.length >= 1);
    const row = json.rows[0];
    for (
      const key of [
        "workload",
        "adapter",
        "minima_ms",
        "reference_ms",
        "ratio",
        "dispatches",
        "readbacks",
        "upload_bytes",
        "download_bytes",
      ]
    ) {
      assert.ok(key in row, key);
    }
    assert.equal(row.minima_ms, null); // no timing claims without a GPU
    assert.equal(row.dispatches, 1); // one product, one kernel call
    assert.equal(row.readbacks, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
