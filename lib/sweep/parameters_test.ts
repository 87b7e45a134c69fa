import assert from "node:assert/strict";
import {
  checkParameterValue,
  injectedParametersSource,
  injectParameters,
  notebookParameters,
  parameterFromText,
  parseParametersCell,
  resolveParameters,
} from "./parameters.ts";

const CELL = `// Defaults of this notebook
const lr = 0.05; // step size
let batch: number = 8
const name = 'run "a"', tag = \`plain\`;
const widths = [8, 16, 1_000];
const flags = { log: true, scale: -1.5e-3 } as const;
/* a block
   comment */
const profile: "fast" | "full" = "fast";
`;

Deno.test("parseParametersCell reads literal declarations with their types", () => {
  const params = parseParametersCell(CELL);
  assert.deepEqual(
    params.map((p) => [p.name, p.keyword, p.value, p.line]),
    [
      ["lr", "const", 0.05, 2],
      ["batch", "let", 8, 3],
      ["name", "const", 'run "a"', 4],
      ["tag", "const", "plain", 4],
      ["widths", "const", [8, 16, 1000], 5],
      ["flags", "const", { log: true, scale: -1.5e-3 }, 6],
      ["profile", "const", "fast", 9],
    ],
  );
  assert.deepEqual(params[4].type, { array: "number" });
  assert.deepEqual(params[5].type, { object: { log: "boolean", scale: "number" } });
});

Deno.test("parseParametersCell rejects what it cannot type, naming the line", () => {
  const cases: [string, RegExp][] = [
    ["const lr = 0.1;\nconst steps = 2 * lr;", /line 2: steps = 2 \* lr is not a literal/],
    ["const f = Math.sqrt(2);", /line 1: f = Math\.sqrt\(2\) is not a literal/],
    ["const xs = [];", /xs is an empty array/],
    ["const xs = [1, 'a'];", /xs mixes element types/],
    ["const x = null;", /x = null is not a literal/],
    ["const t = `a${1}`;", /template string/],
    ["lr = 0.1;", /line 1: expected a const or let declaration, found "lr"/],
    ["const lr;", /lr has no default value/],
    ["const a = 1;\nconst a = 2;", /line 2: a is declared twice/],
    ["const a = 1 const b = 2", /a = 1 const b = 2 is not a literal/],
    ["const a = 'x", /unterminated string/],
  ];
  for (const [source, message] of cases) {
    assert.throws(() => parseParametersCell(source), message, source);
  }
  assert.throws(
    () => parseParametersCell("const lr = 0.1;\nconst steps = 2 * lr;"),
    {
      name: "TypeError",
      message:
        "Cannot read the parameters cell: line 2: steps = 2 * lr is not a literal; parameters take numbers, strings, booleans, and arrays or objects of them (compute derived values in a later cell)",
    },
  );
});

Deno.test("values from text are typed as the defaults, and mismatches are errors", () => {
  assert.equal(parameterFromText("lr", "number", "5e-2"), 0.05);
  assert.equal(parameterFromText("n", "number", "20_000"), 20000);
  assert.equal(parameterFromText("name", "string", "0.5"), "0.5");
  assert.equal(parameterFromText("log", "boolean", "false"), false);
  assert.deepEqual(parameterFromText("w", { array: "number" }, "[1,2]"), [1, 2]);
  assert.throws(() => parameterFromText("lr", "number", "0.1x"), {
    name: "TypeError",
    message: 'Cannot set parameter lr: expected number, got "0.1x"',
  });
  assert.throws(() => parameterFromText("log", "boolean", "yes"), /expected boolean/);
  assert.throws(() => parameterFromText("w", { array: "number" }, "[1,'a']"), /written as JSON/);
  assert.throws(
    () => parameterFromText("w", { array: "number" }, '[1,"a"]'),
    /w\[1\]: expected number/,
  );
  assert.throws(() => checkParameterValue("lr", "number", "0.1"), /expected number, got "0.1"/);
  assert.throws(() => checkParameterValue("lr", "number", NaN), /expected number/);
  assert.throws(
    () => checkParameterValue("f", { object: { a: "number" } }, { a: 1, b: 2 }),
    /unknown key b; its keys are a/,
  );
});

Deno.test("resolveParameters names the unknown parameter and lists the known ones", () => {
  const declared = parseParametersCell("const lr = 0.1;\nconst seed = 0;");
  assert.throws(() => resolveParameters(declared, { eta: 0.1 }, { notebook: "a.ipynb" }), {
    name: "TypeError",
    message:
      "Cannot set parameters of a.ipynb: unknown parameter eta; the notebook declares lr, seed, profile",
  });
  assert.deepEqual(resolveParameters(declared, { seed: 3, profile: "full" }), {
    seed: 3,
    profile: "full",
  });
  assert.throws(() => resolveParameters(declared, { seed: "3" }), /expected number, got "3"/);
  assert.throws(() => resolveParameters(declared, { profile: "huge" }), /"fast" or "full"/);
});

function notebook(source: string, tags = ["parameters"]) {
  return {
    cells: [
      { cell_type: "markdown", metadata: {}, source: ["# title"] },
      { cell_type: "code", metadata: { tags }, source: source.split(/(?<=\n)/) },
      { cell_type: "code", metadata: {}, source: ["console.log(lr)"] },
    ],
    metadata: {},
  };
}

Deno.test("injectParameters adds one tagged cell after the defaults, keeping each keyword", () => {
  const nb = notebook("const lr = 0.1;\nlet widths = [8];\nconst name = 'a';\n");
  const { notebook: out, parameters } = injectParameters(nb, {
    widths: "[16, 32]",
    lr: "0.5",
  }, { fromText: true });
  assert.deepEqual(parameters, { widths: [16, 32], lr: 0.5 });
  assert.equal(out.cells.length, 4);
  assert.equal(nb.cells.length, 3, "the input is not changed");
  const cell = out.cells[2] as { metadata: { tags: string[] }; source: string[] };
  assert.deepEqual(cell.metadata.tags, ["injected-parameters"]);
  assert.equal(
    cell.source.join(""),
    "// Parameters of this run (the defaults are in the cell above).\nconst lr = 0.5;\nlet widths = [16,32];",
  );
  // The injected declarations read back as the values given.
  const back = parseParametersCell(cell.source.join(""));
  assert.deepEqual(back.map((d) => d.value), [0.5, [16, 32]]);
  assert.equal(
    injectedParametersSource(parseParametersCell("const s = 'a';"), { s: 'x"\n' }),
    '// Parameters of this run (the defaults are in the cell above).\nconst s = "x\\"\\n";',
  );
});

Deno.test("a notebook without a parameters cell is rejected with the tag explained", () => {
  const nb = notebook("const lr = 0.1;", []);
  assert.throws(() => injectParameters(nb, { lr: 1 }, { name: "x.ipynb" }), {
    name: "TypeError",
    message: 'Cannot set parameters of x.ipynb: it has no cell tagged "parameters". Tag the code ' +
      'cell that declares the defaults (const lr = 0.05; ...) with "parameters", as papermill ' +
      'does: in a percent script, start it with // %% tags=["parameters"]; in Jupyter, add the ' +
      "tag in the cell's property inspector (or View > Cell Toolbar > Tags)",
  });
  // A profile alone needs no parameters cell.
  assert.deepEqual(injectParameters(nb, { profile: "full" }).parameters, { profile: "full" });
  assert.equal(injectParameters(nb, { profile: "full" }).notebook, nb);
  const two = { cells: [notebook("const a = 1;").cells[1], notebook("const b = 1;").cells[1]] };
  assert.throws(() => notebookParameters(two), /cells 0 and 1 are both tagged "parameters"/);
});
