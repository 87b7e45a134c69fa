/**
 * The Hessian-vector product costs a small constant times a forward-backward pass in backend
 * work (GPU dispatches on WebGPU, kernel calls elsewhere), moves only v up and Hv down, and
 * agrees between WebGPU (the software adapter in CI) and the CPU backends.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  type BackendName,
  countBackend,
  currentBackend,
  nativeBackendStatus,
  ready,
  tf,
  useBackend,
} from "../backend/mod.ts";
import { createDataset, type Dataset } from "../data/mod.ts";
import { crossEntropy, mlp, type ObjectivePoint } from "../nn/mod.ts";
import { Rng } from "../random/mod.ts";
import { hessianOperator } from "./hessian_operator.ts";
import { lossGradient } from "./loss_gradient.ts";
import { sharpness } from "./sharpness.ts";

/** MLP 784-16-16-10 on 256 random samples: few and small shapes (llvmpipe compiles slowly). */
const SIZES = [784, 16, 16, 10];
const N = 256;

function problem(): { data: Dataset; v: Float64Array; point: ObjectivePoint } {
  const rng = new Rng(7);
  const x = new Float32Array(N * SIZES[0]);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform();
  const labels = Int32Array.from({ length: N }, () => rng.integer(10));
  const data = createDataset({ values: x, shape: [N, SIZES[0]] }, labels, {
    targets: "integer",
    numClasses: 10,
  });
  const model = mlp(SIZES);
  const v = Float64Array.from({ length: model.numParams }, () => rng.normal());
  return { data, v, point: { model, loss: crossEntropy, data, params: model.init(3) } };
}

interface Measured {
  gradWork: number;
  hvpWork: number;
  hvpUploadBytes: number;
  hvpReadbacks: number;
  hv: Float64Array;
}

async function measure(backend: BackendName): Promise<Measured> {
  const previous = currentBackend().name;
  await useBackend(backend, { quiet: true });
  const { data, v, point } = problem();
  const op = hessianOperator(point);
  try {
    // Warm-up (shader compilation on WebGPU), then one counted pass of each.
    tf.dispose((await lossGradient(point)).gradient);
    await op.matvec(v);
    const grad = await countBackend(() => lossGradient(point));
    tf.dispose(grad.value.gradient);
    const hvp = await countBackend(() => op.matvec(v));
    return {
      gradWork: grad.counters.dispatches,
      hvpWork: hvp.counters.dispatches,
      hvpUploadBytes: hvp.counters.uploadBytes,
      hvpReadbacks: hvp.counters.blockingReadbacks,
      hv: hvp.value,
    };
  } finally {
    op.dispose();
    tf.dispose(point.params);
    data.dispose();
    await useBackend(previous, { quiet: true });
  }
}

const cpuSide: BackendName = nativeBackendStatus().available ? "native" : "cpu";

Deno.test(`HVP: at most 3× the kernel calls of a forward-backward pass on ${cpuSide}, v up once`, async () => {
  const m = await measure(cpuSide);
  const dim = m.hv.length;
  // 241 against 92 kernel calls when written (Identity, Reshape and Cast included).
  assert.ok(m.hvpWork <= 3 * m.gradWork, `HVP ${m.hvpWork} kernel calls, pass ${m.gradWork}`);
  // v goes up once (float32), plus a few scalars (the 1/n scale, the seed of each pass).
  assert.ok(m.hvpUploadBytes <= 4 * dim + 64, `uploaded ${m.hvpUploadBytes} bytes, d = ${dim}`);
  assert.equal(m.hvpReadbacks, 0);
});

Deno.test({
  name: "HVP on webgpu: at most 2.5× the dispatches of a forward-backward pass; agrees with CPU",
  ignore: (await ready()).adapter === undefined, // ready() probes the adapter
  fn: async () => {
    const gpu = await measure("webgpu");
    // 114 against 52 dispatches when written (tfjs's ⟨g, v⟩ seeding and host-made ones: 145).
    assert.ok(gpu.hvpWork <= 2.5 * gpu.gradWork, `HVP ${gpu.hvpWork}, pass ${gpu.gradWork}`);
    assert.ok(gpu.hvpUploadBytes <= 4 * gpu.hv.length + 64, `uploaded ${gpu.hvpUploadBytes}`);
    assert.equal(gpu.hvpReadbacks, 0);
    const cpu = await measure(cpuSide);
    let diff = 0, norm = 0;
    for (let i = 0; i < cpu.hv.length; i++) {
      diff += (gpu.hv[i] - cpu.hv[i]) ** 2;
      norm += cpu.hv[i] ** 2;
    }
    // Float32 products summed over 256 samples in different orders.
    assert.ok(Math.sqrt(diff / norm) < 1e-4, `relative difference ${Math.sqrt(diff / norm)}`);
  },
});

Deno.test({
  name:
    "sharpness on webgpu keeps its Lanczos vectors on the device by default: no d-vector per step",
  ignore: (await ready()).adapter === undefined,
  fn: async () => {
    const previous = currentBackend().name;
    const { data, point } = problem();
    try {
      const host = hessianOperator(point);
      assert.equal(host.preferredVectors, previous === "webgpu" ? "device" : "host");
      host.dispose();
      await useBackend("webgpu", { quiet: true });
      const op = hessianOperator(point);
      assert.equal(op.preferredVectors, "device");
      op.dispose();
      const run = () => sharpness(point, { maxIterations: 4, tol: 1e-5, blockSize: 1 });
      await run(); // shaders
      const counted = await countBackend(run);
      const d = point.model.numParams;
      const steps = counted.value.iterations;
      // The final eigenvector comes back once (4·d bytes); per step only small matrices of
      // inner products (the host path moves 4·d bytes each way per product).
      const perStep = (counted.counters.downloadBytes - 4 * d) / steps;
      assert.ok(perStep < 0.05 * 4 * d, `${perStep} bytes down per step, d = ${d}`);
      assert.ok(
        counted.counters.uploadBytes < 4 * d + 64 * steps,
        `${counted.counters.uploadBytes} bytes up over ${steps} steps, d = ${d}`,
      );
      assert.equal(counted.counters.blockingReadbacks, 0);
    } finally {
      await useBackend(previous, { quiet: true });
      tf.dispose(point.params);
      data.dispose();
    }
  },
});
