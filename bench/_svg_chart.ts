/**
 * `lineChart`: a small SVG line chart with linear axes, a legend and one
 * line per series, written for the benchmark report (no chart dependency).
 * `sideBySide` puts several charts in one SVG.
 *
 * @module
 */

/** One line: its name, its points, and how it is drawn. */
export interface Series {
  /** The legend's label. */
  readonly name: string;
  /** The points, in x order. */
  readonly points: readonly { readonly x: number; readonly y: number }[];
  /** The line's colour; one from the palette when absent. */
  readonly color?: string;
  /** Whether the line is dashed (a baseline, say). */
  readonly dashed?: boolean;
}

/** What to draw. */
export interface ChartSpec {
  /** The title, above the plot. */
  readonly title: string;
  /** The x axis label. */
  readonly xLabel: string;
  /** The y axis label. */
  readonly yLabel: string;
  /** The lines. */
  readonly series: readonly Series[];
  /** The ticks on the x axis; nice round ones when absent. */
  readonly xTicks?: readonly number[];
  /** Formats a y value for the axis. */
  readonly formatY?: (value: number) => string;
  /** A logarithmic y axis, for lines that differ by orders of magnitude. */
  readonly logY?: boolean;
  /** Width and height in pixels; 640 × 400 when absent. */
  readonly width?: number;
  readonly height?: number;
}

/** Colours that stay apart for the colour-blind (Okabe–Ito), then a few more. */
export const PALETTE: readonly string[] = [
  "#000000",
  "#E69F00",
  "#56B4E9",
  "#009E73",
  "#D55E00",
  "#0072B2",
  "#CC79A7",
  "#999999",
  "#8C564B",
];

/** Round tick values from 0 to at least `max`. */
function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * power).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let value = 0; value < max + step * 0.999; value += step) {
    ticks.push(Number(value.toPrecision(12)));
  }
  return ticks;
}

/** Ticks at 1, 2 and 5 times the powers of ten, from the last one at or below `min` to the first at or above `max`. */
function logTicks(min: number, max: number): number[] {
  const all: number[] = [];
  for (let power = 10 ** Math.floor(Math.log10(min > 0 ? min : 1)); all.length < 100; power *= 10) {
    for (const factor of [1, 2, 5]) all.push(Number((power * factor).toPrecision(6)));
    if ((all[all.length - 1] as number) >= max) break;
  }
  const first = all.findLastIndex((tick) => tick < min);
  const last = all.findIndex((tick) => tick >= max);
  return all.slice(Math.max(first, 0), last === -1 ? all.length : last + 1);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A number short enough for an axis. */
export function shortNumber(value: number): string {
  if (value === 0) return "0";
  if (Math.abs(value) >= 1e6) return `${value / 1e6}M`;
  if (Math.abs(value) >= 1e3) return `${value / 1e3}k`;
  return String(Number(value.toPrecision(3)));
}

/**
 * Draws a line chart.
 *
 * @param spec The title, axes and lines.
 * @returns The SVG document.
 */
export function lineChart(spec: ChartSpec): string {
  const width = spec.width ?? 640;
  const height = spec.height ?? 400;
  // The legend is as wide as its longest label (about 6.5 px a character at 12 px).
  const legendWidth = Math.max(150, ...spec.series.map((s) => s.name.length * 6.6 + 44));
  const margin = { left: 70, right: legendWidth + 16, top: 40, bottom: 52 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  // A missing measurement (NaN) or an infinite ratio is left out, not drawn at an edge.
  const series = spec.series.map((s) => ({
    ...s,
    points: s.points.filter((p) => Number.isFinite(p.y) && Number.isFinite(p.x)),
  }));
  const points = series.flatMap((s) => s.points);
  const xMax = Math.max(...(spec.xTicks ?? []), ...points.map((p) => p.x), 1);
  const ys = points.map((p) => p.y).filter((y) => Number.isFinite(y));
  const yTicks = spec.logY === true
    ? logTicks(Math.min(...ys), Math.max(...ys))
    : niceTicks(Math.max(...ys, 0));
  const yMin = spec.logY === true ? (yTicks[0] ?? 1) : 0;
  const yMax = yTicks[yTicks.length - 1] ?? 1;
  const scale = spec.logY === true ? Math.log10 : (y: number) => y;
  const xTicks = spec.xTicks ?? niceTicks(xMax);
  const xEnd = Math.max(xMax, xTicks[xTicks.length - 1] ?? xMax);
  const px = (x: number) => margin.left + (x / xEnd) * plotWidth;
  const py = (y: number) =>
    margin.top + plotHeight -
    ((scale(y) - scale(yMin)) / (scale(yMax) - scale(yMin))) * plotHeight;
  const formatY = spec.formatY ?? shortNumber;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${margin.left}" y="22" font-size="15" font-weight="bold">${
      escapeXml(spec.title)
    }</text>`,
  );
  for (const tick of yTicks) {
    const y = py(tick).toFixed(1);
    out.push(
      `<line x1="${margin.left}" x2="${
        margin.left + plotWidth
      }" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text x="${margin.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${
        escapeXml(formatY(tick))
      }</text>`,
    );
  }
  for (const tick of xTicks) {
    const x = px(tick).toFixed(1);
    out.push(
      `<line x1="${x}" x2="${x}" y1="${margin.top}" y2="${
        margin.top + plotHeight
      }" stroke="#f0f0f0"/>`,
      `<text x="${x}" y="${margin.top + plotHeight + 16}" text-anchor="middle">${
        shortNumber(tick)
      }</text>`,
    );
  }
  out.push(
    `<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${
      margin.top + plotHeight
    }" stroke="#333"/>`,
    `<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${
      margin.top + plotHeight
    }" y2="${margin.top + plotHeight}" stroke="#333"/>`,
    `<text x="${margin.left + plotWidth / 2}" y="${height - 12}" text-anchor="middle">${
      escapeXml(spec.xLabel)
    }</text>`,
    `<text transform="translate(16 ${margin.top + plotHeight / 2}) rotate(-90)" ` +
      `text-anchor="middle">${escapeXml(spec.yLabel)}</text>`,
  );
  series.forEach((line, index) => {
    const color = line.color ?? PALETTE[index % PALETTE.length];
    const dash = line.dashed === true ? ` stroke-dasharray="6 4"` : "";
    const path = line.points.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(
      " ",
    );
    if (line.points.length > 1) {
      out.push(
        `<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`,
      );
    }
    for (const p of line.points) {
      out.push(
        `<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="3" fill="${color}">` +
          `<title>${escapeXml(`${line.name}: ${shortNumber(p.x)} → ${formatY(p.y)}`)}</title>` +
          `</circle>`,
      );
    }
    const ly = margin.top + 8 + index * 20;
    const lx = width - legendWidth;
    out.push(
      `<line x1="${lx}" x2="${
        lx + 24
      }" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`,
      `<text x="${lx + 30}" y="${ly}" dominant-baseline="middle">${escapeXml(line.name)}</text>`,
    );
  });
  out.push("</svg>");
  return out.join("\n");
}

/**
 * Puts several SVG charts in a row, in one document.
 *
 * @param charts SVG documents as `lineChart` makes them.
 * @param width The width of each.
 * @param height The height of each.
 * @returns One SVG document.
 */
export function sideBySide(charts: readonly string[], width = 640, height = 400): string {
  const total = width * charts.length;
  const inner = charts.map((chart, index) =>
    chart.replace("<svg ", `<svg x="${index * width}" y="0" `)
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${total}" height="${height}" ` +
    `viewBox="0 0 ${total} ${height}">\n${inner.join("\n")}\n</svg>`;
}
