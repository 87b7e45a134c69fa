/**
 * `deno task bundle:gpu`: a self-contained folder to run minima on a GPU machine that has no
 * network (no npm, no apt): bundled entry scripts, the Deno binary, and the Vulkan/GL loader
 * libraries that a bare NVIDIA container lacks (without them `requestAdapter()` returns null even
 * though the driver is there).
 *
 * ```
 * deno task bundle:gpu                        # out/gpu_bundle/ and out/gpu_bundle.tar.gz
 * deno task bundle:gpu --entry experiment.ts  # also bundle a script of yours (it may import "minima")
 * # on the GPU machine:
 * tar xzf gpu_bundle.tar.gz && cd gpu_bundle
 * ./run.sh gpu_bench.js                       # the GPU bench; out/gpu_bench.json
 * ./run.sh experiment.js
 * ```
 *
 * The folder holds:
 * - `gpu_bench.js` (bench/gpu_bench.ts), `minima.js` (the whole library, for scripts that
 *   `import ... from "./minima.js"`) and one `.js` per `--entry`, each made by
 *   `deno bundle --platform deno`;
 * - `reference/gpu.py`, the bench's PyTorch reference (used when `python3` there has CUDA);
 * - `deno`, this Deno binary (so the target needs the same OS and architecture);
 * - `libs/`, the Debian packages libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0
 *   libgles2 unpacked with `dpkg -x` (fetched here with `apt-get download`, or taken from
 *   `--debs DIR`; `--no-libs` leaves them out);
 * - `run.sh`, which puts `libs/` on `LD_LIBRARY_PATH` and runs a bundled script with the bundled
 *   Deno, with all permissions and no config file.
 *
 * In a bundle tfjs's WASM backend cannot load its `.wasm` binaries (they are not bundled):
 * `auto` then skips it with that reason, and webgpu, native (when OpenBLAS is installed there)
 * and cpu work as usual. `MINIMA_BACKEND` works as everywhere.
 *
 * Flags: `--out DIR` (default out/gpu_bundle), `--entry FILE` (repeatable), `--debs DIR`,
 * `--no-libs`, `--no-tar`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The Debian packages whose libraries make the NVIDIA Vulkan driver reachable. */
export const LOADER_PACKAGES = [
  "libvulkan1",
  "libegl1",
  "libglvnd0",
  "libopengl0",
  "libgl1",
  "libglx0",
  "libgles2",
] as const;

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Runs a command, throwing with its stderr's last lines when it fails. */
async function sh(cmd: string, args: string[], cwd?: string): Promise<string> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" }).output();
  } catch (error) {
    throw new Error(`Cannot run ${cmd}: ${(error as Error).message}`);
  }
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-3).join(" | ");
    throw new Error(`${cmd} ${args.join(" ")} failed: ${err}`);
  }
  return new TextDecoder().decode(out.stdout);
}

async function bundle(entry: string, output: string): Promise<void> {
  // esbuild does not parse `import defer`: the bundle takes lib/_mathjs_bundled.ts instead of
  // lib/_mathjs.ts (the same mathjs, evaluated when the bundle starts), through an import map
  // entry in a copy of deno.json beside it.
  const config = JSON.parse(await Deno.readTextFile(join(root, "deno.json")));
  config.imports = { "./lib/_mathjs.ts": "./lib/_mathjs_bundled.ts", ...config.imports };
  const file = join(root, `.bundle.${Deno.pid}.deno.json`);
  await Deno.writeTextFile(file, JSON.stringify(config, null, 2));
  try {
    await sh(Deno.execPath(), [
      "bundle",
      "--platform",
      "deno",
      "--config",
      file,
      "-o",
      output,
      entry,
    ], root);
  } finally {
    await Deno.remove(file).catch(() => {});
  }
}

/** The .deb files of the loader packages: from `debs`, or downloaded with apt-get into `into`. */
async function loaderDebs(debs: string | undefined, into: string): Promise<string[]> {
  const dir = debs ?? into;
  if (debs === undefined) {
    try {
      await sh("apt-get", ["download", ...LOADER_PACKAGES], into);
    } catch (error) {
      throw new Error(
        `Cannot fetch the Vulkan/GL loader packages with apt-get (${
          (error as Error).message
        }); download ${
          LOADER_PACKAGES.join(" ")
        } on a Debian/Ubuntu machine and pass --debs DIR, or pass --no-libs`,
      );
    }
  }
  const files = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".deb"));
  const missing = LOADER_PACKAGES.filter((p) => !files.some((f) => f.startsWith(`${p}_`)));
  if (missing.length > 0) {
    throw new Error(`Cannot bundle the loader libraries: ${dir} lacks ${missing.join(", ")}`);
  }
  return files.map((f) => join(dir, f));
}

const RUN_SH = `#!/bin/sh
# Runs a bundled script with the bundled Deno and the bundled Vulkan/GL loader libraries.
# usage: ./run.sh SCRIPT.js [ARGS...]   (default: gpu_bench.js)
here=$(cd "$(dirname "$0")" && pwd)
for d in "$here"/libs/usr/lib/*-linux-gnu "$here"/libs/usr/lib; do
  [ -d "$d" ] && LD_LIBRARY_PATH="$d\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
done
export LD_LIBRARY_PATH
export DENO_NO_UPDATE_CHECK=1
script=\${1:-gpu_bench.js}
[ $# -gt 0 ] && shift
case "$script" in /*) ;; *) [ -f "$script" ] || script="$here/$script" ;; esac
exec "$here/deno" run -A --no-config "$script" "$@"
`;

const README = `minima GPU bundle: runs without network.

  ./run.sh gpu_bench.js [--filter TEXT] [--widths 256,1024] [--native]
      The GPU bench; writes out/gpu_bench.json under the current directory. With python3 and
      CUDA PyTorch present it times reference/gpu.py in the same run.
  ./run.sh SCRIPT.js
      Any bundled script (deno task bundle:gpu --entry SCRIPT.ts), or a script of yours that
      imports from "./minima.js" (the whole library).

MINIMA_BACKEND=webgpu|native|cpu moves a run to one backend. The WASM backend does not load from
a bundle. If WebGPU finds no adapter on an NVIDIA machine, check that the driver's Vulkan ICD is
present (nvidia_icd.json under /usr/share/vulkan/icd.d or /etc/vulkan/icd.d); libs/ carries the
loader libraries themselves.
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      out: { type: "string", default: join(root, "out", "gpu_bundle") },
      entry: { type: "string", multiple: true, default: [] },
      debs: { type: "string" },
      "no-libs": { type: "boolean", default: false },
      "no-tar": { type: "boolean", default: false },
    },
  });
  const out = resolve(values.out!);
  await Deno.remove(out, { recursive: true }).catch(() => {});
  await Deno.mkdir(join(out, "reference"), { recursive: true });

  const entries: [string, string][] = [
    [join(root, "bench", "gpu_bench.ts"), "gpu_bench.js"],
    [join(root, "mod.ts"), "minima.js"],
    ...(values.entry ?? []).map((e): [string, string] => [
      resolve(e),
      basename(e).replace(/\.[mc]?[jt]sx?$/, "") + ".js",
    ]),
  ];
  for (const [entry, name] of entries) {
    console.log(`bundling ${entry} → ${name}`);
    await bundle(entry, join(out, name));
  }
  await Deno.copyFile(
    join(root, "bench", "reference", "gpu.py"),
    join(out, "reference", "gpu.py"),
  );
  console.log(`copying ${Deno.execPath()} (Deno ${Deno.version.deno}, ${Deno.build.target})`);
  await Deno.copyFile(Deno.execPath(), join(out, "deno"));
  await Deno.chmod(join(out, "deno"), 0o755);

  if (!values["no-libs"]) {
    const tmp = await Deno.makeTempDir({ prefix: "minima-debs-" });
    try {
      const debs = await loaderDebs(values.debs, tmp);
      for (const deb of debs) {
        console.log(`unpacking ${basename(deb)}`);
        await sh("dpkg", ["-x", deb, join(out, "libs")]);
      }
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  }
  await Deno.writeTextFile(join(out, "run.sh"), RUN_SH);
  await Deno.chmod(join(out, "run.sh"), 0o755);
  await Deno.writeTextFile(join(out, "README.txt"), README);
  if (!values["no-tar"]) {
    const tar = `${out}.tar.gz`;
    await sh("tar", ["czf", tar, "-C", dirname(out), basename(out)]);
    console.log(`wrote ${tar}`);
  }
  console.log(`wrote ${out}: ./run.sh gpu_bench.js runs the GPU bench there`);
}

if (import.meta.main) {
  try {
    await main();
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(1);
  }
}
