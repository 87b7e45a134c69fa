// Number and text formatting shared by tables, claims and progress lines.

/** A number with `digits` significant digits, exponential when very small or large. */
export function formatNumber(x: unknown, digits = 4): string {
  if (typeof x === "boolean") return x ? "true" : "false";
  if (typeof x !== "number") return x === null || x === undefined ? "" : String(x);
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  if (Number.isInteger(x) && Math.abs(x) < 1e9) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(digits - 1);
  return String(Number(x.toPrecision(digits)));
}

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  );
}

/** Pads cells into aligned plain-text columns (numbers right-aligned). */
export function textTable(header: string[], rows: string[][], numeric: boolean[]): string {
  // A loop, not Math.max(...): a spread of a million rows overflows the stack.
  const widths = header.map((h, c) => {
    let w = h.length;
    for (const r of rows) w = Math.max(w, (r[c] ?? "").length);
    return w;
  });
  const line = (cells: string[]) =>
    cells.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join(
      "  ",
    )
      .trimEnd();
  return [line(header), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** Seconds as m:ss or h:mm:ss. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, "0") : String(m);
  return `${h > 0 ? `${h}:` : ""}${mm}:${String(r).padStart(2, "0")}`;
}
