import assert from "node:assert/strict";
import { md } from "./text.ts";

Deno.test("md names what is neither a string nor a template", async () => {
  // It failed with "strings.reduce is not a function".
  await assert.rejects(
    () => md(-1 as never),
    new TypeError(
      "Cannot show the Markdown: give a string or use md as a template tag (md`…`), current value is -1",
    ),
  );
});
