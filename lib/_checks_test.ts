/**
 * The whole public API, table-driven: every exported function refuses an unknown option key with
 * a TypeError naming it and the valid keys, and a Promise where a value is expected with one
 * asking for `await`. The table is `_api_table.ts` (generated from the types by `deno task docs`;
 * `tools/docs_test.ts` fails when it is stale), checked here against the exports themselves.
 */
import assert from "node:assert/strict";
import * as minima from "../mod.ts";
import { API } from "./_api_table.ts";
import { checkCallCount, checkInteger, checkPositive, mustBe, show } from "./_checks.ts";

type AnyFunction = (...args: unknown[]) => unknown;
const exports = minima as unknown as Record<string, unknown>;

/** Calls `f` and returns what it threw or rejected with (undefined when it returned). */
async function failure(f: AnyFunction, args: unknown[]): Promise<unknown> {
  try {
    const out = f(...args);
    if (out && typeof (out as Promise<unknown>).then === "function") await out;
  } catch (error) {
    return error;
  }
  return undefined;
}

function isClass(v: unknown): boolean {
  return typeof v === "function" && /^class\b/.test(Function.prototype.toString.call(v));
}

Deno.test("the table lists every exported function of mod.ts, and only those", () => {
  const functions = Object.entries(exports)
    .filter(([, v]) => typeof v === "function" && !isClass(v))
    .map(([k]) => k).sort();
  assert.deepEqual(Object.keys(API).sort(), functions);
});

Deno.test("every function that takes options refuses an unknown key, naming it and the valid ones", async () => {
  const withOptions = Object.entries(API).filter(([, e]) => e.options);
  assert.ok(withOptions.length >= 150, `only ${withOptions.length} functions take options`);
  const wrong: string[] = [];
  for (const [name, entry] of withOptions) {
    const { index, keys } = entry.options!;
    const args: unknown[] = Array(index).fill(undefined);
    args.push({ notAnOption: 1 });
    const error = await failure(exports[name] as AnyFunction, args);
    const want = `Cannot call ${name}: unknown option notAnOption; the options are ${
      keys.join(", ")
    }`;
    if (!(error instanceof TypeError) || error.message !== want) {
      wrong.push(`${name}: ${error instanceof Error ? error.message : "no error"}`);
    }
  }
  assert.deepEqual(wrong, []);
});

Deno.test("every function that takes options refuses null, a number or a list in their place", async () => {
  const wrong: string[] = [];
  for (const [name, entry] of Object.entries(API).filter(([, e]) => e.options)) {
    const { index } = entry.options!;
    for (const [given, shown] of [[null, "null"], [5, "5"], [["a"], '["a"]']] as const) {
      const args: unknown[] = Array(index).fill(undefined);
      args.push(given);
      const error = await failure(exports[name] as AnyFunction, args);
      const want =
        `Cannot call ${name}: options must be an object of options or left out, current value is ${shown}`;
      if (!(error instanceof TypeError) || error.message !== want) {
        wrong.push(`${name}(${shown}): ${error instanceof Error ? error.message : "no error"}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

Deno.test("every function refuses a Promise where its type wants a value, asking for await", async () => {
  const wrong: string[] = [];
  for (const [name, entry] of Object.entries(API)) {
    // The first parameter that does not admit a Promise (past the last one if all do).
    let index = 0;
    while (entry.promises?.includes(index)) index++;
    const args: unknown[] = Array(index).fill(undefined);
    args.push(Promise.resolve(1));
    const error = await failure(exports[name] as AnyFunction, args);
    const param = entry.params[index] ?? `argument ${index + 1}`;
    const want =
      `Cannot call ${name}: ${param} is a Promise, not a value; did you forget await? (e.g. const data = await fashionMnist(...))`;
    if (!(error instanceof TypeError) || error.message !== want) {
      wrong.push(`${name}: ${error instanceof Error ? error.message : "no error"}`);
    }
  }
  assert.deepEqual(wrong, []);
});

Deno.test("the issue's cases: sgd's momentum, a typo, a dataset not awaited", async () => {
  assert.throws(() => minima.sgd({ lr: 0.1, momentum: 0.9 } as never), {
    name: "TypeError",
    message: "Cannot call sgd: unknown option momentum; the options are lr",
  });
  assert.throws(() => minima.heavyBall({ lr: 0.1, momentm: 0.9 } as never), {
    name: "TypeError",
    message:
      "Cannot call heavyBall: unknown option momentm (did you mean momentum?); the options are fullBatch, lr, momentum",
  });
  assert.equal(minima.sgd({ lr: 0.1 }).name, "sgd");
  const data = minima.fashionMnist({ samples: 10, size: 14 });
  const model = minima.mlp([196, 4, 10]);
  await assert.rejects(
    () => minima.train({ model, loss: minima.mse, data } as never, minima.gd({ lr: 0.1 })),
    {
      name: "TypeError",
      message:
        "Cannot call train: objective.data is a Promise, not a value; did you forget await? (e.g. const data = await fashionMnist(...))",
    },
  );
  assert.throws(
    () => minima.mlp([(data as unknown as { inputDim: number }).inputDim, 16, 10]),
    {
      name: "TypeError",
      message:
        "Cannot build the MLP: sizes must be at least two positive integers, current value is [undefined,16,10]; an undefined size often comes from a dataset not awaited (data.inputDim of fashionMnist(...) without await)",
    },
  );
  (await data).dispose();
});

Deno.test("the generic checks share one form: context, name, what it must be, the value", () => {
  assert.throws(() => checkPositive(0, "lr", "Cannot create sgd"), {
    name: "RangeError",
    message: "Cannot create sgd: lr must be a positive finite number, current value is 0",
  });
  assert.throws(() => checkInteger(2.5, "steps", "Cannot train", 1), {
    name: "RangeError",
    message: "Cannot train: steps must be a positive integer, current value is 2.5",
  });
  assert.throws(() => checkInteger(9, "k", "Cannot run Lanczos", 1, 4, { shown: "text" }), {
    message: "Cannot run Lanczos: k must be an integer in [1, 4], current value is 9",
  });
  assert.throws(() => mustBe("x", "mode", "Cannot plot", "a mark", { error: "TypeError" }), {
    name: "TypeError",
    message: 'Cannot plot: mode must be a mark, current value is "x"',
  });
  assert.equal(show(new Float64Array(3)), "a Float64Array of length 3");
  assert.equal(show({ a: [1, 2] }), '{"a":[1,2]}');
});

Deno.test("loops check their call once, not at every step", async () => {
  const data = minima.createDataset([[1, 0], [0, 2], [1, 1], [2, 1]], [[1], [2], [0], [1]]);
  const model = minima.mlp([2, 4, 1]);
  /** checkCall's runs during one call of `run` with this many steps. */
  const checks = async (run: (steps: number) => Promise<unknown>, steps: number) => {
    const before = checkCallCount();
    await run(steps);
    return checkCallCount() - before;
  };
  const loops: Record<string, (steps: number) => Promise<unknown>> = {
    "train (minibatches without replacement)": async (steps) => {
      const optimizer = minima.heavyBall({ lr: 0.05, momentum: 0.9 });
      const run = await minima.train({ model, loss: minima.mse, data }, optimizer, {
        steps,
        every: steps,
        batchSize: 2,
      });
      run.dispose();
    },
    "train (shuffled epochs)": async (steps) => {
      const optimizer = minima.sgd({ lr: 0.05 });
      const run = await minima.train({ model, loss: minima.mse, data }, optimizer, {
        steps,
        every: steps,
        batchSize: 2,
        sampling: "shuffle",
      });
      run.dispose();
    },
    simulateOptimizer: (steps) =>
      minima.simulateOptimizer(
        minima.sgd({ lr: 0.1 }),
        minima.quadraticOracle({ curvature: [1], noiseStd: 1 }),
        { runs: 2, steps, seed: 1 },
      ),
  };
  for (const [name, run] of Object.entries(loops)) {
    await run(2); // the first call starts the backend, which checks calls of its own
    const short = await checks(run, 10), long = await checks(run, 60);
    assert.ok(short > 0, `${name}: no checked call at all`);
    assert.equal(long, short, `${name}: ${short} checks for 10 steps, ${long} for 60`);
  }
  data.dispose();
});
