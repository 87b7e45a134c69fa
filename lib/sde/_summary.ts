// Summary rows of a batch of particles at one time.
import type { Row } from "../_types.ts";

/** Mean and standard deviation of every component over the finite particles. */
export function summaryRows(
  t: number,
  x: Float64Array,
  particles: number,
  dim: number,
  names: string[],
): Row[] {
  const rows: Row[] = [];
  for (let c = 0; c < dim; c++) {
    let n = 0, mean = 0, m2 = 0;
    for (let p = 0; p < particles; p++) {
      const v = x[p * dim + c];
      if (!Number.isFinite(v)) continue;
      n++;
      const d = v - mean;
      mean += d / n;
      m2 += d * (v - mean);
    }
    rows.push({
      t,
      component: names[c],
      mean: n > 0 ? mean : null,
      std: n > 1 ? Math.sqrt(m2 / (n - 1)) : null,
      nonFinite: particles - n,
    });
  }
  return rows;
}
