import assert from "node:assert/strict";
import { denseOperator } from "./linear_operator.ts";
import { hostVectorStore } from "./vector_store.ts";

// Each read a property of undefined or null before.
Deno.test("denseOperator and hostVectorStore name a matrix or operator that is missing", () => {
  assert.throws(
    () => denseOperator(undefined as never, 2),
    new TypeError(
      "Cannot wrap the matrix: matrix must be an array of dim² = 4 numbers, current value is undefined",
    ),
  );
  assert.throws(
    () => hostVectorStore(null as never),
    new TypeError(
      "Cannot apply the operator: op must be a LinearOperator (e.g. denseOperator or hessianOperator), current value is null",
    ),
  );
});
