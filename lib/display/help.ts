import { checkCall, nearest } from "../_checks.ts";
import { emit, quiet } from "./_kernel.ts";

/** What {@linkcode help} showed. */
export interface HelpResult {
  /** The export's name. */
  name: string;
  /** The help as Markdown. */
  markdown: string;
  /** The help as plain text (what a terminal shows). */
  text: string;
  /** True when it went to a notebook. */
  displayed: boolean;
}

/** What {@linkcode help} documents by value: a function or a class of minima's. */
export type Documented =
  | ((...args: never[]) => unknown)
  | (abstract new (...args: never[]) => unknown);

/** One export's documentation, as `deno task docs` stores it. */
interface HelpEntry {
  kind: string;
  summary: string;
  signature: string;
  params: { name: string; doc: string }[];
  options?: {
    param: string;
    type: string;
    list: { name: string; type: string; doc: string; default?: string; required?: boolean }[];
  };
  returns?: string;
  see?: string[];
  examples: { title: string; code: string }[];
  file: string;
}

let data: Promise<Record<string, HelpEntry>> | undefined;

/** The help data, generated from `deno doc --json` and shipped with the library. */
function helpData(): Promise<Record<string, HelpEntry>> {
  data ??= import("./_help_data.json", { with: { type: "json" } }).then((m) =>
    m.default as unknown as Record<string, HelpEntry>
  );
  return data;
}

/**
 * Shows the documentation of a minima function (or class, type or constant) where you are: its
 * summary, signature, parameters, options with their defaults, return value and example, as
 * Markdown in a notebook and as text elsewhere. Deno's kernel does not answer Jupyter's
 * inspect requests (Shift-Tab, `?`), so this is minima's way in. The text comes from the
 * library's own JSDoc, extracted by `deno task docs` and shipped with it: no network, no
 * subprocess.
 *
 * @example
 * ```ts
 * import { help, sgd } from "minima";
 * import assert from "node:assert/strict";
 *
 * const h = await help(sgd);
 * assert.match(h.markdown, /^### sgd/);
 * assert.match(h.markdown, /\| `lr` \| `number` \| required \|/);
 * assert.equal((await help("sgd")).markdown, h.markdown);
 * ```
 *
 * @param what The function or class itself (its name is read), or the name of any export.
 * @returns The Markdown and text shown.
 */
export async function help(what: Documented | string): Promise<HelpResult> {
  checkCall("help", arguments);
  const name = typeof what === "function" ? what.name : what;
  if (typeof name !== "string" || name === "") {
    throw new TypeError(
      `Cannot show help: give a minima function or the name of an export, e.g. help(train) or help("train"), current value is ${
        typeof what === "function" ? "an anonymous function" : String(what)
      }`,
    );
  }
  const all = await helpData();
  const entry = Object.hasOwn(all, name) ? all[name] : undefined;
  if (entry === undefined) {
    // A near miss by spelling, else the exports whose names contain the text.
    const close = nearest(name, Object.keys(all));
    const near = close !== undefined
      ? [close]
      : Object.keys(all).filter((k) => k.toLowerCase().includes(name.toLowerCase())).slice(0, 8);
    throw new TypeError(
      `Cannot show help: ${name} is not an export of minima${
        near.length > 0 ? `; did you mean ${near.join(", ")}?` : ""
      }`,
    );
  }
  const markdown = helpMarkdown(name, entry);
  const text = plain(markdown);
  const displayed = await emit({ "text/markdown": markdown, "text/plain": text });
  if (!displayed) console.log(text);
  return quiet({ name, markdown, text, displayed });
}

/** Markdown table cells keep their pipes and line breaks out of the table's way. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}

/** The Markdown of one export's help. */
function helpMarkdown(name: string, e: HelpEntry): string {
  const out: string[] = [`### ${name}`, "", "```ts", e.signature, "```", "", e.summary];
  const params = e.params.filter((p) => p.doc !== "");
  if (params.length > 0) {
    out.push("", "**Parameters**", "");
    for (const p of params) out.push(`- \`${p.name}\`: ${p.doc.replace(/\s*\n\s*/g, " ")}`);
  }
  if (e.options && e.options.list.length > 0) {
    out.push("", `**Options** (\`${e.options.param}\`: \`${cell(e.options.type)}\`)`, "");
    out.push("| option | type | default | |", "| --- | --- | --- | --- |");
    for (const o of e.options.list) {
      const def = o.default !== undefined ? cell(o.default) : o.required ? "required" : "";
      out.push(`| \`${o.name}\` | \`${cell(o.type)}\` | ${def} | ${cell(o.doc)} |`);
    }
  }
  if (e.returns) out.push("", `**Returns** ${e.returns.replace(/\s*\n\s*/g, " ")}`);
  for (const ex of e.examples) {
    out.push("", `**Example**${ex.title ? `: ${ex.title}` : ""}`, "", "```ts", ex.code, "```");
  }
  if (e.see && e.see.length > 0) {
    out.push("", ...e.see.map((s) => `See: ${s.replace(/\s*\n\s*/g, " ")}`));
  }
  out.push("", `*Defined in \`${e.file}\`.*`);
  return out.join("\n");
}

/** Markdown made readable as plain text. */
function plain(markdown: string): string {
  return markdown
    .replace(/^### (.*)$/gm, (_, t) => `${t}\n${"=".repeat(t.length)}`)
    .replace(/^```\w*$/gm, "")
    .replace(/\*\*(.*?)\*\*/g, "$1")
    .replace(/^\| --- .*$/gm, "")
    .replace(/^\| (.*) \|$/gm, (_, row: string) => "  " + row.split(" | ").join("  "))
    .replace(/\\\|/g, "|")
    .replace(/`/g, "")
    .replace(/^\*(.*)\*$/gm, "$1")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
