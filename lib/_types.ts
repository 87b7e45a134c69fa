/**
 * Types shared by every layer, with no runtime code: records for plots and the progress protocol
 * that long loops report through (the display layer supplies bars and live charts that fit it).
 *
 * @module
 */

/** A value in a row. Numbers keep NaN and ±Infinity (a measurement that failed stays visible). */
export type Scalar = number | string | boolean | null;

/** A flat record: one row of a series, straight into a Vega-Lite `data.values`. */
export type Row = Record<string, Scalar>;

/** Where a long loop stands. */
export interface ProgressInfo {
  /** Units of work done so far. */
  done: number;
  /** Units of work in all. */
  total: number;
  /** What is running, e.g. "train η=0.1". */
  label?: string;
  /** Latest numbers worth showing beside the bar (loss, sharpness, ...). */
  metrics?: Record<string, number>;
}

/** A progress callback; silent by default wherever it is optional. */
export type ProgressCallback = (info: ProgressInfo) => void;

/** A sink for rows as they are produced (a live chart's `push`); may be awaited. */
export type RowCallback = (rows: Row | Row[]) => void | Promise<void>;
