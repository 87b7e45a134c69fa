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

const started = performance.now();
/** Colour codes in Deno's output, removed before its summary line is read. */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

try {
  await ensure([JUPYTER, JUPYTER_EXTRAS, CHROMIUM, OPENBLAS]);
} catch (error) {
  console.error((error as Error).message);
  Deno.exit(1);
}
const jupyterPath = await Deno.makeTempDir({ prefix: "minima-jupyter-" });
await installKernel({ dataDir: jupyterPath });
const env = {
  JUPYTER_PATH: jupyterPath,
  MINIMA_JUPYTER_PATH: jupyterPath,
  MINIMA_PYTHON: await python(),
  MINIMA_PROFILE: "fast",
  // OpenBLAS was ensured above: the native backend's tests must run, not skip.
  ...(Deno.build.os === "linux" ? { MINIMA_REQUIRE_NATIVE: "1" } : {}),
};
// Two `deno test` processes side by side, each running its modules one at a time: the unit and
// doc tests, and tests/ (notebooks through Jupyter, the kernel, the browser). Not one process
// with --parallel: several test runtimes on threads of one process crashed it at teardown in
// about 1 run in 5 ("double free or corruption", "corrupted size vs. prev_size"), after every
// test had passed; with one runtime at a time it did not.
const groups = Deno.args.some((a) => !a.startsWith("-"))
  ? [[]]
  : [["mod.ts", "lib/", "kernels/", "tools/", "bench/"], ["tests/"]];
const results = await Promise.all(groups.map((targets) => runGroup(targets)));
await Deno.remove(jupyterPath, { recursive: true }).catch(() => {});
if (groups.length > 1) {
  const passed = results.reduce((s, r) => s + r.passed, 0);
  const failed = results.reduce((s, r) => s + r.failed, 0);
  const crashed = results.filter((r) => r.code !== 0 && r.failed === 0).length;
  const verdict = failed + crashed === 0 ? "ok" : "FAILED";
  const seconds = Math.round((performance.now() - started) / 1000);
  if (crashed > 0) {
    console.log(`${crashed} test process(es) exited with an error after their tests`);
  }
  console.log(`\n${verdict} | ${passed} passed | ${failed + crashed} failed (${seconds}s)`);
}
Deno.exit(results.find((r) => r.code !== 0)?.code ?? 0);

interface GroupResult {
  code: number;
  passed: number;
  failed: number;
}

/** Runs one `deno test` process, echoing its output, and reads its closing summary. */
async function runGroup(targets: string[]): Promise<GroupResult> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", "--doc", ...Deno.args, ...targets],
    cwd: PROJECT_ROOT,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let summary = "";
  const echo = async (stream: ReadableStream<Uint8Array>, out: typeof Deno.stdout) => {
    const encoder = new TextEncoder();
    let pending = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) {
        const plain = line.replace(ANSI, "");
        if (/^(ok|FAILED) \| \d+ passed/.test(plain)) summary = plain;
        await out.write(encoder.encode(line + "\n"));
      }
    }
    if (pending) await out.write(encoder.encode(pending + "\n"));
  };
  const [status] = await Promise.all([
    child.status,
    echo(child.stdout, Deno.stdout),
    echo(child.stderr, Deno.stderr),
  ]);
  const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(summary)?.[1] ?? 0);
  return { code: status.code, passed: count("passed"), failed: count("failed") };
}
