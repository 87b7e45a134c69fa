import assert from "node:assert/strict";
import { help } from "./help.ts";
import { train } from "../optim/mod.ts";
import { Rng } from "../random/mod.ts";

Deno.test("help(train): summary, signature, the options table with defaults, the example", async () => {
  const h = await help(train);
  assert.equal(h.name, "train");
  assert.equal(h.displayed, false);
  const lines = h.markdown.split("\n");
  assert.equal(lines[0], "### train");
  assert.match(h.markdown, /```ts\ntrain\(objective: Objective, optimizer: Optimizer, options/);
  assert.match(h.markdown, /^Trains a model: the optimizer's steps on minibatches/m);
  // One row per option, in the declared order, with its @default.
  assert.ok(lines.includes("| `steps` | `number` | 100 | Optimizer steps. |"));
  assert.ok(lines.includes("| option | type | default | |"));
  assert.match(h.markdown, /\*\*Example\*\*: Gradient descent on a linear regression/);
  assert.match(h.markdown, /\*Defined in `lib\/optim\/train.ts`\.\*$/);
  // The text form drops the Markdown.
  assert.match(h.text, /^train\n=====\n/);
  assert.ok(!h.text.includes("```") && !h.text.includes("**"));
  assert.match(h.text, /^ {2}steps {2}number {2}100 {2}Optimizer steps\.$/m);
});

Deno.test("help of a class, a constant and a name; unknown names suggest close ones", async () => {
  assert.match((await help(Rng)).markdown, /^### Rng\n\n```ts\nnew Rng\(seed: Seed\)/);
  assert.match(
    (await help("BACKEND_NAMES")).markdown,
    /const BACKEND_NAMES: readonly BackendName\[\]/,
  );
  await assert.rejects(() => help("sharpnes"), {
    name: "TypeError",
    message: "Cannot show help: sharpnes is not an export of minima; did you mean sharpness?",
  });
  await assert.rejects(() => help("zzz"), {
    name: "TypeError",
    message: "Cannot show help: zzz is not an export of minima",
  });
  await assert.rejects(() => help((() => 1) as never), {
    name: "TypeError",
    message:
      'Cannot show help: give a minima function or the name of an export, e.g. help(train) or help("train"), current value is an anonymous function',
  });
});
