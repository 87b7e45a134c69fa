/**
 * Cold import time: what a notebook's first cell, or a sweep task's kernel, pays before any work.
 * Each row is a fresh `deno run` of a small script against the project's `deno.json` (module
 * cache and V8 code cache warm: one unmeasured run first), its median over the repeats, against
 * the reference measured in the same run: the same `deno run` of an empty script, so the ratio's
 * excess over 1 is the library's share. Target: `import "minima"` plus the first chart under
 * 1 s.
 *
 * @module
 */
import { type Benchmark, type BenchRow, benchRow } from "./_harness.ts";
import { dirname, fromFileUrl, join } from "./_paths.ts";

const root = dirname(dirname(fromFileUrl(import.meta.url)));
const REPEATS = 5;

const ROWS = "const rows = [{ step: 0, loss: 1 }, { step: 1, loss: 0.5 }, { step: 2, loss: 0.3 }];";

/** The scripts timed: a name, and the script's text. */
export const IMPORT_SCRIPTS: { name: string; script: string }[] = [
  { name: 'import "minima"', script: 'import "minima";' },
  {
    name: 'import "minima" + first chart (SVG, as outside a kernel)',
    script: `import { lineChart, show } from "minima";\n${ROWS}
await show(lineChart(rows, { x: "step", y: "loss" }));`,
  },
  {
    name: 'import "minima" + first chart (SVG + PNG, as in a kernel)',
    script: `import { lineChart, saveFigure } from "minima";\n${ROWS}
await saveFigure(lineChart(rows, { x: "step", y: "loss" }), Deno.makeTempFileSync({ suffix: ".png" }), {
  scale: 2, // show's PNG in a kernel
});`,
  },
  {
    name: 'import "minima" + first tensor (the backend starts)',
    script: 'import { tf } from "minima";\ntf.scalar(1).dataSync();',
  },
  {
    name: 'import "minima/plot" + a spec',
    script: 'import { lineChart } from "minima/plot";\n' +
      `${ROWS}\nlineChart(rows, { x: "step", y: "loss" });`,
  },
  { name: 'import "minima/display"', script: 'import "minima/display";' },
  { name: 'import "minima/games"', script: 'import "minima/games";' },
  {
    name: 'import "minima/games" + mathjsGame (mathjs loads)',
    script: 'import { mathjsGame } from "minima/games";\nmathjsGame("cos(x - y)");',
  },
];

async function runScript(config: string, file: string): Promise<number> {
  const t0 = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", config, file],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const ms = performance.now() - t0;
  if (!out.success) {
    throw new Error(`${file} failed: ${new TextDecoder().decode(out.stderr).slice(-400)}`);
  }
  return ms;
}

/**
 * Times each script and the empty reference, interleaved so that load on the machine falls on
 * both alike.
 *
 * @param projectRoot The folder whose `deno.json` maps "minima".
 * @param scripts The scripts.
 * @param repeats Measured runs of each.
 * @returns One row per script.
 */
export async function measureImports(
  projectRoot: string,
  scripts = IMPORT_SCRIPTS,
  repeats = REPEATS,
): Promise<BenchRow[]> {
  const dir = await Deno.makeTempDir({ prefix: "minima-import-bench-" });
  try {
    const config = join(projectRoot, "deno.json");
    const empty = join(dir, "empty.ts");
    await Deno.writeTextFile(empty, "");
    const files = await Promise.all(scripts.map(async (s, i) => {
      const f = join(dir, `script${i}.ts`);
      await Deno.writeTextFile(f, s.script + "\n");
      return f;
    }));
    for (const f of [empty, ...files]) await runScript(config, f); // warm the caches
    const times = files.map(() => [] as number[]);
    const reference: number[] = [];
    for (let r = 0; r < repeats; r++) {
      reference.push(await runScript(config, empty));
      for (let i = 0; i < files.length; i++) times[i].push(await runScript(config, files[i]));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ref = median(reference);
    return scripts.map((s, i) =>
      benchRow({
        name: s.name,
        backend: "ts",
        minima_ms: median(times[i]),
        reference_ms: ref,
        reference: "deno run of an empty script",
        notes: `median of ${repeats} fresh processes, warm caches; ` +
          `range ${Math.min(...times[i]).toFixed(0)}–${Math.max(...times[i]).toFixed(0)} ms`,
      })
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

export const benchmarks: Benchmark[] = [{
  name: "cold import",
  group: "import",
  run: () => measureImports(root),
}];
