// The SolverContext a solve hands to its solver: evaluations with their output shapes checked.
import type { FieldResult, SdeTerms } from "./sde_terms.ts";
import type { SolverContext } from "./sde_solver.ts";

/** The noise components per particle of a diffusion. */
export function noiseDimOf(terms: SdeTerms): number {
  return terms.diffusion.kind === "general" ? terms.diffusion.noiseDim : terms.dim;
}

function checked(
  what: string,
  r: FieldResult,
  out: Float64Array,
  particles: number,
  dim: number,
): Float64Array {
  if (r === undefined || r === out) return out;
  if (r instanceof Float64Array && r.length === out.length) {
    // Copied, so a field that returns one buffer of its own on every call cannot alias a value
    // the solver still holds from an earlier evaluation.
    out.set(r);
    return out;
  }
  const got = r instanceof Float64Array
    ? `${r.length} values`
    : `a ${(r as object)?.constructor?.name ?? typeof r}`;
  throw new RangeError(
    `Cannot solve the SDE: the ${what} returned ${got} for a state of ${out.length} values (${particles} particles × dim ${dim}); return a Float64Array with one value per state component, or write into out`,
  );
}

/** Builds the context; `sigma` is the validated additive σ (length dim) when the noise is additive. */
export function makeContext(
  terms: SdeTerms,
  particles: number,
  sigma: Float64Array | undefined,
): SolverContext {
  const { dim, drift, diffusion } = terms;
  const size = particles * dim;
  const scratch = new Map<string, Float64Array>();
  const noiseKind = diffusion.kind;
  return {
    particles,
    dim,
    noiseDim: noiseDimOf(terms),
    noiseKind,
    sigma,
    hasDerivative: diffusion.kind === "diagonal" && diffusion.dg !== undefined,
    async drift(t, x, out) {
      return checked("drift", await drift(t, x, out), out, particles, dim);
    },
    async diffusion(t, x, out) {
      if (diffusion.kind === "diagonal") {
        return checked("diffusion g", await diffusion.g(t, x, out), out, particles, dim);
      }
      if (diffusion.kind === "additive" && sigma !== undefined) {
        for (let p = 0, i = 0; p < particles; p++) {
          for (let k = 0; k < dim; k++, i++) out[i] = sigma[k];
        }
        return out;
      }
      throw new TypeError(
        "Cannot evaluate g: the diffusion is general noise, which only applyDiffusion supports",
      );
    },
    async derivative(t, x, out) {
      if (diffusion.kind === "diagonal" && diffusion.dg !== undefined) {
        return checked(
          "diffusion derivative dg",
          await diffusion.dg(t, x, out),
          out,
          particles,
          dim,
        );
      }
      if (diffusion.kind === "additive") return out.fill(0);
      throw new TypeError(
        "Cannot evaluate dg: the diffusion supplies no derivative; give a diagonal noise a dg field",
      );
    },
    async applyDiffusion(t, x, dW, out) {
      if (diffusion.kind === "general") {
        return checked("diffusion", await diffusion.apply(t, x, dW, out), out, particles, dim);
      }
      const g = diffusion.kind === "diagonal"
        ? checked("diffusion g", await diffusion.g(t, x, out), out, particles, dim)
        : undefined;
      if (g !== undefined) {
        if (g !== out) out.set(g);
        for (let i = 0; i < size; i++) out[i] *= dW[i];
      } else if (sigma !== undefined) {
        for (let p = 0, i = 0; p < particles; p++) {
          for (let k = 0; k < dim; k++, i++) out[i] = sigma[k] * dW[i];
        }
      }
      return out;
    },
    scratch(name) {
      let a = scratch.get(name);
      if (a === undefined) scratch.set(name, a = new Float64Array(size));
      return a;
    },
  };
}
