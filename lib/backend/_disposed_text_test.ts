import assert from "node:assert/strict";
import { tf } from "./tf.ts";
import { setMemoryLimit } from "./memory_limit.ts";

Deno.test("a disposed tensor reads as text, and a check given one names its argument", () => {
  const t = tf.tensor2d([[1, 2]]);
  assert.equal(String(t), "Tensor\n     [[1, 2],]");
  t.dispose();
  assert.equal(String(t), "a disposed tensor of shape [1,2]");
  assert.equal(`${t}`, "a disposed tensor of shape [1,2]");
  assert.equal((t as unknown as number) > 0, false);
  // It used to throw tfjs's "Tensor is disposed." from inside the check.
  assert.throws(
    () => setMemoryLimit(t as unknown as number),
    new RangeError(
      "Cannot set the memory limit: bytes must be a positive number (or undefined for the default), current value is a disposed tensor of shape [1,2]",
    ),
  );
});
