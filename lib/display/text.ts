import { emit, quiet } from "./_kernel.ts";
import { checkCall } from "../_checks.ts";

/** What {@linkcode md} and {@linkcode tex} showed. */
export interface TextResult {
  /** The text as sent (Markdown, or display math). */
  text: string;
  /** True when it went to a notebook. */
  displayed: boolean;
}

/**
 * Shows Markdown: rendered in a notebook, printed as is elsewhere. Works as a tagged template
 * (md`# Result ${x}`) or a plain call (md("# Result")).
 *
 * @example
 * ```ts
 * import { md } from "minima";
 * import assert from "node:assert/strict";
 *
 * const lr = 0.1;
 * assert.equal((await md`threshold 2/η = ${2 / lr}`).text, "threshold 2/η = 20");
 * ```
 *
 * @param strings The Markdown (template parts or one string).
 * @param values Values placed between template parts.
 * @returns The text shown.
 */
export async function md(
  strings: TemplateStringsArray | string,
  ...values: unknown[]
): Promise<TextResult> {
  checkCall("md", arguments);
  if (typeof strings !== "string" && !Array.isArray(strings)) {
    throw new TypeError(
      `Cannot show the Markdown: give a string or use md as a template tag (md\`…\`), current value is ${
        String(strings)
      }`,
    );
  }
  const text = typeof strings === "string"
    ? strings
    : strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ""), "");
  const displayed = await emit({ "text/markdown": text, "text/plain": text });
  if (!displayed) console.log(text);
  return quiet({ text, displayed });
}

/**
 * Shows a LaTeX formula as display math: typeset in a notebook, printed as the source elsewhere.
 *
 * @example
 * ```ts
 * import { tex } from "minima";
 * import assert from "node:assert/strict";
 *
 * assert.equal((await tex("a \\le 2/\\eta")).text, "$$a \\le 2/\\eta$$");
 * ```
 *
 * @param latex The formula, without dollar signs.
 * @returns The display-math text shown.
 */
export async function tex(latex: string): Promise<TextResult> {
  checkCall("tex", arguments);
  if (typeof latex !== "string") {
    throw new TypeError(
      `Cannot show the formula: latex must be a string, current value is ${String(latex)}`,
    );
  }
  const text = `$$${latex}$$`;
  const displayed = await emit({ "text/latex": text, "text/markdown": text, "text/plain": latex });
  if (!displayed) console.log(latex);
  return quiet({ text, displayed });
}
