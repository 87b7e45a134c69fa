/**
 * `deno task bench [--filter text]`: runs every `bench/*_bench.ts`, prints minima's time, the
 * reference's time measured in the same run and their ratio, and writes `out/bench.json`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { dirname, fromFileUrl, join } from "./_paths.ts";
import type { Benchmark, BenchRow } from "./_harness.ts";

const { values } = parseArgs({ args: Deno.args, options: { filter: { type: "string" } } });
const here = dirname(fromFileUrl(import.meta.url));
const files = [...Deno.readDirSync(here)].map((e) => e.name).filter((n) => n.endsWith("_bench.ts"))
  .sort();
/** A row as saved: the benchmark's group and name with it, so filtered runs can be merged. */
type SavedRow = BenchRow & { group: string; benchmark: string; date: string };
const rows: SavedRow[] = [];
const ran = new Set<string>();
const failures: string[] = [];
const started = new Date().toISOString();
for (const file of files) {
  let benchmarks: Benchmark[];
  try {
    ({ benchmarks } = await import(join(here, file)) as { benchmarks: Benchmark[] });
  } catch (error) {
    // One broken file must not hide every other benchmark.
    failures.push(`${file}: cannot load (${(error as Error).message.split("\n")[0]})`);
    console.error(`# ${file}: cannot load: ${(error as Error).message.split("\n")[0]}`);
    continue;
  }
  for (const b of benchmarks) {
    if (values.filter && !`${b.group} ${b.name}`.includes(values.filter)) continue;
    console.log(`# ${b.group}: ${b.name}`);
    ran.add(`${b.group}\u0000${b.name}`);
    try {
      for (const row of await b.run()) {
        rows.push({ ...row, group: b.group, benchmark: b.name, date: started });
        console.log(
          `  ${row.name} [${row.backend}]  minima ${fmt(row.minima_ms)} ms  ${row.reference} ${
            fmt(row.reference_ms)
          } ms  ratio ${row.ratio.toFixed(2)}${row.notes ? `  (${row.notes})` : ""}`,
        );
      }
    } catch (error) {
      failures.push(`${b.name}: ${(error as Error).message}`);
      console.error(`  failed: ${(error as Error).message}`);
    }
  }
}
const outDir = join(dirname(here), "out");
await Deno.mkdir(outDir, { recursive: true });
const file = join(outDir, "bench.json");
// A filtered run replaces only the benchmarks it ran; rows of the others are kept with their dates.
let kept: SavedRow[] = [];
if (values.filter) {
  try {
    const previous = JSON.parse(await Deno.readTextFile(file)) as { rows?: SavedRow[] };
    kept = (previous.rows ?? []).filter((r) =>
      r.group && !ran.has(`${r.group}\u0000${r.benchmark}`)
    );
  } catch { /* no earlier results */ }
}
const all = [...kept, ...rows];
await Deno.writeTextFile(
  file,
  JSON.stringify({ date: started, rows: all, failures }, null, 2) + "\n",
);
console.log(
  `\n${rows.length} rows measured${
    kept.length ? `, ${kept.length} kept from earlier runs` : ""
  }; ` +
    `written to out/bench.json; ${failures.length} failed`,
);
if (failures.length > 0) Deno.exit(1);

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toPrecision(3);
}
