/**
 * WebGPU faults turned into one-line errors: a lost device, and buffers over the adapter's
 * limits. tfjs reports neither: after a loss its dispatches "succeed" and reads fail with
 * "validation error occurred", and a buffer over `maxStorageBufferBindingSize` becomes an
 * invalid buffer that fails later, far from its cause. Installed once at load on the WebGPU
 * backend's prototype (so a backend made after a loss is guarded too). Private to lib/backend.
 *
 * @module
 */
import { WebGPUBackend } from "./_tfjs.ts";
import { activeKernelName } from "./backend_counters.ts";

/** Why a device was lost, as `GPUDeviceLostInfo` says. */
export interface DeviceLoss {
  reason: string;
  message: string;
}

const lost = new WeakMap<GPUDevice, DeviceLoss>();

/** Records a device as lost (from `device.lost`); every later use of it throws. */
export function markDeviceLost(device: GPUDevice, loss: DeviceLoss): void {
  lost.set(device, loss);
}

/** The one line that names a device loss. */
export function deviceLostMessage(loss: DeviceLoss): string {
  return `the WebGPU device was lost (${loss.reason}: ${loss.message || "no message"})`;
}

function lostError(loss: DeviceLoss): Error {
  return new Error(
    `Cannot compute on WebGPU: ${deviceLostMessage(loss)}; its tensors are gone and minima ` +
      "moved to the CPU (see currentBackend()): load the data and initialize the model again",
  );
}

interface GuardedBackend {
  device: GPUDevice;
  tensorMap: { get(dataId: object): { shape: number[]; resource: unknown } | undefined };
}

/** The largest buffer a kernel may bind: a storage binding, and any buffer at all. */
function bufferLimit(device: GPUDevice): { bytes: number; name: string } {
  const binding = device.limits.maxStorageBufferBindingSize;
  const buffer = device.limits.maxBufferSize;
  return binding <= buffer
    ? { bytes: binding, name: "maxStorageBufferBindingSize" }
    : { bytes: buffer, name: "maxBufferSize" };
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(2)} MiB`;
}

function checkSize(device: GPUDevice, shape: number[], what: string): void {
  // float32, int32 and bool take four bytes a value in tfjs's WebGPU buffers.
  const bytes = 4 * shape.reduce((a, b) => a * b, 1);
  const limit = bufferLimit(device);
  if (bytes > limit.bytes) {
    throw new RangeError(
      `Cannot ${what} on WebGPU: a tensor of shape [${shape.join(", ")}] needs ${bytes} bytes ` +
        `(${mib(bytes)}), over the adapter's ${limit.name} of ${limit.bytes} bytes ` +
        `(${mib(limit.bytes)}); pass a smaller chunkSize (fewer samples per pass) or use a ` +
        "smaller batch or model",
    );
  }
}

function install(): void {
  const proto = WebGPUBackend.prototype as unknown as Record<string, unknown>;
  type Method = (this: GuardedBackend, ...args: unknown[]) => unknown;
  const run = proto.runWebGPUProgram as Method;
  proto.runWebGPUProgram = function (this: GuardedBackend, ...args: unknown[]) {
    const loss = lost.get(this.device);
    if (loss) throw lostError(loss);
    const program = args[0] as { outputShape: number[] };
    checkSize(this.device, program.outputShape, `run ${activeKernelName() ?? "a kernel"}`);
    return run.apply(this, args);
  };
  const upload = proto.uploadToGPU as Method;
  proto.uploadToGPU = function (this: GuardedBackend, ...args: unknown[]) {
    const loss = lost.get(this.device);
    if (loss) throw lostError(loss);
    const data = this.tensorMap.get(args[0] as object);
    if (data && data.resource == null) checkSize(this.device, data.shape, "upload a tensor");
    return upload.apply(this, args);
  };
  const readSync = proto.readSync as Method;
  proto.readSync = function (this: GuardedBackend, ...args: unknown[]) {
    const loss = lost.get(this.device);
    if (loss) throw lostError(loss);
    return readSync.apply(this, args);
  };
  const read = proto.read as (this: GuardedBackend, ...args: unknown[]) => Promise<unknown>;
  proto.read = async function (this: GuardedBackend, ...args: unknown[]) {
    const before = lost.get(this.device);
    if (before) throw lostError(before);
    try {
      return await read.apply(this, args);
    } catch (error) {
      // A read in flight when the device goes fails with tfjs's "validation error occurred";
      // the loss itself is reported a moment later: wait for it briefly to name it.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const loss = await Promise.race([
        this.device.lost.then((info) => lost.get(this.device) ?? info),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), 100);
        }),
      ]);
      clearTimeout(timer);
      if (loss) throw lostError(lost.get(this.device) ?? loss);
      throw error;
    }
  };
}

install();
