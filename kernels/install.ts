/**
 * `deno task kernel:install`: registers the minima kernel with Jupyter.
 *
 * Writes `<jupyter data dir>/kernels/minima/kernel.json` with absolute paths to this project and
 * to the deno binary running the installer. The spec is written into a temporary folder beside
 * the target and renamed into place, so a failed install leaves nothing half-written, and a second
 * install replaces the first.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

/** Options for {@linkcode installKernel}. */
export interface InstallKernelOptions {
  /**
   * The Jupyter data directory to install into.
   * @default {the output of `jupyter --data-dir`}
   */
  dataDir?: string;
  /**
   * The kernel's name (its folder under `kernels/`).
   * @default {"minima"}
   */
  name?: string;
  /**
   * The deno binary the kernel runs.
   * @default {Deno.execPath()}
   */
  deno?: string;
  /**
   * The jupyter command asked for the data directory when `dataDir` is not given.
   * @default {"jupyter"}
   */
  jupyter?: string;
}

/** Where the kernel went and what it runs. */
export interface InstallKernelResult {
  /** The kernelspec folder. */
  path: string;
  /** The kernel.json written there. */
  spec: KernelSpec;
  /** True when an earlier spec was replaced. */
  replaced: boolean;
}

/** A Jupyter kernelspec (kernel.json). */
export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  env: Record<string, string>;
  interrupt_mode: "signal";
  metadata: Record<string, unknown>;
}

/** The project root (the folder holding deno.json). */
export const PROJECT_ROOT: string = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * Builds the kernelspec for this project.
 *
 * @param deno The deno binary.
 * @returns The kernel.json contents.
 */
export function kernelSpec(deno: string = Deno.execPath()): KernelSpec {
  return {
    argv: [join(PROJECT_ROOT, "kernels", "minima", "launch.sh"), "{connection_file}"],
    display_name: "minima (Deno)",
    language: "typescript",
    env: {
      MINIMA_ROOT: PROJECT_ROOT,
      MINIMA_DENO: deno,
      // Deno colours text/plain results with ANSI codes unless NO_COLOR is set; Jupyter shows
      // them raw and the kernel conformance suite's execute_result check fails on them.
      NO_COLOR: "1",
      // `deno jupyter` takes no --v8-flags; the environment is the way in. Training and Hessian
      // work hold large typed arrays: allow a heap of 8 GiB rather than V8's default.
      DENO_V8_FLAGS: "--max-old-space-size=8192",
    },
    interrupt_mode: "signal",
    metadata: { debugger: false, minima: { root: PROJECT_ROOT } },
  };
}

/**
 * Installs (or replaces) the minima kernelspec.
 *
 * @param options Where to install and what to run.
 * @returns The kernelspec's folder and contents.
 */
export async function installKernel(
  options: InstallKernelOptions = {},
): Promise<InstallKernelResult> {
  const name = options.name ?? "minima";
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new TypeError(
      `Cannot install the kernel: name must use letters, digits, ".", "_" or "-", current value is ${
        JSON.stringify(name)
      }`,
    );
  }
  const dataDir = options.dataDir ?? await jupyterDataDir(options.jupyter);
  const kernels = join(dataDir, "kernels");
  const target = join(kernels, name);
  const spec = kernelSpec(options.deno ?? Deno.execPath());
  // The first writes (the kernels folder, the staging folder) fail before anything is written
  // where the user cannot write; they say so instead of a raw OS error.
  let staging: string;
  try {
    await Deno.mkdir(kernels, { recursive: true });
    staging = await Deno.makeTempDir({ dir: kernels, prefix: `.${name}-` });
  } catch (error) {
    throw new Error(
      `Cannot install the minima kernel: cannot write in ${kernels} (${
        (error as Error).message.replace(/\s*\(os error \d+\).*$/, "")
      }); nothing was written. Choose a folder you can write with --data-dir (or JUPYTER_DATA_DIR), or install as a user who can write there`,
      { cause: error },
    );
  }
  try {
    await Deno.chmod(staging, 0o755);
    await Deno.writeTextFile(join(staging, "kernel.json"), JSON.stringify(spec, null, 2) + "\n");
    await Deno.copyFile(
      join(PROJECT_ROOT, "kernels", "minima", "logo-svg.svg"),
      join(staging, "logo-svg.svg"),
    );
    const replaced = await exists(target);
    if (replaced) await Deno.remove(target, { recursive: true });
    await Deno.rename(staging, target);
    return { path: target, spec, replaced };
  } catch (error) {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
    throw error;
  }
}

/**
 * Asks Jupyter for its data directory.
 *
 * @param jupyter The jupyter command.
 * @returns The directory (`jupyter --data-dir`).
 */
export async function jupyterDataDir(jupyter = "jupyter"): Promise<string> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(jupyter, { args: ["--data-dir"], stderr: "piped" })
      .output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(
        "Cannot install the minima kernel: the `jupyter` command was not found; install Jupyter " +
          "(Debian: apt-get install jupyter-client jupyter-notebook python3-nbclient) and run " +
          "`deno task kernel:install` again",
      );
    }
    throw error;
  }
  if (!output.success) {
    throw new Error(
      `Cannot install the minima kernel: \`jupyter --data-dir\` failed (${
        new TextDecoder().decode(output.stderr).trim()
      }); check the Jupyter installation`,
    );
  }
  return new TextDecoder().decode(output.stdout).trim();
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { "data-dir": { type: "string" }, name: { type: "string" } },
  });
  try {
    const result = await installKernel({ dataDir: values["data-dir"], name: values.name });
    console.log(
      `${result.replaced ? "Updated" : "Installed"} the minima kernel in ${result.path} ` +
        `(deno ${result.spec.env.MINIMA_DENO}, project ${PROJECT_ROOT})`,
    );
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(1);
  }
}
