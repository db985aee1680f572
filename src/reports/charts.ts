import { CATEGORIES, type Category } from "../domain/finding.js";
import { Dec, formatMoney, ZERO } from "../domain/money.js";
import type { FigureSet, MonthFigures, ProviderFigures } from "./figures.js";

/**
 * Accessible SVG charts of the savings figures, as strings for a template to include (mark
 * them safe there: every piece of text in them is escaped here). No JavaScript, no external
 * assets: they print, work under a strict Content-Security-Policy and scale with the page.
 *
 * Accessibility: the <svg> is one image (role="img") named by its <title> and described by a
 * <desc> that states every figure drawn, so a screen reader user gets the same data; each bar
 * segment also has a <title> (a tooltip for mouse users). Colours have at least 3:1 contrast
 * with the white background and segments are separated by white lines; the legend names the
 * categories in order, bottom to top. The page shows the same figures in a table as well.
 * Money is exact (Dec) in every label; only pixel geometry uses floating point.
 */
export type ChartMeasure = "identified" | "realised" | "outstanding" | "atRisk" | "dismissed";

export interface ChartOptions {
  /** Which figure the bars show; default identified. */
  measure?: ChartMeasure;
  /** Prefix for the element ids (title, desc); must be unique on the page. */
  id?: string;
  /** The chart's title (its accessible name). */
  title?: string;
  /** Width of the drawing in SVG units (it scales to its container); default 720. */
  width?: number;
}

export const CATEGORY_COLOURS: Readonly<Record<Category, string>> = {
  fees: "#1d70b8",
  errors: "#505a5f",
  query: "#d4351c",
};

export const CATEGORY_CHART_LABELS: Readonly<Record<Category, string>> = {
  fees: "Correct fees and discounts",
  errors: "Invoice errors",
  query: "Needs a person (query)",
};

const MEASURE_WORDS: Readonly<Record<ChartMeasure, string>> = {
  identified: "Savings identified",
  realised: "Savings realised",
  outstanding: "Identified, not yet recovered",
  atRisk: "Money at risk",
  dismissed: "Dismissed",
};

const FONT = `font-family="Arial, Helvetica, sans-serif"`;
const TEXT_COLOUR = "#0b0c0c";
const AXIS_COLOUR = "#505a5f";

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

function safeId(id: string): string {
  const clean = id.replace(/[^A-Za-z0-9_-]/g, "-");
  return /^[A-Za-z]/.test(clean) ? clean : `chart-${clean}`;
}

/** Pixels only: money values become numbers here and nowhere else. */
function px(value: Dec): number {
  return value.toNumber();
}

function round(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}

/** A round axis maximum and step: 1, 2, 2.5 or 5 × a power of ten, about four steps. */
export function niceScale(max: Dec): { max: Dec; step: Dec } {
  if (max.lte(0)) return { max: new Dec(100), step: new Dec(25) };
  const raw = max.dividedBy(4);
  const power = new Dec(10).pow(Math.floor(Math.log10(raw.toNumber())));
  const step = [1, 2, 2.5, 5, 10].map((m) => power.times(m)).find((s) => s.gte(raw)) ?? power.times(10);
  return { max: step.times(max.dividedBy(step).ceil()), step };
}

/** "£1,500" on an axis; pence only when there are some. */
export function axisMoney(value: Dec): string {
  const text = formatMoney(value);
  return value.isInteger() ? text.replace(/\.00$/, "") : text;
}

/** A bar's parts, one per category in chart order (shared with chart-images.ts). */
export function segments(byCategory: Record<Category, FigureSet>, measure: ChartMeasure): { category: Category; value: Dec }[] {
  return CATEGORIES.map((category) => ({ category, value: new Dec(byCategory[category][measure]) }));
}

export function total(values: readonly { value: Dec }[]): Dec {
  return values.reduce((sum, s) => sum.plus(s.value), ZERO);
}

function describeSegments(parts: readonly { category: Category; value: Dec }[]): string {
  return parts.map((s) => `${CATEGORY_CHART_LABELS[s.category].toLowerCase()} ${formatMoney(s.value)}`).join("; ");
}

function legend(x: number, y: number): string {
  let offset = x;
  const items: string[] = [];
  for (const category of CATEGORIES) {
    const label = CATEGORY_CHART_LABELS[category];
    items.push(
      `<rect x="${round(offset)}" y="${round(y - 11)}" width="14" height="14" fill="${CATEGORY_COLOURS[category]}"/>` +
        `<text x="${round(offset + 20)}" y="${round(y)}" ${FONT} font-size="14" fill="${TEXT_COLOUR}">${escapeXml(label)}</text>`,
    );
    offset += 20 + label.length * 7.4 + 24;
  }
  return `<g class="app-chart__legend">${items.join("")}</g>`;
}

function svgOpen(id: string, width: number, height: number, title: string, desc: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 ${width} ${height}" width="100%" ` +
    `preserveAspectRatio="xMinYMin meet" role="img" aria-labelledby="${id}-title ${id}-desc" focusable="false">` +
    `<title id="${id}-title">${escapeXml(title)}</title><desc id="${id}-desc">${escapeXml(desc)}</desc>`
  );
}

/** Bars by month, stacked by category (fees at the bottom, then errors, then queries). */
export function monthlySavingsChart(months: readonly MonthFigures[], options: ChartOptions = {}): string {
  const measure = options.measure ?? "identified";
  const id = safeId(options.id ?? "savings-by-month");
  const width = options.width ?? 720;
  const title = options.title ?? `${MEASURE_WORDS[measure]} by month of invoice date, by category`;
  const margin = { left: 84, right: 16, top: 44, bottom: 52 };
  const plotHeight = 240;
  const height = margin.top + plotHeight + margin.bottom;
  const plotWidth = width - margin.left - margin.right;

  const bars = months.map((m) => ({ month: m, parts: segments(m.byCategory, measure) }));
  const maxTotal = bars.reduce((max, b) => Dec.max(max, total(b.parts)), ZERO);
  const scale = niceScale(maxTotal);
  const y = (value: Dec): number => margin.top + plotHeight - (px(value) / px(scale.max)) * plotHeight;

  const descParts = bars.map((b) => {
    const sum = total(b.parts);
    return sum.isZero() ? `${b.month.label}: nothing` : `${b.month.label}: ${formatMoney(sum)} (${describeSegments(b.parts.filter((s) => !s.value.isZero()))})`;
  });
  const desc = months.length === 0 ? "No months to show." : `${MEASURE_WORDS[measure]}, by month. ${descParts.join(". ")}.`;

  const out: string[] = [svgOpen(id, width, height, title, desc)];
  out.push(legend(margin.left, 20));
  // Axis and grid lines.
  const axis: string[] = [];
  for (let tick = ZERO; tick.lte(scale.max); tick = tick.plus(scale.step)) {
    const ty = round(y(tick));
    axis.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${ty}" y2="${ty}" stroke="${tick.isZero() ? AXIS_COLOUR : "#d9d9d9"}" stroke-width="1"/>`);
    axis.push(`<text x="${margin.left - 8}" y="${round(y(tick) + 5)}" text-anchor="end" ${FONT} font-size="13" fill="${TEXT_COLOUR}">${escapeXml(axisMoney(tick))}</text>`);
  }
  out.push(`<g class="app-chart__axis" aria-hidden="true">${axis.join("")}</g>`);

  const band = months.length === 0 ? plotWidth : plotWidth / months.length;
  const barWidth = Math.min(56, band * 0.64);
  const labelEvery = months.length <= 13 ? 1 : Math.ceil(months.length / 12);
  const drawn: string[] = [];
  bars.forEach((bar, index) => {
    const x = margin.left + band * index + (band - barWidth) / 2;
    let base = ZERO;
    for (const part of bar.parts) {
      if (part.value.lte(0)) continue;
      const top = base.plus(part.value);
      const yTop = y(top);
      const h = y(base) - yTop;
      drawn.push(
        `<rect x="${round(x)}" y="${round(yTop)}" width="${round(barWidth)}" height="${round(Math.max(h, 0.5))}" fill="${CATEGORY_COLOURS[part.category]}" stroke="#ffffff" stroke-width="1">` +
          `<title>${escapeXml(`${bar.month.label}, ${CATEGORY_CHART_LABELS[part.category].toLowerCase()}: ${formatMoney(part.value)}`)}</title></rect>`,
      );
      base = top;
    }
    if (index % labelEvery === 0) {
      const [name = "", year = ""] = bar.month.label.split(" ");
      const cx = round(margin.left + band * index + band / 2);
      const showYear = index === 0 || bar.month.month.endsWith("-01");
      drawn.push(
        `<text x="${cx}" y="${margin.top + plotHeight + 20}" text-anchor="middle" ${FONT} font-size="13" fill="${TEXT_COLOUR}">` +
          `${escapeXml(name)}${showYear ? `<tspan x="${cx}" dy="16">${escapeXml(year)}</tspan>` : ""}</text>`,
      );
    }
  });
  out.push(`<g class="app-chart__bars">${drawn.join("")}</g>`);
  if (maxTotal.isZero()) {
    out.push(`<text x="${round(margin.left + plotWidth / 2)}" y="${round(margin.top + plotHeight / 2)}" text-anchor="middle" ${FONT} font-size="16" fill="${TEXT_COLOUR}">Nothing to show for this period</text>`);
  }
  out.push("</svg>");
  return out.join("");
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Horizontal bars by provider, stacked by category, largest first. Providers beyond `limit`
 * are drawn as one "Other providers" bar, so the chart stays readable for many providers.
 */
export function providerSavingsChart(providers: readonly ProviderFigures[], options: ChartOptions & { limit?: number } = {}): string {
  const measure = options.measure ?? "identified";
  const id = safeId(options.id ?? "savings-by-provider");
  const width = options.width ?? 720;
  const limit = Math.max(1, options.limit ?? 12);
  const title = options.title ?? `${MEASURE_WORDS[measure]} by provider, by category`;

  const withValue = providers
    .map((p) => ({ name: p.name, parts: segments(p.byCategory, measure) }))
    .filter((p) => total(p.parts).gt(0))
    .sort((a, b) => total(b.parts).comparedTo(total(a.parts)) || a.name.localeCompare(b.name));
  let rows = withValue;
  if (withValue.length > limit) {
    const rest = withValue.slice(limit - 1);
    rows = [
      ...withValue.slice(0, limit - 1),
      {
        name: `Other providers (${rest.length})`,
        parts: CATEGORIES.map((category) => ({ category, value: rest.reduce((sum, r) => sum.plus(r.parts.find((p) => p.category === category)?.value ?? ZERO), ZERO) })),
      },
    ];
  }

  const margin = { left: 216, right: 112, top: 44, bottom: 16 };
  const rowHeight = 32;
  const barHeight = 20;
  const height = margin.top + Math.max(1, rows.length) * rowHeight + margin.bottom;
  const plotWidth = width - margin.left - margin.right;
  const maxTotal = rows.reduce((max, r) => Dec.max(max, total(r.parts)), ZERO);
  const xOf = (value: Dec): number => margin.left + (maxTotal.isZero() ? 0 : (px(value) / px(maxTotal)) * plotWidth);

  const desc =
    rows.length === 0
      ? `${MEASURE_WORDS[measure]}: nothing for any provider in this period.`
      : `${MEASURE_WORDS[measure]}, by provider. ${rows.map((r) => `${r.name}: ${formatMoney(total(r.parts))} (${describeSegments(r.parts.filter((s) => !s.value.isZero()))})`).join(". ")}.`;

  const out: string[] = [svgOpen(id, width, height, title, desc), legend(16, 20)];
  const drawn: string[] = [];
  rows.forEach((row, index) => {
    const top = margin.top + index * rowHeight + (rowHeight - barHeight) / 2;
    drawn.push(
      `<text x="${margin.left - 8}" y="${round(top + barHeight / 2 + 5)}" text-anchor="end" ${FONT} font-size="13" fill="${TEXT_COLOUR}">` +
        `${escapeXml(truncate(row.name, 30))}</text>`,
    );
    let base = ZERO;
    for (const part of row.parts) {
      if (part.value.lte(0)) continue;
      const end = base.plus(part.value);
      drawn.push(
        `<rect x="${round(xOf(base))}" y="${round(top)}" width="${round(Math.max(xOf(end) - xOf(base), 0.5))}" height="${barHeight}" fill="${CATEGORY_COLOURS[part.category]}" stroke="#ffffff" stroke-width="1">` +
          `<title>${escapeXml(`${row.name}, ${CATEGORY_CHART_LABELS[part.category].toLowerCase()}: ${formatMoney(part.value)}`)}</title></rect>`,
      );
      base = end;
    }
    drawn.push(`<text x="${round(xOf(base) + 6)}" y="${round(top + barHeight / 2 + 5)}" ${FONT} font-size="13" fill="${TEXT_COLOUR}">${escapeXml(formatMoney(base))}</text>`);
  });
  out.push(`<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${height - margin.bottom}" stroke="${AXIS_COLOUR}" stroke-width="1" aria-hidden="true"/>`);
  out.push(`<g class="app-chart__bars">${drawn.join("")}</g>`);
  if (rows.length === 0) {
    out.push(`<text x="${round(width / 2)}" y="${margin.top + 21}" text-anchor="middle" ${FONT} font-size="16" fill="${TEXT_COLOUR}">Nothing to show for this period</text>`);
  }
  out.push("</svg>");
  return out.join("");
}
