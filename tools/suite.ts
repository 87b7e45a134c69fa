/**
 * `deno task test` runs this: the whole test suite. Installs what is missing (Jupyter, Chromium: see
 * `_setup.ts`), registers the minima kernel in a private Jupyter path so the run does not depend
 * on (or change) the user's kernels, then runs `deno test` over the unit tests beside the code,
 * the doc examples, and `tests/` (notebooks through the real Jupyter client, kernel conformance,
 * the browser test). Extra arguments go to `deno test` (e.g. a path or `--filter`).
 *
 * @module
 */
import { CHROMIUM, ensure, JUPYTER, JUPYTER_EXTRAS, OPENBLAS, python } from "./_setup.ts";
import { installKernel, PROJECT_ROOT } from "../kernels/install.ts";

try {
  await ensure([JUPYTER, JUPYTER_EXTRAS, CHROMIUM, OPENBLAS]);
} catch (error) {
  console.error((error as Error).message);
  Deno.exit(1);
}
const jupyterPath = await Deno.makeTempDir({ prefix: "minima-jupyter-" });
await installKernel({ dataDir: jupyterPath });
const targets = Deno.args.some((a) => !a.startsWith("-"))
  ? []
  : ["mod.ts", "lib/", "kernels/", "tools/", "tests/", "bench/"];
const status = await new Deno.Command(Deno.execPath(), {
  args: ["test", "-A", "--doc", "--parallel", ...Deno.args, ...targets],
  cwd: PROJECT_ROOT,
  env: {
    JUPYTER_PATH: jupyterPath,
    MINIMA_JUPYTER_PATH: jupyterPath,
    MINIMA_PYTHON: await python(),
    MINIMA_PROFILE: "fast",
    // OpenBLAS was ensured above: the native backend's tests must run, not skip.
    ...(Deno.build.os === "linux" ? { MINIMA_REQUIRE_NATIVE: "1" } : {}),
  },
  stdin: "null",
}).spawn().status;
await Deno.remove(jupyterPath, { recursive: true }).catch(() => {});
Deno.exit(status.code);
