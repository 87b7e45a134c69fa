import assert from "node:assert/strict";
import { createDataset, reshapeInputs } from "../data/mod.ts";
import { disposeParams, flattenParams, mse, smallCnn } from "../nn/mod.ts";
import { filterNormalizedDirection } from "./filter_normalized_direction.ts";
import { assertClose } from "../_test_util.ts";

Deno.test("filterNormalizedDirection: each convolution filter (output channel) gets the norm of θ's", async () => {
  const model = smallCnn({ inputShape: [4, 4, 1], outputDim: 2, width: 0.25, norm: "batch" });
  const flat = createDataset([Array(16).fill(0)], [[0, 0]]);
  const data = reshapeInputs(flat, [4, 4, 1]);
  const params = model.init(3);
  const d = await filterNormalizedDirection({ model, loss: mse, data, params }, { seed: 1 });
  const theta = await flattenParams(params);
  let offset = 0;
  for (const spec of model.paramSpecs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.shape.length === 4) {
      const cout = spec.shape[3];
      for (let j = 0; j < cout; j++) {
        let nt = 0, nd = 0;
        for (let i = j; i < size; i += cout) {
          nt += theta[offset + i] ** 2;
          nd += d[offset + i] ** 2;
        }
        assertClose(Math.sqrt(nd), Math.sqrt(nt), { rtol: 1e-9 }, `${spec.name}[…, ${j}]`);
      }
    } else if (spec.shape.length === 1) {
      assert.ok(d.subarray(offset, offset + size).every((v) => v === 0), `${spec.name} is 0`);
    }
    offset += size;
  }
  disposeParams(params);
  data.dispose();
  flat.dispose();
});
