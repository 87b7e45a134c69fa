/**
 * A fast parameterized notebook for the sweep tests. Its parameters are `lr`, `batch` and `seed`;
 * it records `loss = lr·batch + seed/100` and a two-row `curve`, and checks one claim. Two
 * environment variables make chosen tasks misbehave: `MINIMA_TEST_FAIL=<seed>` raises in the tasks
 * of that seed, `MINIMA_TEST_HOLD=<lr>:<seconds>,...` waits before recording in the tasks of that
 * learning rate (for the scheduler to kill them).
 *
 * @module
 */
import { join } from "node:path";
import { notebookFromScript } from "../tools/notebook.ts";

/** The fixture's percent script. */
export const FIXTURE_SCRIPT = `// %% [markdown]
// # A fast parameterized notebook

// %% tags=["parameters"]
const lr = 0.1;
const batch = 8;
const seed = 0;

// %%
import { claim, record } from "minima";
const holds = (Deno.env.get("MINIMA_TEST_HOLD") ?? "").split(",").filter(Boolean).map((h) => h.split(":").map(Number));
for (const [value, seconds] of holds) if (value === lr) await new Promise((r) => setTimeout(r, 1000 * seconds));
if (Deno.env.get("MINIMA_TEST_FAIL") === String(seed)) throw new Error(\`seed \${seed} fails on purpose\`);
const loss = lr * batch + seed / 100;
await record("loss", loss);
await record("curve", [{ step: 0, value: loss }, { step: 1, value: loss / 2 }]);
await claim("the recorded loss is lr·batch + seed/100", loss, lr * batch + seed / 100, { rtol: 1e-12 });
`;

/**
 * Writes the fixture notebook into `dir`.
 *
 * @param dir The folder.
 * @returns The notebook's path.
 */
export async function writeFixture(dir: string): Promise<string> {
  const path = join(dir, "fixture.ipynb");
  await Deno.writeTextFile(path, JSON.stringify(notebookFromScript(FIXTURE_SCRIPT), null, 1));
  return path;
}
