import assert from "node:assert/strict";
import { hostVectorStore } from "./vector_store.ts";
import { denseOperator } from "./linear_operator.ts";
import { assertAllClose } from "../_test_util.ts";

const A = denseOperator([2, 1, 0, 1, 3, 1, 0, 1, 4], 3);

Deno.test("hostVectorStore: products, inner products, updates and combinations against hand values", async () => {
  const store = hostVectorStore(A);
  assert.equal(store.location, "host");
  const x = [Float64Array.of(1, 0, 0), Float64Array.of(0, 1, 0)];
  const ax = await store.apply(x);
  assertAllClose(ax[0], [2, 1, 0], {}, "A e1");
  assertAllClose(ax[1], [1, 3, 1], {}, "A e2");
  // C[i][j] = x_iᵀ (A x_j): the top-left 2×2 block of A.
  assertAllClose(await store.inner(x, ax), [2, 1, 1, 3], {}, "inner");
  const y = [Float64Array.of(1, 2, 3)];
  // y − (1·x_0 + 2·x_1) leaves (0, 0, 3), in place.
  const [z] = store.subtract(y, x, Float64Array.of(1, 2));
  assert.equal(z, y[0]);
  assertAllClose(z, [0, 0, 3], {}, "subtract");
  const [w, u] = store.combine(x, Float64Array.of(1, 2, 3, 4), 2);
  assertAllClose(w, [1, 3, 0], {}, "combine 0");
  assertAllClose(u, [2, 4, 0], {}, "combine 1");
  assertAllClose(store.scale(u, 0.5), [1, 2, 0], {}, "scale");
  assertAllClose(await store.toHost(u), [1, 2, 0], {}, "toHost");
});

Deno.test("hostVectorStore applies a block through op.matmat when there is one, and checks it", async () => {
  let calls = 0;
  const batched = {
    ...A,
    matmat(vs: readonly Float64Array[]) {
      calls++;
      return vs.map((v) => A.matvec(v) as Float64Array);
    },
  };
  const store = hostVectorStore(batched);
  const out = await store.apply([Float64Array.of(1, 0, 0), Float64Array.of(0, 0, 1)]);
  assert.equal(calls, 1);
  assertAllClose(out[1], [0, 1, 4], {}, "A e3");
  const broken = hostVectorStore({ ...A, matmat: () => [Float64Array.of(1, 2, 3)] });
  await assert.rejects(() => broken.apply([new Float64Array(3), new Float64Array(3)]), {
    name: "TypeError",
    message:
      "Cannot apply the operator: op.matmat must return one vector per input (2), it returned 1",
  });
});
