import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { activation, ACTIVATIONS } from "./activation.ts";
import { ACT64 } from "./_float64_reference.ts";
import { assertClose, TOL } from "../_test_util.ts";

const XS = [-2.5, -0.9, -0.2, 0.15, 0.6, 1.7];

for (const name of ACTIVATIONS) {
  Deno.test(`activation("${name}"): value, σ' and σ'' by nested gradients match float64`, async () => {
    const { f, df } = ACT64[name];
    // σ'' in float64 by central differences of the hand-derived σ' (step 1e-5: error ~1e-10).
    const d2f = (z: number) => (df(z + 1e-5) - df(z - 1e-5)) / 2e-5;
    const act = activation(name);
    const x = tf.tensor1d(XS);
    const before = tf.memory().numTensors;
    const [v, g, h] = tf.tidy(() => [
      act(x),
      tf.grad((t: tf.Tensor) => act(t).sum())(x),
      // + 0·Σt keeps t on the tape when σ' does not depend on it (identity).
      tf.grad((t: tf.Tensor) =>
        tf.grad((u: tf.Tensor) => act(u).sum())(t).sum().add(t.sum().mul(0))
      )(x),
    ]);
    const [vv, gv, hv] = [await v.data(), await g.data(), await h.data()];
    XS.forEach((z, i) => {
      assertClose(vv[i], f(z), { atol: 2 * TOL.float32 }, `${name}(${z})`);
      assertClose(gv[i], df(z), { atol: 2 * TOL.float32 }, `${name}'(${z})`);
      assertClose(hv[i], d2f(z), { atol: 1e-4 }, `${name}''(${z})`);
    });
    tf.dispose([v, g, h]);
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  });
}

Deno.test("activation rejects an unknown name with the list of known ones", () => {
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => activation("swish" as any),
    {
      name: "TypeError",
      message:
        'Cannot find the activation: name must be one of "relu", "tanh", "sigmoid", "softplus", "gelu", "silu", "identity", current value is "swish"',
    },
  );
});
