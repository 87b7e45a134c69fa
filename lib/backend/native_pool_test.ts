import assert from "node:assert/strict";
import { BufferPool } from "./_native_pool.ts";

const MB = 2 ** 20;

/** Allocates `count` held arrays of `mb` MB each, as kernels and tensors do. */
function holdArrays(pool: BufferPool, count: number, mb: number): Float32Array[] {
  const arrays = [];
  for (let i = 0; i < count; i++) {
    const a = pool.alloc((mb * MB) / 4);
    pool.hold(a);
    arrays.push(a);
  }
  return arrays;
}

Deno.test("buffer pool: keeps up to the peak of live bytes while the program keeps reaching it", () => {
  const pool = new BufferPool(2 * MB, 60_000);
  for (let round = 0; round < 3; round++) {
    const arrays = holdArrays(pool, 8, 1);
    for (const a of arrays) pool.release(a);
    // 8 MB were live at the peak: all of it stays for the next round, beyond the 2 MB floor.
    assert.equal(pool.freeBytes, 8 * MB);
  }
  assert.equal(pool.stats.allocated, 8, "rounds after the first reuse every array");
  assert.equal(pool.stats.reused, 16);
  pool.clear();
  assert.equal(pool.freeBytes, 0);
});

Deno.test("buffer pool: beyond the floor, memory goes back once the peak is no longer reached", () => {
  // A peak memory of 0 ms: the excess over the floor is dropped at every release.
  const pool = new BufferPool(2 * MB, 0);
  const arrays = holdArrays(pool, 8, 1);
  for (const a of arrays) pool.release(a);
  assert.ok(pool.freeBytes <= 2 * MB, `${pool.freeBytes} B kept`);
  // A view held by a second tensor keeps its buffer out of the pool until both let go.
  const [a] = holdArrays(pool, 1, 1);
  pool.hold(a.subarray(10));
  const before = pool.freeBytes;
  pool.release(a);
  assert.equal(pool.freeBytes, before);
  pool.release(a.subarray(10));
  assert.ok(pool.freeBytes >= before);
});
