/**
 * How often Lanczos reports a skipped eigenvalue as converged, by stopping rule, measured on
 * small networks whose exact float64 Hessians are known: `deno run -A bench/spectral_miss_rate.ts`.
 *
 * A run misses when all k pairs are reported converged but some value is farther from the exact
 * i-th largest eigenvalue than its residual (plus 1e-5·‖H‖ for float32 products): λ_{i+1} filled
 * λ_i's slot. Each rule runs on the same problems, start seeds and k ∈ {1, 3, 5} at tol 1e-3 (the
 * default of `sharpness` and `topHessianEigenvalues`):
 *
 * - block 1: single-vector Lanczos stopping when the top k meet the residual test;
 * - block 1 + guard g: the same, then g more products after which the test must still pass;
 * - block 2 (+ guard): a block of two random start vectors.
 *
 * Operators: `dense` multiplies by the exact float64 Hessian (fast, many runs); `hvp` uses
 * minima's float32 double-backprop products (`hessianOperator`). A second table suppresses the
 * start vector's component along one of the top 3 eigenvectors by a factor (a warm start that
 * nearly misses a direction); a block of two then adds a random vector, as `startVector` does.
 *
 * Options: `--problems N` (per model family, default 20), `--seeds S` (default 20),
 * `--operator dense|hvp|both` (default both; hvp uses half the problems and 3/4 of the seeds).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { denseOperator, type LinearOperator } from "../lib/linalg/mod.ts";
import { hostVectorStore } from "../lib/linalg/vector_store.ts";
import { lanczosRun } from "../lib/linalg/_lanczos_run.ts";
import { Rng } from "../lib/random/mod.ts";
import { hessianOperator } from "../lib/landscape/hessian_operator.ts";
import { type BuiltCase, mlpCase } from "../lib/landscape/_spectral_cases.ts";
import type { Mlp64 } from "../lib/nn/_float64_reference.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    problems: { type: "string", default: "20" },
    seeds: { type: "string", default: "20" },
    operator: { type: "string", default: "both" },
  },
});
const PROBLEMS = Number(args.problems), SEEDS = Number(args.seeds);

/** The model families (d = 193, 170, 139, 124), each at PROBLEMS generic points. */
const FAMILIES: [Mlp64, "mse" | "cross-entropy", "real" | "one-hot", number][] = [
  [{ sizes: [4, 10, 10, 3], activation: "relu" }, "mse", "real", 32],
  [{ sizes: [3, 12, 8, 2], activation: "tanh" }, "mse", "real", 24],
  [{ sizes: [4, 8, 8, 3], activation: "relu" }, "cross-entropy", "one-hot", 32],
  [{ sizes: [5, 12, 4], activation: "tanh" }, "cross-entropy", "one-hot", 40],
];

interface Rule {
  name: string;
  block: number;
  guard: number;
}
const RULES: Rule[] = [
  { name: "block 1", block: 1, guard: 0 },
  { name: "block 1 + guard 4", block: 1, guard: 4 },
  { name: "block 1 + guard 8", block: 1, guard: 8 },
  { name: "block 2 (default)", block: 2, guard: 0 },
  { name: "block 2 + guard 2", block: 2, guard: 2 },
];
const TOL = 1e-3;

interface Tally {
  runs: number;
  misses: number;
  products: number;
}
const tally = (): Tally => ({ runs: 0, misses: 0, products: 0 });

/** One run from the given start block; returns its products and whether it missed. */
async function runOnce(
  op: LinearOperator,
  c: BuiltCase,
  start: Float64Array[],
  rng: Rng,
  k: number,
  rule: Rule,
  eps: number,
): Promise<{ products: number; miss: boolean }> {
  const top = Array.from(c.eigenvalues).reverse();
  const norm = Math.max(Math.abs(top[0]), Math.abs(top[c.d - 1]));
  const r = await lanczosRun({
    store: hostVectorStore(op),
    start,
    rng,
    locked: [],
    k,
    maxProducts: Math.min(c.d, 100),
    tol: TOL,
    relativeError: eps,
    rank: (v) => v,
    scaleFloor: 0,
    guard: () => rule.guard,
    onStep: () => {},
  });
  let miss = false;
  if (r.stoppedConverged) {
    for (let i = 0; i < k; i++) {
      const bound = r.pairs[i].ritzResidual + eps * r.scale + 1e-5 * norm;
      if (Math.abs(r.pairs[i].value - top[i]) > bound) miss = true;
    }
  }
  return { products: r.products, miss };
}

async function randomStarts(kind: "dense" | "hvp"): Promise<Map<string, Map<number, Tally>>> {
  const table = new Map(RULES.map((r) => [r.name, new Map<number, Tally>()]));
  const problems = kind === "dense" ? PROBLEMS : Math.max(1, Math.floor(PROBLEMS / 2));
  const seeds = kind === "dense" ? SEEDS : Math.max(1, Math.floor(SEEDS * 3 / 4));
  for (const [f, [net, loss, targets, n]] of FAMILIES.entries()) {
    for (let p = 0; p < problems; p++) {
      const c = await mlpCase(net, loss, targets, n, 1000 * f + p).build();
      const hvp = hessianOperator(c.point, { checkExact: false });
      const op = kind === "dense" ? denseOperator(c.hessian, c.d) : hvp;
      const eps = kind === "dense" ? 0 : hvp.relativeError;
      for (const k of [1, 3, 5]) {
        for (let seed = 0; seed < seeds; seed++) {
          for (const rule of RULES) {
            const rng = new Rng(`${seed}`);
            const start = Array.from(
              { length: rule.block },
              () => rng.fillNormal(new Float64Array(c.d)),
            );
            const r = await runOnce(op, c, start, rng, k, rule, eps);
            const t = table.get(rule.name)!;
            const row = t.get(k) ?? tally();
            row.runs++;
            row.products += r.products;
            if (r.miss) row.misses++;
            t.set(k, row);
          }
        }
      }
      hvp.dispose();
      c.dispose();
    }
  }
  return table;
}

async function suppressed(): Promise<Map<string, Map<number, Tally>>> {
  const factors = [1e-2, 1e-4, 1e-8];
  const table = new Map(RULES.map((r) => [r.name, new Map<number, Tally>()]));
  const problems = Math.max(1, Math.floor(PROBLEMS / 4));
  for (const [f, [net, loss, targets, n]] of FAMILIES.entries()) {
    for (let p = 0; p < problems; p++) {
      const c = await mlpCase(net, loss, targets, n, 1000 * f + p).build();
      const op = denseOperator(c.hessian, c.d);
      for (let i = 0; i < 3; i++) {
        const u = c.eigenvectors[c.d - 1 - i];
        for (let seed = 0; seed < 5; seed++) {
          for (const factor of factors) {
            for (const rule of RULES) {
              const rng = new Rng(`${seed}-${i}`);
              const v = rng.fillNormal(new Float64Array(c.d));
              const along = u.reduce((s, x, j) => s + x * v[j], 0);
              u.forEach((x, j) => (v[j] -= (1 - factor) * along * x));
              const start = [
                v,
                ...Array.from(
                  { length: rule.block - 1 },
                  () => rng.fillNormal(new Float64Array(c.d)),
                ),
              ];
              const r = await runOnce(op, c, start, rng, 3, rule, 0);
              const t = table.get(rule.name)!;
              const row = t.get(factor) ?? tally();
              row.runs++;
              row.products += r.products;
              if (r.miss) row.misses++;
              t.set(factor, row);
            }
          }
        }
      }
      c.dispose();
    }
  }
  return table;
}

function print(
  title: string,
  table: Map<string, Map<number, Tally>>,
  column: (key: number) => string,
) {
  const keys = [...table.values().next().value!.keys()];
  console.log(`\n${title}`);
  console.log(`rule | ${keys.map(column).join(" | ")} | all: misses/runs | products/run`);
  console.log(`--- | ${keys.map(() => "---").join(" | ")} | --- | ---`);
  for (const [name, t] of table) {
    const all = [...t.values()].reduce(
      (a, r) => ({
        runs: a.runs + r.runs,
        misses: a.misses + r.misses,
        products: a.products + r.products,
      }),
      tally(),
    );
    console.log(
      `${name} | ${
        keys.map((key) => {
          const r = t.get(key)!;
          return `${r.misses}/${r.runs}, ${(r.products / r.runs).toFixed(1)}`;
        }).join(" | ")
      } | ${all.misses}/${all.runs} | ${(all.products / all.runs).toFixed(1)}`,
    );
  }
}

const started = performance.now();
if (args.operator === "dense" || args.operator === "both") {
  print(
    "random start vectors, exact float64 Hessian products (misses/runs, products/run)",
    await randomStarts("dense"),
    (k) => `k = ${k}`,
  );
}
if (args.operator === "hvp" || args.operator === "both") {
  print(
    "random start vectors, float32 Hessian-vector products (misses/runs, products/run)",
    await randomStarts("hvp"),
    (k) => `k = ${k}`,
  );
}
print(
  "top 3 from a start vector whose component along one of the top 3 eigenvectors is scaled by",
  await suppressed(),
  (f) => `${f}`,
);
console.log(`\n${((performance.now() - started) / 1000).toFixed(0)} s`);
