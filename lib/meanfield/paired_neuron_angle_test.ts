import assert from "node:assert/strict";
import { assertClose } from "../_test_util.ts";
import { meanFieldTwoLayerNet } from "./mean_field_two_layer_net.ts";
import { pairedNeuronAngle } from "./paired_neuron_angle.ts";

Deno.test("pairedNeuronAngle: arccos of the paired directions, over the first count neurons", () => {
  const narrow = meanFieldTwoLayerNet(3, 4), wide = meanFieldTwoLayerNet(3, 8);
  const a = narrow.neurons(narrow.init(1)), b = wide.neurons(wide.init(1));
  assert.equal(pairedNeuronAngle(a, b).mean, 0); // nested initialization: the same first 4
  const c = wide.neurons(wide.init(2));
  const r = pairedNeuronAngle(b, c, { count: 3 });
  assert.equal(r.angles.length, 3);
  for (let j = 0; j < 3; j++) {
    const u = b.directions.slice(3 * j, 3 * j + 3), v = c.directions.slice(3 * j, 3 * j + 3);
    const cos = u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
    assertClose(r.angles[j], Math.acos(cos), { rtol: 1e-12 });
  }
  assertClose(r.mean, (r.angles[0] + r.angles[1] + r.angles[2]) / 3, { rtol: 1e-15 });
  // Opposite directions are π apart.
  const flipped = { ...a, directions: a.directions.map((v) => -v) };
  assertClose(pairedNeuronAngle(a, flipped).mean, Math.PI, { rtol: 1e-7 });
});

Deno.test("pairedNeuronAngle: bad input", () => {
  const net = meanFieldTwoLayerNet(3, 4);
  const a = net.neurons(net.init(0));
  const other = meanFieldTwoLayerNet(2, 4);
  assert.throws(() => pairedNeuronAngle(a, other.neurons(other.init(0))), {
    name: "RangeError",
    message:
      "Cannot compare the neuron directions: the networks must have the same input dimension, current dimensions are 3 and 2",
  });
  assert.throws(() => pairedNeuronAngle(a, a, { count: 5 }), {
    name: "RangeError",
    message:
      "Cannot compare the neuron directions: count must be an integer in [1, 4], current value is 5",
  });
});
