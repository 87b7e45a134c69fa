import assert from "node:assert/strict";
import { checkNotebook } from "./notebook_check.ts";

const claimOutput = (passed: boolean) => ({
  output_type: "display_data",
  data: {
    "application/vnd.minima.claims+json": {
      claims: [{ statement: "x", actual: 1, expected: 1, relation: "≈", passed, detail: "d" }],
    },
    "text/plain": "table",
  },
});
const chart = (svg: boolean) => ({
  output_type: "display_data",
  data: { "application/vnd.vegalite.v5+json": {}, ...(svg ? { "image/svg+xml": "<svg/>" } : {}) },
});
const code = (source: string, outputs: unknown[], count: number | null = 1) =>
  ({
    cell_type: "code",
    source,
    outputs,
    execution_count: count,
  }) as never;

Deno.test("checkNotebook passes a notebook whose charts and claims all arrived", () => {
  const v = checkNotebook({
    cells: [
      code("await show(spec)", [chart(true)]),
      code("await claims([...])", [claimOutput(true)]),
    ],
  });
  assert.deepEqual(v.problems, []);
  assert.equal(v.charts, 1);
  assert.equal(v.claims.length, 1);
});

Deno.test("checkNotebook fails lost outputs, charts without SVG, failed claims and errors", () => {
  const v = checkNotebook({
    cells: [
      code("await show(spec)", []),
      code("await show(other)", [chart(false)]),
      code("await claim('x', 1, 1)", [claimOutput(false)]),
      code("await table(rows)", []),
      code("throw new Error('boom')", [{ output_type: "error", ename: "Error", evalue: "boom" }]),
      code("later()", [], null),
    ],
  });
  assert.deepEqual(v.problems, [
    "cell 0 (await show(spec)) calls show() but no chart output arrived (lost after idle?)",
    "cell 1 (await show(other)) produced a Vega-Lite chart without its SVG rendering",
    "cell 1 (await show(other)) calls show() but no chart output arrived (lost after idle?)",
    "claim failed: x (d)",
    "cell 3 (await table(rows)) displays something but has no output (lost after idle?)",
    "cell 4 (throw new Error('boom')) raised Error: boom",
    "cell 5 (later()) did not run",
  ]);
});

Deno.test("checkNotebook requires at least one claim and ignores calls in comments", () => {
  const v = checkNotebook({ cells: [code("// await show(x)\nconst a = 1;", [])] });
  assert.deepEqual(v.problems, ["the notebook checked no claim"]);
});

Deno.test("checkNotebook finds a lost output by its missing sequence number, also at the end", () => {
  const numbered = (seq: number) => ({
    output_type: "display_data",
    data: { "text/plain": "x" },
    metadata: { minima: { seq } },
  });
  const cells = [
    code("await md`a`", [numbered(1)]),
    code("await md`b`; await md`c`", [numbered(2)]),
    code("await claims([...])", [{ ...claimOutput(true), metadata: { minima: { seq: 4 } } }]),
  ];
  const v = checkNotebook({ cells, metadata: { minima: { outputs_created: 5 } } });
  assert.deepEqual(v.problems, [
    "output #3 of 5 never arrived (between cells 1 and 2): lost after its cell's idle",
    "output #5 of 5 never arrived (after cell 2): lost after its cell's idle",
  ]);
  const complete = checkNotebook({
    cells: [
      code("await md`a`", [numbered(1)]),
      code("await claim(1)", [{ ...claimOutput(true), metadata: { minima: { seq: 2 } } }]),
    ],
    metadata: { minima: { outputs_created: 2 } },
  });
  assert.deepEqual(complete.problems, []);
});

Deno.test("checkNotebook counts identity checks apart from claims and reports failures by kind", () => {
  const table = (rows: Record<string, unknown>[]) => ({
    output_type: "display_data",
    data: { "application/vnd.minima.claims+json": { claims: rows }, "text/plain": "table" },
  });
  const row = (statement: string, kind: string | undefined, passed: boolean) => ({
    statement,
    ...(kind ? { kind } : {}),
    actual: 1,
    expected: 1,
    relation: "≈",
    passed,
    detail: "d",
    ...(statement === "with control"
      ? { control: { label: "GD", actual: 0, holds: false, detail: "c" } }
      : {}),
  });
  const v = checkNotebook({
    cells: [code("await claims([...])", [
      table([
        row("old payload", undefined, true),
        row("with control", "claim", true),
        row("Cauchy–Schwarz", "identity", true),
        row("throws at κ = 16", "identity", false),
      ]),
    ])],
  });
  assert.deepEqual(v.claims.map((c) => c.statement), ["old payload", "with control"]);
  assert.deepEqual(v.identities.map((c) => c.statement), ["Cauchy–Schwarz", "throws at κ = 16"]);
  assert.equal(v.claims[1].control?.label, "GD");
  assert.deepEqual(v.problems, ["identity check failed: throws at κ = 16 (d)"]);
  const onlyIdentities = checkNotebook({
    cells: [code("await identity(...)", [table([row("x ≥ 0", "identity", true)])])],
  });
  assert.deepEqual(onlyIdentities.problems, [
    "the notebook checked no claim, only identity checks",
  ]);
});

Deno.test("checkNotebook names a kernel's death first, with its exit status, and why later cells did not run", () => {
  const cells = [
    code("await claim('x', 1, 1)", [claimOutput(true)]),
    code("const big = train(model)", [], 2),
    code("await show(spec)", [], null),
  ];
  const died = (exit_status: number, status: string) =>
    checkNotebook({
      cells,
      metadata: { minima: { failure: { kind: "kernel died", cell: 1, exit_status, status } } },
    });
  const v = died(-9, "killed by SIGKILL (signal 9)");
  assert.equal(v.passed, false);
  assert.equal(
    v.stopped,
    "the kernel died in cell 1 (const big = train(model)): killed by SIGKILL (signal 9), " +
      "often the system's out-of-memory killer",
  );
  assert.deepEqual(v.problems, [
    v.stopped,
    "cell 2 (await show(spec)) did not run (the kernel had died in cell 1)",
  ]);
  assert.equal(
    died(-6, "killed by SIGABRT (signal 6)").stopped,
    "the kernel died in cell 1 (const big = train(model)): killed by SIGABRT (signal 6), " +
      "an abort inside the runtime or a native library",
  );
  assert.equal(
    died(3, "exit status 3").stopped,
    "the kernel died in cell 1 (const big = train(model)): exit status 3",
  );
  const timedOut = checkNotebook({
    cells,
    metadata: { minima: { failure: { kind: "cell timed out", cell: 1, timeout: 60 } } },
  });
  assert.deepEqual(timedOut.problems, [
    "the run stopped in cell 1 (const big = train(model)): the cell ran past its timeout of 60 s",
    "cell 2 (await show(spec)) did not run (cell 1 timed out)",
  ]);
  // A cell that raised is reported by its error output already; the cause is still named.
  const raised = checkNotebook({
    cells: [
      code("await claim('x', 1, 1)", [claimOutput(true)]),
      code("throw new Error('boom')", [{ output_type: "error", ename: "Error", evalue: "boom" }]),
      code("later()", [], null),
    ],
    metadata: {
      minima: { failure: { kind: "cell raised", cell: 1, message: "Error: boom" } },
    },
  });
  assert.deepEqual(raised.problems, [
    "cell 1 (throw new Error('boom')) raised Error: boom",
    "cell 2 (later()) did not run (cell 1 raised)",
  ]);
  assert.equal(
    raised.stopped,
    "the run stopped in cell 1 (throw new Error('boom')): the cell raised Error: boom",
  );
});
