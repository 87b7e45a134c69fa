// Summary rows of a batch of particles at one time.
/**
 * One summary row of a batch of particles at one time: the mean and standard deviation of a
 * component over the finite particles (NaN when none, or one for the deviation, is finite).
 */
export type SummaryRow = {
  /** The time. */
  t: number;
  /** The component's name. */
  component: string;
  /** The mean over the finite particles. */
  mean: number;
  /** The standard deviation over them (divisor n − 1). */
  std: number;
  /** The particles whose component is not finite (diverged). */
  nonFinite: number;
};

/** Mean and standard deviation of every component over the finite particles. */
export function summaryRows(
  t: number,
  x: Float64Array,
  particles: number,
  dim: number,
  names: string[],
): SummaryRow[] {
  const rows: SummaryRow[] = [];
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
      mean: n > 0 ? mean : NaN,
      std: n > 1 ? Math.sqrt(m2 / (n - 1)) : NaN,
      nonFinite: particles - n,
    });
  }
  return rows;
}
