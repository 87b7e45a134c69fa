import { dirname } from "node:path";
import { tf } from "../backend/mod.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode saveParams}. */
export interface SaveParamsOptions {
  /**
   * The optimizer's state (tensors and plain values nested in objects and arrays, as
   * `opt.init` and `opt.update` return it), so a long run resumes where it stopped.
   */
  optimizerState?: tf.TensorContainerObject;
  /** Anything JSON to keep beside the tensors: the step, the parameters of the run, a note. */
  metadata?: Record<string, unknown>;
}

/** What {@linkcode saveParams} wrote. */
export interface SaveParamsResult {
  /** The file. */
  path: string;
  /** Its size in bytes. */
  bytes: number;
  /** How many tensors it holds. */
  tensors: number;
}

/** A checkpoint read back by {@linkcode loadParams}. */
export interface Checkpoint {
  /** The parameters, new tensors in the saved order (the caller owns them). */
  params: tf.Tensor[];
  /** The optimizer state with its structure, when one was saved (new tensors, caller-owned). */
  optimizerState?: tf.TensorContainerObject;
  /** The saved metadata. */
  metadata: Record<string, unknown>;
}

const DTYPES: Record<string, { code: string; bytes: number }> = {
  float32: { code: "F32", bytes: 4 },
  int32: { code: "I32", bytes: 4 },
  bool: { code: "BOOL", bytes: 1 },
};

const TENSOR_KEY = "$tensor";

/**
 * Saves model parameters, and optionally the optimizer's state and JSON metadata, to one file in
 * the safetensors format (an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw little-endian data), which Python reads with
 * `safetensors` or a few lines of numpy. Parameters are stored as `params.0`, `params.1`, ...;
 * the optimizer's tensors as `optimizer.0`, ..., and its structure, with the plain values, in
 * the header's `__metadata__.minima` JSON. The write goes to a temporary file renamed into
 * place, so an interrupted save leaves the previous checkpoint intact.
 *
 * @example
 * ```ts
 * import { loadParams, saveParams, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const params = [tf.tensor2d([[1, 2], [3, 4]]), tf.tensor1d([0.5, -0.5])];
 * const state = { step: 10, momentum: [tf.zerosLike(params[0]), tf.onesLike(params[1])] };
 * await saveParams(`${dir}/ckpt.safetensors`, params, { optimizerState: state, metadata: { lr: 0.1 } });
 * const back = await loadParams(`${dir}/ckpt.safetensors`);
 * assert.deepEqual(await back.params[0].array(), [[1, 2], [3, 4]]);
 * assert.equal((back.optimizerState as { step: number }).step, 10);
 * assert.deepEqual(back.metadata, { lr: 0.1 });
 * tf.dispose([params, state.momentum, back.params, back.optimizerState!]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param path The file to write (folders are created).
 * @param params The parameters.
 * @param options The optimizer state and metadata.
 * @returns The file, its size and the number of tensors.
 */
export async function saveParams(
  path: string,
  params: readonly tf.Tensor[],
  options: SaveParamsOptions = {},
): Promise<SaveParamsResult> {
  checkCall("saveParams", arguments);
  if (typeof path !== "string" || path === "") {
    throw new TypeError(
      `Cannot save the parameters: path must be a file name, current value is ${
        JSON.stringify(path)
      }`,
    );
  }
  if (!Array.isArray(params) || params.some((p) => !(p instanceof tf.Tensor))) {
    throw new TypeError("Cannot save the parameters: params must be an array of tensors");
  }
  const tensors: [string, tf.Tensor][] = params.map((p, i) => [`params.${i}`, p]);
  let structure: unknown;
  if (options.optimizerState !== undefined) {
    structure = encodeState(options.optimizerState, tensors, "optimizerState");
  }
  const header: Record<string, unknown> = {};
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    if (t.isDisposed) {
      throw new TypeError(`Cannot save the parameters: ${name} is a disposed tensor`);
    }
    const dtype = DTYPES[t.dtype];
    if (!dtype) {
      throw new TypeError(
        `Cannot save the parameters: ${name} has dtype ${t.dtype}; checkpoints hold float32, int32 and bool`,
      );
    }
    const data = await t.data();
    const bytes = t.dtype === "bool"
      ? Uint8Array.from(data as Uint8Array)
      : new Uint8Array(data.buffer, data.byteOffset, data.length * dtype.bytes).slice();
    header[name] = {
      dtype: dtype.code,
      shape: t.shape,
      data_offsets: [offset, offset + bytes.length],
    };
    chunks.push(bytes);
    offset += bytes.length;
  }
  header.__metadata__ = {
    minima: JSON.stringify({
      version: 1,
      params: params.length,
      optimizerState: structure ?? null,
      metadata: options.metadata ?? {},
    }),
  };
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    json = new TextEncoder().encode(JSON.stringify(header) + " ".repeat(padded - json.length));
  }
  const file = new Uint8Array(8 + json.length + offset);
  new DataView(file.buffer).setBigUint64(0, BigInt(json.length), true);
  file.set(json, 8);
  let at = 8 + json.length;
  for (const c of chunks) {
    file.set(c, at);
    at += c.length;
  }
  await Deno.mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  await Deno.writeFile(temp, file);
  await Deno.rename(temp, path);
  return { path, bytes: file.length, tensors: tensors.length };
}

/**
 * Reads a checkpoint written by {@linkcode saveParams}: the parameters, the optimizer state with
 * its structure, and the metadata. The tensors are new and the caller disposes them.
 *
 * @example
 * ```ts
 * import { loadParams } from "minima";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(() => loadParams("/nonexistent.safetensors"), /Cannot load the checkpoint/);
 * ```
 *
 * @param path The file.
 * @returns The parameters, optimizer state and metadata.
 */
export async function loadParams(path: string): Promise<Checkpoint> {
  checkCall("loadParams", arguments);
  let file: Uint8Array;
  try {
    file = await Deno.readFile(path);
  } catch (error) {
    throw new Error(`Cannot load the checkpoint ${path}: ${(error as Error).message}`);
  }
  const bad = (why: string): never => {
    throw new TypeError(`Cannot load the checkpoint ${path}: ${why}`);
  };
  if (file.length < 8) bad("the file is too short to be a safetensors file");
  const headerLength = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  if (8 + headerLength > file.length) bad("the header length is past the end of the file");
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + headerLength)));
  } catch {
    return bad("the header is not JSON");
  }
  const meta = header.__metadata__ as { minima?: string } | undefined;
  if (!meta?.minima) bad("it has no minima metadata (was it written by saveParams?)");
  const info = JSON.parse(meta!.minima!) as {
    params: number;
    optimizerState: unknown;
    metadata: Record<string, unknown>;
  };
  const data = file.subarray(8 + headerLength);
  const codes = Object.fromEntries(Object.entries(DTYPES).map(([k, v]) => [v.code, k]));
  const read = (name: string): tf.Tensor => {
    const entry = header[name] as
      | { dtype: string; shape: number[]; data_offsets: [number, number] }
      | undefined;
    if (!entry) bad(`the tensor ${name} is missing`);
    const dtype = codes[entry!.dtype];
    if (!dtype) bad(`${name} has dtype ${entry!.dtype}; checkpoints hold F32, I32 and BOOL`);
    const [a, b] = entry!.data_offsets;
    if (!(0 <= a && a <= b && b <= data.length)) bad(`${name}'s bytes are outside the file`);
    const bytes = data.slice(a, b);
    const values = dtype === "float32"
      ? new Float32Array(bytes.buffer)
      : dtype === "int32"
      ? new Int32Array(bytes.buffer)
      : bytes;
    const size = entry!.shape.reduce((p, d) => p * d, 1);
    if (values.length !== size) {
      bad(`${name} holds ${values.length} values for shape [${entry!.shape}]`);
    }
    return tf.tensor(values, entry!.shape, dtype as tf.DataType);
  };
  const created: tf.Tensor[] = [];
  try {
    const params: tf.Tensor[] = [];
    for (let i = 0; i < info.params; i++) {
      params.push(read(`params.${i}`));
      created.push(params[i]);
    }
    const result: Checkpoint = { params, metadata: info.metadata ?? {} };
    if (info.optimizerState !== null && info.optimizerState !== undefined) {
      result.optimizerState = decodeState(info.optimizerState, (name) => {
        const t = read(name);
        created.push(t);
        return t;
      }) as tf.TensorContainerObject;
    }
    return result;
  } catch (error) {
    tf.dispose(created);
    throw error;
  }
}

function encodeState(value: unknown, tensors: [string, tf.Tensor][], where: string): unknown {
  if (value instanceof tf.Tensor) {
    const name = `optimizer.${tensors.filter(([n]) => n.startsWith("optimizer.")).length}`;
    tensors.push([name, value]);
    return { [TENSOR_KEY]: name };
  }
  if (Array.isArray(value)) return value.map((v, i) => encodeState(v, tensors, `${where}[${i}]`));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = encodeState(v, tensors, `${where}.${k}`);
    return out;
  }
  if (
    value === null || typeof value === "number" || typeof value === "string" ||
    typeof value === "boolean"
  ) {
    if (typeof value === "number" && !Number.isFinite(value)) return { $number: String(value) };
    return value;
  }
  throw new TypeError(
    `Cannot save the parameters: ${where} is a ${typeof value}; optimizer state holds tensors, numbers, strings and booleans`,
  );
}

function decodeState(value: unknown, tensor: (name: string) => tf.Tensor): unknown {
  if (Array.isArray(value)) return value.map((v) => decodeState(v, tensor));
  if (value !== null && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (typeof o[TENSOR_KEY] === "string" && Object.keys(o).length === 1) {
      return tensor(o[TENSOR_KEY] as string);
    }
    if (typeof o.$number === "string" && Object.keys(o).length === 1) return Number(o.$number);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = decodeState(v, tensor);
    return out;
  }
  return value;
}
