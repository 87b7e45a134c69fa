/**
 * Picks the vector store an estimator runs on: the float64 host store, or the operator's own
 * (device) store. Private to `lib/linalg/`.
 *
 * @module
 */
import type { LinearOperator } from "./linear_operator.ts";
import { hostVectorStore, type VectorLocation, type VectorStore } from "./vector_store.ts";

/** The store for the `vectors` option, checked. */
export function storeFor(
  op: LinearOperator,
  location: VectorLocation | undefined,
  action: string,
): VectorStore<unknown> {
  const where = location ??
    (op.preferredVectors === "device" && typeof op.vectorStore === "function" ? "device" : "host");
  if (where === "host") return hostVectorStore(op, action) as VectorStore<unknown>;
  if (where === "device") {
    if (typeof op.vectorStore !== "function") {
      throw new TypeError(
        `${action}: vectors "device" needs an operator with a vectorStore() (a Hessian operator has one), this operator has none`,
      );
    }
    const store = op.vectorStore();
    if (store.dim !== op.dim) {
      throw new TypeError(
        `${action}: op.vectorStore() has dim ${store.dim}, the operator ${op.dim}`,
      );
    }
    return store;
  }
  throw new TypeError(
    `${action}: vectors must be "host" or "device", current value is ${JSON.stringify(where)}`,
  );
}
