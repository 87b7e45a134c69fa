/**
 * mathjs for `deno bundle` (esbuild reads no `import defer`): the same instance as
 * `_mathjs.ts`, evaluated when the bundle starts. `tools/gpu_bundle.ts` maps `_mathjs.ts` to
 * this file.
 *
 * @module
 */
import * as bundle from "mathjs/lib/browser/math.js";
import type { MathJsInstance } from "mathjs";

/** minima's mathjs instance. */
export function mathjs(): MathJsInstance {
  return (bundle as unknown as { default: MathJsInstance }).default;
}
