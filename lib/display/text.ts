import { emit } from "./_kernel.ts";

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
 * assert.equal(await md`threshold 2/η = ${2 / lr}`, "threshold 2/η = 20");
 * ```
 *
 * @param strings The Markdown (template parts or one string).
 * @param values Values placed between template parts.
 * @returns The Markdown text.
 */
export async function md(
  strings: TemplateStringsArray | string,
  ...values: unknown[]
): Promise<string> {
  const text = typeof strings === "string"
    ? strings
    : strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ""), "");
  if (!(await emit({ "text/markdown": text, "text/plain": text }))) console.log(text);
  return text;
}

/**
 * Shows a LaTeX formula as display math: typeset in a notebook, printed as the source elsewhere.
 *
 * @example
 * ```ts
 * import { tex } from "minima";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await tex("a \\le 2/\\eta"), "$$a \\le 2/\\eta$$");
 * ```
 *
 * @param latex The formula, without dollar signs.
 * @returns The display-math text.
 */
export async function tex(latex: string): Promise<string> {
  if (typeof latex !== "string") {
    throw new TypeError(
      `Cannot show the formula: latex must be a string, current value is ${String(latex)}`,
    );
  }
  const text = `$$${latex}$$`;
  if (!(await emit({ "text/latex": text, "text/markdown": text, "text/plain": latex }))) {
    console.log(latex);
  }
  return text;
}
