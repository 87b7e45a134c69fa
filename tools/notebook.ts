/**
 * Converts between a notebook and a "percent" script, so notebooks can be written and reviewed
 * as plain text. Cells start with `// %%` (code) or `// %% [markdown]` (Markdown, each line
 * prefixed by `// `); cell tags go after the marker: `// %% tags=["claims"]`.
 *
 *   deno run -A tools/notebook.ts from-script notebooks/src.ts notebooks/00_tour.ipynb
 *   deno run -A tools/notebook.ts to-script notebooks/00_tour.ipynb
 *
 * Notebooks are saved without outputs and are bound to the minima kernel.
 *
 * @module
 */

/** A notebook cell as stored in .ipynb. */
export interface NotebookCell {
  cell_type: "code" | "markdown";
  metadata: Record<string, unknown>;
  source: string[];
  outputs?: unknown[];
  execution_count?: number | null;
  id?: string;
}

/** The minima kernel's metadata for a notebook. */
export const NOTEBOOK_METADATA = {
  kernelspec: { name: "minima", display_name: "minima (Deno)", language: "typescript" },
  language_info: {
    name: "typescript",
    file_extension: ".ts",
    mimetype: "text/x.typescript",
    codemirror_mode: "typescript",
    pygments_lexer: "typescript",
    nbconvert_exporter: "script",
    version: "5",
  },
};

/**
 * Parses a percent script into a notebook (nbformat 4.5, no outputs).
 *
 * @param script The script text.
 * @returns The notebook JSON.
 */
export function notebookFromScript(script: string): Record<string, unknown> {
  const cells: NotebookCell[] = [];
  let current: { type: "code" | "markdown"; tags: string[]; lines: string[] } | undefined;
  const flush = () => {
    if (!current) return;
    while (current.lines.length > 0 && current.lines.at(-1)!.trim() === "") current.lines.pop();
    while (current.lines.length > 0 && current.lines[0].trim() === "") current.lines.shift();
    const text = current.type === "markdown"
      ? current.lines.map((l) => l.replace(/^\/\/ ?/, "")).join("\n")
      : current.lines.join("\n");
    const metadata = current.tags.length > 0 ? { tags: current.tags } : {};
    const id = `cell-${cells.length}`;
    const source = text.split("\n").map((l, i, all) => (i < all.length - 1 ? l + "\n" : l));
    cells.push(
      current.type === "code"
        ? { cell_type: "code", id, metadata, source, outputs: [], execution_count: null }
        : { cell_type: "markdown", id, metadata, source },
    );
  };
  for (const line of script.split("\n")) {
    const marker = /^\/\/ %%(\s*\[markdown\])?(?:\s+tags=(\[.*\]))?\s*$/.exec(line);
    if (marker) {
      flush();
      current = {
        type: marker[1] ? "markdown" : "code",
        tags: marker[2] ? JSON.parse(marker[2]) : [],
        lines: [],
      };
    } else {
      current ??= { type: "code", tags: [], lines: [] };
      current.lines.push(line);
    }
  }
  flush();
  return { cells, metadata: NOTEBOOK_METADATA, nbformat: 4, nbformat_minor: 5 };
}

/**
 * Writes a notebook back as a percent script (outputs dropped).
 *
 * @param notebook The notebook JSON.
 * @returns The script.
 */
export function scriptFromNotebook(notebook: { cells: NotebookCell[] }): string {
  return notebook.cells.map((cell) => {
    const source = Array.isArray(cell.source) ? cell.source.join("") : String(cell.source);
    const tags = (cell.metadata?.tags as string[] | undefined) ?? [];
    const marker = `// %%${cell.cell_type === "markdown" ? " [markdown]" : ""}${
      tags.length ? ` tags=${JSON.stringify(tags)}` : ""
    }`;
    const body = cell.cell_type === "markdown"
      ? source.split("\n").map((l) => (l ? `// ${l}` : "//")).join("\n")
      : source;
    return `${marker}\n${body}\n`;
  }).join("\n");
}

if (import.meta.main) {
  const [command, input, output] = Deno.args;
  if (command === "from-script" && input && output) {
    const nb = notebookFromScript(await Deno.readTextFile(input));
    await Deno.writeTextFile(output, JSON.stringify(nb, null, 1) + "\n");
    console.log(`wrote ${output} (${(nb.cells as unknown[]).length} cells)`);
  } else if (command === "to-script" && input) {
    const text = scriptFromNotebook(JSON.parse(await Deno.readTextFile(input)));
    if (output) await Deno.writeTextFile(output, text);
    else console.log(text);
  } else {
    console.error(
      "usage: notebook.ts from-script SCRIPT.ts OUT.ipynb | to-script NOTEBOOK.ipynb [OUT.ts]",
    );
    Deno.exit(2);
  }
}
