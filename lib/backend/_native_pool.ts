/**
 * Recycling the output arrays of the native kernels. Private to `lib/backend/`.
 *
 * Allocating a large Float32Array in V8 costs 10–60 µs whatever its size (external memory,
 * zeroing and the garbage collections it triggers), as much as the loop that fills it: a training
 * step allocates and drops the same sizes over and over. The pool keeps the arrays of disposed
 * tensors by length and hands them to the next kernel that needs that length.
 *
 * Safety: an array is reused only when no tensor refers to its buffer any more. The backend's
 * `write` counts every tensor whose values live in a pooled buffer (the CPU backend's `Slice`
 * returns views of its input, and some kernels reuse an input's array), `disposeData` uncounts
 * it, and `read`/`readSync` hand out copies, so an array a user got from `dataSync()` or
 * `data()` (or that moved to another backend) is never overwritten.
 *
 * Size: the free arrays total at most `maxFreeBytes`, or more while live and free arrays together
 * stay within the most the program has had live at once (its own peak, which the pool then never
 * raises), as long as it reached that peak in the last {@linkcode PEAK_MEMORY_MS} ms: a
 * Hessian-vector product of a CNN on 1,024 images holds gigabytes of activations and frees them
 * at the end of every product; with a fixed 256 MB the next product allocated most of them again
 * (page faults and zeroing by the system) and took 1.8× the time. Once the program stops reaching
 * its peak, the excess goes back to the garbage collector at the next release.
 *
 * @module
 */
/** How long memory beyond `maxFreeBytes` is kept after live bytes were last near their peak. */
export const PEAK_MEMORY_MS = 30_000;

/** Arrays shorter than this are not pooled (V8 allocates small ones cheaply on its heap). */
const MIN_POOLED = 256;

/** A recycling allocator for Float32Array outputs. */
export class BufferPool {
  /** Free arrays by length. */
  #free = new Map<number, Float32Array[]>();
  /** For each pooled buffer: the whole array and how many live tensors hold a view of it. */
  #live = new WeakMap<ArrayBufferLike, { array: Float32Array; holders: number }>();
  #freeBytes = 0;
  /** Bytes in pooled arrays that tensors hold now, and the most there have been. */
  #liveBytes = 0;
  #peakLiveBytes = 0;
  /** When live bytes were last within 90% of the peak (performance.now()). */
  #peakAt = 0;
  /**
   * Bytes kept for reuse whatever the peak; beyond this (and beyond the peak of live bytes, see
   * the module notes), released arrays go to the garbage collector.
   */
  maxFreeBytes: number;
  /** Counters for tests and reports. */
  stats = { allocated: 0, reused: 0, released: 0 };

  /** How long memory beyond `maxFreeBytes` is kept after live bytes were last near their peak. */
  peakMemoryMs: number;

  constructor(maxFreeBytes = 256 * 2 ** 20, peakMemoryMs = PEAK_MEMORY_MS) {
    this.maxFreeBytes = maxFreeBytes;
    this.peakMemoryMs = peakMemoryMs;
  }

  /**
   * An array of length n with unspecified contents (the caller writes every element).
   *
   * @param n The length.
   * @returns A pooled or new array.
   */
  alloc(n: number): Float32Array {
    if (n < MIN_POOLED) return new Float32Array(n);
    const list = this.#free.get(n);
    const reused = list?.pop();
    if (reused !== undefined) {
      this.#freeBytes -= reused.byteLength;
      this.#live.set(reused.buffer, { array: reused, holders: 0 });
      this.stats.reused++;
      return reused;
    }
    const array = new Float32Array(n);
    this.#live.set(array.buffer, { array, holders: 0 });
    this.stats.allocated++;
    return array;
  }

  /** Counts bytes held by tensors (an array a kernel drops without a tensor never counts). */
  #grow(bytes: number): void {
    this.#liveBytes += bytes;
    if (this.#liveBytes > this.#peakLiveBytes) this.#peakLiveBytes = this.#liveBytes;
    if (this.#liveBytes >= 0.9 * this.#peakLiveBytes) this.#peakAt = performance.now();
  }

  /** An array of length n filled with zeros. */
  allocZeroed(n: number): Float32Array {
    const a = this.alloc(n);
    a.fill(0);
    return a;
  }

  /** Whether these values live in a pooled buffer. */
  isPooled(values: unknown): boolean {
    return ArrayBuffer.isView(values) && this.#live.has(values.buffer);
  }

  /** A tensor now holds (a view of) these values. */
  hold(values: unknown): void {
    if (!ArrayBuffer.isView(values)) return;
    const entry = this.#live.get(values.buffer);
    if (entry === undefined) return;
    if (entry.holders++ === 0) this.#grow(entry.array.byteLength);
  }

  /** A tensor let go of these values; the buffer is recycled when nothing else holds it. */
  release(values: unknown): void {
    if (!ArrayBuffer.isView(values)) return;
    const entry = this.#live.get(values.buffer);
    if (entry === undefined) return;
    entry.holders--;
    if (entry.holders > 0) return;
    this.#live.delete(values.buffer);
    this.stats.released++;
    const array = entry.array;
    if (entry.holders === 0) this.#liveBytes -= array.byteLength; // else never held

    if (performance.now() - this.#peakAt >= this.peakMemoryMs) {
      this.#peakLiveBytes = this.#liveBytes;
      this.#trim(this.maxFreeBytes);
    }
    const cap = Math.max(this.maxFreeBytes, this.#peakLiveBytes - this.#liveBytes);
    if (this.#freeBytes + array.byteLength > cap) return;
    let list = this.#free.get(array.length);
    if (list === undefined) this.#free.set(array.length, list = []);
    list.push(array);
    this.#freeBytes += array.byteLength;
  }

  /** Drops free arrays (largest lengths first) until at most `bytes` are kept. */
  #trim(bytes: number): void {
    if (this.#freeBytes <= bytes) return;
    const lengths = [...this.#free.keys()].sort((a, b) => b - a);
    for (const length of lengths) {
      const list = this.#free.get(length)!;
      while (list.length > 0 && this.#freeBytes > bytes) this.#freeBytes -= list.pop()!.byteLength;
      if (list.length === 0) this.#free.delete(length);
      if (this.#freeBytes <= bytes) return;
    }
  }

  /** Drops every free array (for the garbage collector) and forgets the peak. */
  clear(): void {
    this.#free.clear();
    this.#freeBytes = 0;
    this.#peakLiveBytes = this.#liveBytes;
  }

  /** Bytes held for reuse now. */
  get freeBytes(): number {
    return this.#freeBytes;
  }
}

/** The slice of the CPU backend the pool hooks into. */
interface HookableBackend {
  data: {
    get(dataId: object): { values: unknown } | undefined;
    has(dataId: object): boolean;
  };
  write(values: unknown, shape: number[], dtype: string): object;
  disposeData(dataId: object, force?: boolean): boolean;
  readSync(dataId: object): unknown;
  read(dataId: object): Promise<unknown>;
}

/**
 * Hooks a CPU backend instance so the pool knows which tensors hold its buffers, and so reads
 * hand out copies of pooled values.
 *
 * @param backend A new CPU backend instance (the native backend).
 * @param pool The pool its kernels allocate from.
 */
export function attachPool(backend: HookableBackend, pool: BufferPool): void {
  const write = backend.write.bind(backend);
  const disposeData = backend.disposeData.bind(backend);
  const readSync = backend.readSync.bind(backend);
  backend.write = (values, shape, dtype) => {
    pool.hold(values);
    return write(values, shape, dtype);
  };
  backend.disposeData = (dataId, force = false) => {
    const values = backend.data.get(dataId)?.values;
    const released = disposeData(dataId, force);
    if (values !== undefined && !backend.data.has(dataId)) pool.release(values);
    return released;
  };
  backend.readSync = (dataId) => {
    const values = readSync(dataId);
    return pool.isPooled(values) ? (values as Float32Array).slice() : values;
  };
  backend.read = (dataId) => Promise.resolve(backend.readSync(dataId));
}

/** The pool the native kernels allocate their outputs from. */
export const pool: BufferPool = new BufferPool();
