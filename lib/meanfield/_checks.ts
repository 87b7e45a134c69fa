/**
 * Input checks shared by the particle models. Private.
 *
 * @module
 */
import type { ParticleData, ParticleModel } from "./particle_model.ts";

/** Checks a positive integer option. */
export function checkPositiveInteger(what: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot ${what}: ${name} must be a positive integer, current value is ${value}`,
    );
  }
  return value;
}

/** Checks that x holds rows of length d (finite numbers). */
export function checkInputs(what: string, x: unknown, d: number): readonly (readonly number[])[] {
  if (!Array.isArray(x) || x.length === 0) {
    throw new TypeError(
      `Cannot ${what}: x must be a non-empty array of rows, current value has ${
        Array.isArray(x) ? "no rows" : typeof x
      }`,
    );
  }
  x.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== d) {
      throw new TypeError(
        `Cannot ${what}: every input must have ${d} numbers (the model's inputDim), row ${i} has ${
          Array.isArray(row) ? row.length : typeof row
        }`,
      );
    }
    if (!row.every((v) => typeof v === "number" && Number.isFinite(v))) {
      throw new TypeError(`Cannot ${what}: row ${i} of x is not finite`);
    }
  });
  return x;
}

/** Checks data against a model's input dimension. */
export function checkData(what: string, data: ParticleData, d: number): void {
  if (!data || typeof data !== "object") {
    throw new TypeError(`Cannot ${what}: data must be { x, y }, current value is ${data}`);
  }
  checkInputs(what, data.x, d);
  if (
    !Array.isArray(data.y) || data.y.length !== data.x.length ||
    !data.y.every((v) => typeof v === "number" && Number.isFinite(v))
  ) {
    throw new TypeError(
      `Cannot ${what}: data.y must hold one finite number per row of data.x (${data.x.length}), current length is ${
        Array.isArray(data.y) ? data.y.length : typeof data.y
      }`,
    );
  }
}

/** Checks parameters against a model's size. */
export function checkParams(what: string, model: ParticleModel, params: unknown): Float64Array {
  const size = model.particles * model.particleDim;
  if (!(params instanceof Float64Array) || params.length !== size) {
    throw new TypeError(
      `Cannot ${what}: params must be a Float64Array of ${size} numbers (${model.particles} particles of ${model.particleDim}), current value has ${
        params instanceof Float64Array ? params.length : typeof params
      }`,
    );
  }
  return params;
}
