// SVG charts drawn by code, no browser: grouped horizontal bars (one bar per backend, a whisker
// from min to max) and lines on log axes (the size sweep, with crossovers marked). Plain strings,
// self-contained, readable on GitHub and in any viewer.

interface Bar {
  label: string;
  value: number;
  min?: number;
  max?: number;
}
export interface BarGroup {
  label: string;
  bars: Bar[];
  /** Unit of this group's values when groups differ (each group then has its own scale). */
  unit?: string;
}

const FONT = `font-family="system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif"`;
const PALETTE = ["#2f6fdf", "#e8772e", "#3aa655", "#c4314b", "#8a56c2", "#8c6d31", "#d45fb0", "#6b7b8c", "#1fa5a5", "#b8a11f"];

/** One colour per label, the same in every chart of a report (stable hash of the label). */
const assigned = new Map<string, string>();
const FIXED: Record<string, string> = {
  "wasm-simd": PALETTE[0]!, "basehttp wasm": PALETTE[0]!, "wasm-scalar": "#7aa6ef", js: PALETTE[1]!, "basehttp js": PALETTE[1]!,
  llhttp: PALETTE[2]!, "node:http": PALETTE[2]!, "llhttp-wasm-simd": PALETTE[3]!, "llhttp-wasm": "#e0899a",
  "http-parser-js": PALETTE[4]!, "CPython ThreadingHTTPServer": PALETTE[5]!, "raw node:net (ceiling)": PALETTE[7]!,
  // the server kinds as harnesses name them
  node: PALETTE[2]!, "basehttp-wasm": PALETTE[0]!, "basehttp-js": PALETTE[1]!, python: PALETTE[5]!, net: PALETTE[7]!,
  basehttp: PALETTE[0]!, "http-server": PALETTE[4]!, "python3 -m http.server": PALETTE[5]!,
};
function colourOf(label: string): string {
  const base = label.split(" ")[0]!;
  const fixed = FIXED[label] ?? FIXED[base];
  if (fixed) return fixed;
  let c = assigned.get(label);
  if (!c) {
    let h = 0;
    for (const ch of label) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    c = PALETTE[h % PALETTE.length]!;
    assigned.set(label, c);
  }
  return c;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Compact figure: 3 significant digits, thousands as k/M. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return "-";
  const a = Math.abs(v);
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  return String(Number(v.toPrecision(3)));
}

/** Approximate width of `s` in pixels at 12 px. */
function textWidth(s: string, px = 12): number {
  return s.length * px * 0.6;
}

/**
 * Horizontal bars, grouped. Each group is scaled on its own when `perGroupScale` (units differ),
 * else all share one scale from 0. `better` is written under the title.
 */
export function barChart(opts: { title: string; unit: string; better?: "higher" | "lower"; groups: BarGroup[]; perGroupScale?: boolean }): string {
  const labelW = Math.max(120, ...opts.groups.flatMap((g) => g.bars.map((b) => textWidth(b.label)))) + 16;
  const plotW = 460;
  const valueW = 120;
  const width = Math.round(labelW + plotW + valueW);
  const barH = 16;
  const gap = 4;
  let y = 52;
  const parts: string[] = [];
  const allMax = Math.max(...opts.groups.flatMap((g) => g.bars.map((b) => Math.max(b.value, b.max ?? 0))), 1e-9);
  for (const g of opts.groups) {
    parts.push(`<text x="8" y="${y + 12}" font-size="13" font-weight="600">${escapeXml(g.label)}${g.unit ? ` <tspan font-weight="400" fill="#555">(${escapeXml(g.unit)})</tspan>` : ""}</text>`);
    y += 20;
    const max = opts.perGroupScale ? Math.max(...g.bars.map((b) => Math.max(b.value, b.max ?? 0)), 1e-9) : allMax;
    const scale = (v: number): number => (v / max) * plotW;
    for (const b of g.bars) {
      const w = Math.max(1, scale(b.value));
      parts.push(`<text x="${labelW - 8}" y="${y + barH - 4}" font-size="12" text-anchor="end">${escapeXml(b.label)}</text>`);
      parts.push(`<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${colourOf(b.label)}" rx="2"><title>${escapeXml(`${b.label}: ${fmt(b.value)}`)}</title></rect>`);
      if (b.min !== undefined && b.max !== undefined && b.max > b.min) {
        const x0 = labelW + scale(b.min);
        const x1 = labelW + scale(b.max);
        const cy = y + barH / 2;
        parts.push(`<path d="M${x0.toFixed(1)} ${cy}H${x1.toFixed(1)}M${x0.toFixed(1)} ${cy - 4}V${cy + 4}M${x1.toFixed(1)} ${cy - 4}V${cy + 4}" stroke="#222" stroke-width="1" fill="none"/>`);
      }
      const right = labelW + Math.max(w, b.max !== undefined ? scale(b.max) : 0) + 6;
      parts.push(`<text x="${right.toFixed(1)}" y="${y + barH - 4}" font-size="12" fill="#222">${fmt(b.value)}</text>`);
      y += barH + gap;
    }
    y += 10;
  }
  const height = y + 8;
  const sub = `${escapeXml(opts.unit)}${opts.better ? `, ${opts.better} is better` : ""}; whiskers: min to max over rounds`;
  return svg(width, height, [
    `<text x="8" y="20" font-size="15" font-weight="700">${escapeXml(opts.title)}</text>`,
    `<text x="8" y="38" font-size="12" fill="#555">${sub}</text>`,
    ...parts,
  ]);
}

export interface Series {
  label: string;
  points: { x: number; y: number }[];
  dashed?: boolean;
}

/** Lines on log-log axes; `markers` are vertical lines (crossovers) with a label. */
export function lineChart(opts: { title: string; xLabel: string; yLabel: string; series: Series[]; markers?: { x: number; label: string }[] }): string {
  const width = 860;
  const legendW = 220;
  const left = 64;
  const top = 48;
  const plotW = width - left - legendW - 20;
  const plotH = 320;
  const xs = opts.series.flatMap((s) => s.points.map((p) => p.x));
  const ys = opts.series.flatMap((s) => s.points.map((p) => p.y)).filter((v) => v > 0);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const y0 = 10 ** Math.floor(Math.log10(Math.min(...ys)));
  const y1 = 10 ** Math.ceil(Math.log10(Math.max(...ys)));
  const px = (x: number): number => left + ((Math.log(x) - Math.log(x0)) / (Math.log(x1) - Math.log(x0) || 1)) * plotW;
  const py = (y: number): number => top + plotH - ((Math.log(y) - Math.log(y0)) / (Math.log(y1) - Math.log(y0) || 1)) * plotH;
  const parts: string[] = [];
  parts.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
  for (let d = y0; d <= y1 * 1.001; d *= 10) {
    for (const m of [1, 2, 5]) {
      const v = d * m;
      if (v > y1 * 1.001) break;
      parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${py(v).toFixed(1)}" y2="${py(v).toFixed(1)}" stroke="#e4e4e4"/>`);
      parts.push(`<text x="${left - 6}" y="${(py(v) + 4).toFixed(1)}" font-size="11" text-anchor="end">${fmt(v)}</text>`);
    }
  }
  const ticks = [...new Set(xs)].sort((a, b) => a - b);
  for (const x of ticks) {
    parts.push(`<line x1="${px(x).toFixed(1)}" x2="${px(x).toFixed(1)}" y1="${top}" y2="${top + plotH}" stroke="#f0f0f0"/>`);
    parts.push(`<text x="${px(x).toFixed(1)}" y="${top + plotH + 16}" font-size="11" text-anchor="middle">${x >= 1024 && x % 1024 === 0 ? `${x / 1024}K` : x}</text>`);
  }
  for (const m of opts.markers ?? []) {
    if (m.x < x0 || m.x > x1) continue;
    const x = px(m.x).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${top}" y2="${top + plotH}" stroke="#c00" stroke-dasharray="5 3" stroke-width="1.5"/>`);
    parts.push(`<text x="${(px(m.x) + 4).toFixed(1)}" y="${top + 14}" font-size="11" fill="#c00">${escapeXml(m.label)}</text>`);
  }
  opts.series.forEach((s, i) => {
    const colour = colourOf(s.label);
    const d = s.points.map((p, j) => `${j ? "L" : "M"}${px(p.x).toFixed(1)} ${py(p.y).toFixed(1)}`).join("");
    parts.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 3"' : ""}/>`);
    for (const p of s.points) parts.push(`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="2.5" fill="${colour}"><title>${escapeXml(`${s.label}: ${fmt(p.y)} at ${p.x}`)}</title></circle>`);
    const ly = top + 8 + i * 18;
    const lx = left + plotW + 16;
    parts.push(`<line x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 3"' : ""}/>`);
    parts.push(`<text x="${lx + 28}" y="${ly + 4}" font-size="12">${escapeXml(s.label)}</text>`);
  });
  parts.push(`<text x="${left + plotW / 2}" y="${top + plotH + 34}" font-size="12" text-anchor="middle">${escapeXml(opts.xLabel)} (log scale)</text>`);
  parts.push(`<text x="14" y="${top + plotH / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${top + plotH / 2})">${escapeXml(opts.yLabel)} (log scale)</text>`);
  return svg(width, top + plotH + 46, [`<text x="8" y="22" font-size="15" font-weight="700">${escapeXml(opts.title)}</text>`, ...parts]);
}

function svg(width: number, height: number, parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${Math.round(height)}" viewBox="0 0 ${width} ${Math.round(height)}" ${FONT}>\n<rect width="100%" height="100%" fill="#fff"/>\n${parts.join("\n")}\n</svg>\n`;
}
