/**
 * Batched Hessian-vector products against one product at a time, on the native CPU backend
 * (`deno task bench --filter spectral`): the same 784-256-256-10 ReLU MLP and 1,024 FashionMNIST
 * samples as the landscape benchmark, b directions either as one double-backprop pass over b
 * replicas of the parameters (`hessianOperator(...).matmat`) or as b passes (`matvec`), measured
 * alternately in the same run; the ratio is batched/looped (below 1: batching is faster). Also
 * the default sharpness (blocks of 2, products batched) against single-vector Lanczos, and
 * Lanczos with its vectors on the device against the float64 host path, at the same tolerance.
 *
 * Only the native backend is measured: the others are slower on this workload and the point is
 * the ratio. No speed is asserted.
 *
 * @module
 */
import { type Benchmark, type BenchRow, benchRow, medianMs } from "./_harness.ts";
import {
  crossEntropy,
  currentBackend,
  fashionMnist,
  hessianOperator,
  mlp,
  nativeBackendStatus,
  Rng,
  sharpness,
  tf,
  useBackend,
} from "../mod.ts";

const SIZES = [784, 256, 256, 10];
const N = 1024;

async function run(): Promise<BenchRow[]> {
  const status = nativeBackendStatus();
  if (!status.available) {
    return [benchRow({
      name: "batched HVPs",
      backend: "native",
      minima_ms: NaN,
      reference_ms: NaN,
      reference: "looped",
      notes: `skipped: ${status.reason}`,
    })];
  }
  const previous = currentBackend().name;
  await useBackend("native", { quiet: true, threads: 1 });
  const data = await fashionMnist({ samples: N, seed: 0, targets: "integer" });
  const model = mlp(SIZES);
  const params = model.init(1);
  const point = { model, loss: crossEntropy, data, params };
  const op = hessianOperator(point, { checkExact: false });
  const rows: BenchRow[] = [];
  try {
    const rng = new Rng(3);
    for (const b of [2, 4, 8]) {
      const vs = Array.from({ length: b }, () => rng.fillNormal(new Float64Array(op.dim)));
      let diff = 0;
      // Alternate the two so that load on the machine hits both alike.
      const batchedTimes: number[] = [], loopedTimes: number[] = [];
      for (let repeat = 0; repeat < 4; repeat++) {
        loopedTimes.push(
          await medianMs(async () => {
            for (const v of vs) await op.matvec(v);
          }, { repeats: 1, warmup: repeat === 0 ? 1 : 0 }),
        );
        batchedTimes.push(
          await medianMs(() => op.matmat(vs), {
            repeats: 1,
            warmup: repeat === 0 ? 1 : 0,
          }),
        );
      }
      const single = await op.matvec(vs[0]);
      const [batched] = await op.matmat([vs[0], vs[1]]);
      let scale = 0;
      for (let i = 0; i < single.length; i++) {
        diff = Math.max(diff, Math.abs(single[i] - batched[i]));
        scale = Math.max(scale, Math.abs(single[i]));
      }
      const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
      rows.push(benchRow({
        name: `${b} HVPs ${SIZES.join("-")}, ${N} samples: one batched pass vs ${b} passes`,
        backend: "native",
        minima_ms: median(batchedTimes),
        reference_ms: median(loopedTimes),
        reference: `${b} × matvec, same run`,
        notes: `max |batched − single| ${(diff / scale).toExponential(1)} of max |Hv|`,
      }));
    }
    const time = async (options: Parameters<typeof sharpness>[1]) => {
      let result: Awaited<ReturnType<typeof sharpness>> | undefined;
      const ms = await medianMs(async () => {
        result = await sharpness(point, { seed: 1, tol: 1e-4, ...options });
      }, { repeats: 3, warmup: 0 });
      return { ms, result: result! };
    };
    const single = await time({ blockSize: 1 });
    const blocks = await time({});
    rows.push(benchRow({
      name: `sharpness tol 1e-4, blocks of 2 (default) vs 1 vector per step`,
      backend: "native",
      minima_ms: blocks.ms,
      reference_ms: single.ms,
      reference: "block size 1, same run",
      notes: `${blocks.result.iterations} vs ${single.result.iterations} products; λ ${
        blocks.result.value.toPrecision(7)
      } vs ${single.result.value.toPrecision(7)}`,
    }));
    const device = await time({ vectors: "device" });
    rows.push(benchRow({
      name: `sharpness tol 1e-4, vectors on the device vs float64 on the host`,
      backend: "native",
      minima_ms: device.ms,
      reference_ms: blocks.ms,
      reference: "host vectors, same run",
      notes: `${device.result.iterations} vs ${blocks.result.iterations} products; λ ${
        device.result.value.toPrecision(7)
      } vs ${blocks.result.value.toPrecision(7)}`,
    }));
  } finally {
    op.dispose();
    tf.dispose(params);
    data.dispose();
    await useBackend(previous, { quiet: true });
  }
  return rows;
}

/** The benchmarks `deno task bench` runs (`--filter spectral`). */
export const benchmarks: Benchmark[] = [{
  name: "spectral: batched against looped Hessian-vector products, block and device Lanczos",
  group: "spectral",
  run,
}];
