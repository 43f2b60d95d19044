// Small statistics shared by the benchmarks in bench/: medians over rounds and the spread
// (min and max of the per-round figures) that shows how noisy the shared machine was.

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** Round to `digits` significant digits, for JSON output and tables. */
export function sig(value: number, digits = 3): number {
  return Number.isFinite(value) && value !== 0 ? Number(value.toPrecision(digits)) : value;
}

export function roundSpread(s: Spread, digits = 3): Spread {
  return { median: sig(s.median, digits), min: sig(s.min, digits), max: sig(s.max, digits) };
}

/** Spread as "median (min–max)" for a table cell. */
export function showSpread(s: Spread, digits = 3): string {
  return `${sig(s.median, digits)} (${sig(s.min, digits)}–${sig(s.max, digits)})`;
}

/** Left-aligned first column, right-aligned others; rows of equal length. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? "").length)));
  const line = (r: readonly string[]): string =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
