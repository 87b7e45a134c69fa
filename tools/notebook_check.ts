/**
 * Reads an executed notebook and says whether it passed: no error outputs, every claim table
 * present with every claim ✓ (paper claims and identity checks, which hold by construction, are
 * counted apart; a notebook needs at least one paper claim), and every cell that shows a chart produced both the Vega-Lite spec
 * and the SVG. Outputs can be lost when Deno's kernel publishes them after the cell's idle, so a
 * lost output is a failure, never a pass: every output minima creates carries a sequence number
 * (`metadata.minima.seq`) and the runner records how many were created
 * (`metadata.minima.outputs_created`), so a missing number is found wherever it was; a cell that
 * calls a display function and has no output at all is reported by name too. A run that ended
 * early (the runner's `metadata.minima.failure`: a kernel that died, with its exit status, or a
 * cell that timed out) is named first, and the cells after it say why they did not run.
 *
 * @module
 */

/** A claim as the display library records it (application/vnd.minima.claims+json). */
export interface CheckedClaim {
  statement: string;
  /** "claim" (a result of the paper) or "identity" (true by construction); absent means claim. */
  kind?: string;
  actual: unknown;
  expected: unknown;
  relation: string;
  passed: boolean;
  detail: string;
  /** The negative control: the null model, what it measured, and whether it passed the test. */
  control?: { label: string; actual: unknown; holds: boolean; detail: string };
}

/** How a run ended early, as the runner records it in `metadata.minima.failure`. */
export interface RunFailure {
  /** "kernel died", "cell timed out" or "cell raised". */
  kind: string;
  /** The index of the cell that was running, when known. */
  cell: number | null;
  /** The kernel's exit status (negative: killed by that signal), when it died. */
  exit_status?: number | null;
  /** The exit status in words, e.g. "killed by SIGKILL (signal 9)". */
  status?: string;
  /** The cell timeout in seconds, when a cell timed out. */
  timeout?: number;
  /** The error's last line, when a cell raised. */
  message?: string;
}

/** The verdict on one executed notebook. */
export interface NotebookVerdict {
  /** True when there are no problems. */
  passed: boolean;
  /** Every paper claim found, in order. */
  claims: CheckedClaim[];
  /** Every identity check found (true by construction: not counted among the claims), in order. */
  identities: CheckedClaim[];
  /** How many charts (Vega-Lite + SVG) were produced. */
  charts: number;
  /** Code cells, and how many of them ran. */
  cells: { code: number; executed: number };
  /** What went wrong, one line each. */
  problems: string[];
  /** How the run ended early, in words ("the kernel died in cell 4: exit status 134"). */
  stopped?: string;
}

const VEGA_LITE = "application/vnd.vegalite.v5+json";
const SVG = "image/svg+xml";
const CLAIMS = "application/vnd.minima.claims+json";

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  metadata?: { minima?: { seq?: number } };
  ename?: string;
  evalue?: string;
  name?: string;
  text?: string | string[];
}

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
  execution_count?: number | null;
}

/**
 * Checks an executed notebook (the parsed .ipynb JSON).
 *
 * @param notebook The notebook.
 * @returns The verdict.
 */
export function checkNotebook(
  notebook: {
    cells: Cell[];
    metadata?: { minima?: { outputs_created?: number | null; failure?: RunFailure } };
  },
): NotebookVerdict {
  const problems: string[] = [];
  const failure = notebook.metadata?.minima?.failure;
  const stopped = failure ? describeFailure(failure, notebook.cells) : undefined;
  // The death of the kernel (or a timeout) comes first: the cells after it only follow from it.
  if (stopped && failure?.kind !== "cell raised") problems.push(stopped);
  const claims: CheckedClaim[] = [];
  const identities: CheckedClaim[] = [];
  let charts = 0, code = 0, executed = 0;
  /** Output sequence number → the index of the cell it arrived in. */
  const arrived = new Map<number, number>();
  notebook.cells.forEach((cell, index) => {
    if (cell.cell_type !== "code") return;
    code++;
    const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
    const outputs = cell.outputs ?? [];
    const where = `cell ${index} (${firstLine(source)})`;
    if (cell.execution_count === null || cell.execution_count === undefined) {
      if (source.trim() !== "") {
        problems.push(
          `${where} did not run${
            failure && failure.cell !== null && failure.cell < index
              ? ` (${
                failure.kind === "kernel died"
                  ? `the kernel had died in cell ${failure.cell}`
                  : failure.kind === "cell timed out"
                  ? `cell ${failure.cell} timed out`
                  : `cell ${failure.cell} raised`
              })`
              : ""
          }`,
        );
      }
      return;
    }
    executed++;
    for (const out of outputs) {
      const seq = out.metadata?.minima?.seq;
      if (typeof seq === "number") arrived.set(seq, index);
      if (out.output_type === "error") {
        problems.push(`${where} raised ${out.ename}: ${(out.evalue ?? "").split("\n")[0]}`);
      }
      const data = out.data ?? {};
      if (VEGA_LITE in data) {
        if (SVG in data) charts++;
        else problems.push(`${where} produced a Vega-Lite chart without its SVG rendering`);
      }
      if (CLAIMS in data) {
        const found = (data[CLAIMS] as { claims?: CheckedClaim[] }).claims ?? [];
        for (const c of found) {
          const isIdentity = c.kind === "identity";
          (isIdentity ? identities : claims).push(c);
          if (!c.passed) {
            problems.push(
              `${isIdentity ? "identity check" : "claim"} failed: ${c.statement} (${c.detail})`,
            );
          }
        }
      }
    }
    const code_ = stripComments(source);
    const hasErrorOutput = outputs.some((o) => o.output_type === "error");
    if (hasErrorOutput) return;
    if (
      /\bshow\s*\(/.test(code_) &&
      !outputs.some((o) => o.data && VEGA_LITE in o.data && SVG in o.data)
    ) {
      problems.push(`${where} calls show() but no chart output arrived (lost after idle?)`);
    }
    if (
      /\b(claims?|identity)\s*\(/.test(code_) && !outputs.some((o) => o.data && CLAIMS in o.data)
    ) {
      problems.push(`${where} checks claims but no claim table arrived (lost after idle?)`);
    }
    if (/\b(table|md|tex|liveChart|progressBar)\s*[(`]/.test(code_) && outputs.length === 0) {
      problems.push(`${where} displays something but has no output (lost after idle?)`);
    }
  });
  // A cell that raised stops the run before the runner asks for the count.
  const raised = problems.some((p) => p.includes(" raised ")) || failure !== undefined;
  problems.push(...lostOutputs(arrived, notebook.metadata?.minima?.outputs_created, raised));
  if (code > 0 && claims.length === 0) {
    problems.push(
      identities.length > 0
        ? "the notebook checked no claim, only identity checks"
        : "the notebook checked no claim",
    );
  }
  return {
    passed: problems.length === 0,
    claims,
    identities,
    charts,
    cells: { code, executed },
    problems,
    ...(stopped ? { stopped } : {}),
  };
}

/** "the kernel died in cell 4 (await train(...)): killed by SIGKILL (signal 9), ...". */
function describeFailure(failure: RunFailure, cells: Cell[]): string {
  const cell = failure.cell;
  const source = cell !== null && cells[cell]
    ? (Array.isArray(cells[cell].source)
      ? (cells[cell].source as string[]).join("")
      : cells[cell].source as string)
    : "";
  const where = cell === null ? "" : ` in cell ${cell} (${firstLine(source)})`;
  if (failure.kind === "kernel died") {
    const status = failure.status ?? "exit status unknown";
    const hint = failure.exit_status === -9
      ? ", often the system's out-of-memory killer"
      : failure.exit_status === -6
      ? ", an abort inside the runtime or a native library"
      : "";
    return `the kernel died${where}: ${status}${hint}`;
  }
  if (failure.kind === "cell timed out") {
    return `the run stopped${where}: the cell ran past its timeout of ${failure.timeout} s`;
  }
  return `the run stopped${where}: the cell raised ${failure.message ?? "an error"}`;
}

/** The numbered outputs that never arrived, each located between the cells around it. */
function lostOutputs(
  arrived: Map<number, number>,
  created: number | null | undefined,
  raised: boolean,
): string[] {
  const highest = Math.max(0, ...arrived.keys());
  const total = typeof created === "number" ? created : highest;
  const problems: string[] = [];
  for (let seq = 1; seq <= total; seq++) {
    if (arrived.has(seq)) continue;
    let before: number | undefined, after: number | undefined;
    for (let k = seq - 1; k >= 1 && before === undefined; k--) before = arrived.get(k);
    for (let k = seq + 1; k <= highest && after === undefined; k++) after = arrived.get(k);
    const where = before === undefined
      ? after === undefined ? "" : ` (before cell ${after})`
      : after === undefined
      ? ` (after cell ${before})`
      : before === after
      ? ` (in cell ${before})`
      : ` (between cells ${before} and ${after})`;
    problems.push(`output #${seq} of ${total} never arrived${where}: lost after its cell's idle`);
  }
  if (created === null && highest > 0 && !raised) {
    problems.push("the runner could not ask the kernel how many outputs it created");
  }
  return problems;
}

function firstLine(source: string): string {
  const line = source.split("\n").find((l) => l.trim() !== "") ?? "";
  return line.length > 60 ? line.slice(0, 57) + "..." : line;
}

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
}
