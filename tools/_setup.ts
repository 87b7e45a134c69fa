/**
 * Finding, and where allowed installing, what the tasks need beyond Deno: Jupyter (Debian's
 * jupyter-client, nbconvert, nbclient, notebook, the kernel test suite) and Chromium.
 *
 * As root with apt-get available the Debian packages are installed; otherwise the task stops with
 * a message that names exactly what to install.
 *
 * @module
 */

/** A system requirement: how to tell it is present and which Debian packages provide it. */
export interface Requirement {
  name: string;
  check: () => Promise<boolean>;
  packages: string[];
}

/**
 * Debian's Python, which is the one that has the apt-installed Jupyter modules. `MINIMA_PYTHON`,
 * when set (the test suite and sweeps set it once), is taken as is: asking Python costs a start.
 */
export async function python(): Promise<string> {
  const given = Deno.env.get("MINIMA_PYTHON");
  if (given) return given;
  for (const candidate of ["/usr/bin/python3", "python3"]) {
    if (await succeeds(candidate, ["-c", "import nbclient, nbformat"])) return candidate;
  }
  return "/usr/bin/python3";
}

/** Jupyter with nbclient and nbconvert, for executing notebooks. */
export const JUPYTER: Requirement = {
  name: "Jupyter (jupyter-client, nbconvert, nbclient)",
  check: async () =>
    await succeeds("jupyter", ["--data-dir"]) &&
    await succeeds(await python(), ["-c", "import nbclient, nbconvert, nbformat"]),
  packages: ["jupyter-client", "jupyter-nbconvert", "python3-nbclient"],
};

/** The classic Notebook server and the kernel conformance suite. */
export const JUPYTER_EXTRAS: Requirement = {
  name: "the Jupyter Notebook server and jupyter_kernel_test",
  check: async () => await succeeds(await python(), ["-c", "import notebook, jupyter_kernel_test"]),
  packages: ["jupyter-notebook", "python3-jupyter-kernel-test"],
};

/** Headless Chromium for the browser test. */
export const CHROMIUM: Requirement = {
  name: "Chromium",
  check: () => succeeds("/usr/bin/chromium", ["--version"]),
  packages: ["chromium"],
};

/** OpenBLAS, which the native backend calls through FFI (Debian's pthread build). */
export const OPENBLAS: Requirement = {
  name: "OpenBLAS",
  check: async () =>
    Deno.build.os !== "linux" ||
    (await exists("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3")) ||
    (await exists("/usr/lib/aarch64-linux-gnu/openblas-pthread/libblas.so.3")) ||
    (await exists("/usr/lib/x86_64-linux-gnu/libopenblas.so.0")),
  packages: ["libopenblas0-pthread"],
};

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** numpy and PyTorch (with OpenBLAS), the benchmark references. */
export const REFERENCES: Requirement = {
  name: "numpy and PyTorch",
  check: async () => await succeeds(await python(), ["-c", "import numpy, torch"]),
  packages: ["python3-numpy", "python3-torch", "libopenblas0-pthread"],
};

/**
 * Makes sure every requirement is present, installing Debian packages when running as root with
 * apt-get; otherwise throws one error listing what to install.
 *
 * @param requirements What the task needs.
 */
export async function ensure(requirements: Requirement[]): Promise<void> {
  const missing: Requirement[] = [];
  for (const r of requirements) if (!(await r.check())) missing.push(r);
  if (missing.length === 0) return;
  const packages = missing.flatMap((r) => r.packages);
  const canApt = Deno.uid?.() === 0 && await succeeds("apt-get", ["--version"]);
  if (!canApt) {
    throw new Error(
      `Missing ${missing.map((r) => r.name).join(", ")}: install them with ` +
        `\`sudo apt-get install ${packages.join(" ")}\` (Debian/Ubuntu) and run the task again`,
    );
  }
  console.log(`Installing ${packages.join(" ")} with apt-get ...`);
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  await run("apt-get", ["update", "-q"], env);
  await run("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...packages], env);
  for (const r of missing) {
    if (!(await r.check())) {
      throw new Error(`Installed ${r.packages.join(" ")} but ${r.name} is still not usable`);
    }
  }
}

async function run(cmd: string, args: string[], env: Record<string, string>): Promise<void> {
  const out = await new Deno.Command(cmd, { args, env, stdout: "null", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(
      `\`${cmd} ${args.join(" ")}\` failed: ${
        new TextDecoder().decode(out.stderr).trim().slice(-400)
      }`,
    );
  }
}

/**
 * Runs a command quietly and says whether it succeeded (false when it cannot start).
 *
 * @param cmd The program.
 * @param args Its arguments.
 * @returns Whether it exited with status 0.
 */
export async function succeeds(cmd: string, args: string[]): Promise<boolean> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output();
    return out.success;
  } catch {
    return false;
  }
}
