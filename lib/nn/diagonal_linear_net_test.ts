import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { diagonalLinearNet } from "./diagonal_linear_net.ts";
import { disposeParams } from "./params.ts";
import { assertAllClose, TOL } from "../_test_util.ts";

const X = [[0.5, -1.2, 0.3], [1.5, 0.2, -0.7]];
const U = [0.9, -0.4, 1.3], V = [0.2, 0.8, -0.5];

Deno.test("diagonalLinearNet: f(x) = ⟨u^L − v^L, x⟩ against float64, for L = 2 and 3, and with per-sample parameters", async () => {
  for (const depth of [2, 3]) {
    const net = diagonalLinearNet(3, { depth });
    assert.equal(net.degree, depth);
    const before = tf.memory().numTensors;
    const params = [tf.tensor1d(U), tf.tensor1d(V)];
    const x = tf.tensor2d(X);
    const out = net.apply(params, x);
    const w = U.map((u, j) => u ** depth - V[j] ** depth);
    const want = X.map((r) => r.reduce((s, v, j) => s + v * w[j], 0));
    assertAllClose(await out.data(), want, { rtol: TOL.float32, atol: 1e-6 }, `L=${depth}`);
    const stacked = tf.tidy(() => params.map((p) => tf.stack([p, tf.mul(p, 2)])));
    const perOut = net.apply(stacked, x);
    const per = await perOut.data();
    assertAllClose(per, [want[0], 2 ** depth * want[1]], { rtol: TOL.float32, atol: 1e-6 });
    disposeParams([params, stacked, [x, out, perOut]]);
    assert.equal(tf.memory().numTensors, before);
  }
});

Deno.test("diagonalLinearNet: u = v = α at initialization, whatever the seed", async () => {
  const net = diagonalLinearNet(4, { initScale: 3 });
  const [a, b] = [net.init(0), net.init(9)];
  assert.deepEqual(Array.from(await a[0].data()), [3, 3, 3, 3]);
  assert.deepEqual(Array.from(await b[1].data()), [3, 3, 3, 3]);
  assert.equal(net.numParams, 8);
  disposeParams([a, b]);
});

Deno.test("diagonalLinearNet: bad sizes are typed errors", () => {
  assert.throws(() => diagonalLinearNet(0), {
    name: "TypeError",
    message:
      "Cannot build the diagonal linear net: inputDim must be a positive integer, current value is 0",
  });
  assert.throws(() => diagonalLinearNet(3, { depth: 1.5 }), {
    name: "RangeError",
    message:
      "Cannot build the diagonal linear net: depth must be a positive integer, current value is 1.5",
  });
  assert.throws(() => diagonalLinearNet(3, { initScale: -1 }), {
    name: "RangeError",
    message:
      "Cannot build the diagonal linear net: initScale must be a non-negative number, current value is -1",
  });
  const net = diagonalLinearNet(3);
  const p = net.init(0), x = tf.tensor2d([[1, 2]]);
  assert.throws(() => net.apply(p, x), {
    name: "TypeError",
    message:
      "Cannot apply the diagonal linear net: x must have shape [n, 3], current shape is [1,2]",
  });
  disposeParams([p, [x]]);
});
