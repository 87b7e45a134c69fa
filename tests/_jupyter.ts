/**
 * The Jupyter environment the end-to-end tests run in: a private JUPYTER_PATH holding the minima
 * kernelspec, so the tests neither depend on nor change the user's kernels. `deno task test`
 * creates it and passes MINIMA_JUPYTER_PATH; a test run directly creates its own.
 *
 * @module
 */
import { installKernel } from "../kernels/install.ts";

let ready: Promise<Record<string, string>> | undefined;

/** Environment variables that make Jupyter find the minima kernel. */
export function kernelEnv(): Promise<Record<string, string>> {
  ready ??= (async () => {
    let path = Deno.env.get("MINIMA_JUPYTER_PATH");
    if (!path) {
      path = await Deno.makeTempDir({ prefix: "minima-jupyter-" });
      await installKernel({ dataDir: path });
      globalThis.addEventListener("unload", () => {
        try {
          Deno.removeSync(path!, { recursive: true });
        } catch { /* already gone */ }
      });
    }
    return { JUPYTER_PATH: path, NO_COLOR: "1" };
  })();
  return ready;
}
