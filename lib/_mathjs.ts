/**
 * mathjs, loaded when first used. Private to minima: symbolic losses and mathjs games parse and
 * differentiate with it; nothing else needs it.
 *
 * mathjs's ES modules are 1,262 files that take about 0.2 s to load and over a second to
 * evaluate, which importing minima used to pay up front. Its single-file browser build, imported
 * deferred, costs nothing until the first call here, which evaluates it (about 0.6 s). The
 * instance is minima's own: it is not the `"mathjs"` module a notebook may import, so nothing a
 * notebook adds to its mathjs changes what minima parses.
 *
 * @module
 */
import defer * as bundle from "mathjs/lib/browser/math.js";
import type { MathJsInstance } from "mathjs";

/** minima's mathjs instance (evaluated on the first call). */
export function mathjs(): MathJsInstance {
  return (bundle as unknown as { default: MathJsInstance }).default;
}
