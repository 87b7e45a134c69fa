import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { memoryLimit, setMemoryLimit } from "./memory_limit.ts";
import { tf } from "./mod.ts";
import { mlp } from "../nn/mod.ts";

Deno.test("the default limit is a quarter of the machine's memory", () => {
  setMemoryLimit(undefined);
  assert.equal(memoryLimit(), Deno.systemMemoryInfo().total / 4);
});

Deno.test("a model above the limit is refused before anything is allocated; the limit can be raised", () => {
  try {
    setMemoryLimit(1e6);
    const before = tf.memory().numTensors;
    assert.throws(() => mlp([784, 512, 10]).init(0), {
      name: "RangeError",
      message:
        "Cannot initialize the MLP: its 407,050 float32 parameters need 1.6 MB, above the memory limit of 1 MB; use a smaller model, or raise the limit with setMemoryLimit(bytes) (or MINIMA_MEMORY_LIMIT=64GB in the environment)",
    });
    assert.equal(tf.memory().numTensors, before);
    setMemoryLimit(2e6);
    const params = mlp([784, 512, 10]).init(0);
    assert.equal(params.length, 4);
    tf.dispose(params);
  } finally {
    setMemoryLimit(undefined);
  }
  // 46341² float32 weights: 8.6 GB, refused on any machine with less than 34 GB.
  if (memoryLimit() < 8.6e9) {
    assert.throws(() => mlp([46341, 46341]).init(0), /need 8.6 GB, above the memory limit/);
  }
});

Deno.test("setMemoryLimit refuses what is not a positive number of bytes", () => {
  for (const bytes of [0, -1, NaN, "1GB"]) {
    assert.throws(() => setMemoryLimit(bytes as number), {
      name: "RangeError",
      message:
        `Cannot set the memory limit: bytes must be a positive number (or undefined for the default), current value is ${bytes}`,
    });
  }
});

Deno.test("MINIMA_MEMORY_LIMIT sets the default, in bytes or with a unit", async () => {
  const url = new URL("./memory_limit.ts", import.meta.url).href;
  const limitWith = async (value: string) => {
    const { stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `import { memoryLimit } from "${url}"; try { console.log(memoryLimit()); } catch (e) { console.log(e.message); }`,
      ],
      env: { MINIMA_MEMORY_LIMIT: value },
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
    }).output();
    return new TextDecoder().decode(stdout).trim() || new TextDecoder().decode(stderr);
  };
  assert.equal(await limitWith("32GB"), "32000000000");
  assert.equal(await limitWith("2 GiB"), String(2 ** 31));
  assert.equal(await limitWith("3.2e10"), "32000000000");
  assert.equal(
    await limitWith("lots"),
    'Cannot read MINIMA_MEMORY_LIMIT: it must be a number of bytes, optionally with a unit (32GB, 64GiB, 3.2e10), current value is "lots"',
  );
});
