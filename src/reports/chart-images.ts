import { createCanvas, GlobalFonts, type SKRSContext2D } from "@napi-rs/canvas";
import { CATEGORIES } from "../domain/finding.js";
import { Dec, formatMoney, ZERO } from "../domain/money.js";
import { axisMoney, CATEGORY_CHART_LABELS, CATEGORY_COLOURS, niceScale, segments, total, type ChartMeasure } from "./charts.js";
import type { MonthFigures, ProviderFigures } from "./figures.js";

/**
 * The savings charts as PNG images for the workbook (exceljs writes no native charts, STACK.md),
 * drawn with @napi-rs/canvas in the same colours, order and words as the web page's SVG charts
 * (charts.ts). Each is a picture of figures the workbook also gives in its tables; the sheet
 * states what it shows in words beside it. Money is exact in every label (Dec); only pixel
 * geometry uses floating point. With no font on the machine the bars are still drawn.
 */
const SCALE = 2;
const TEXT = "#0b0c0c";
const AXIS = "#505a5f";
const GRID = "#e1e1e1";

/** A sans-serif family the machine has (Liberation Sans is metric-compatible with Arial). */
function fontFamily(): string {
  const wanted = ["Arial", "Liberation Sans", "Helvetica", "DejaVu Sans", "Noto Sans"];
  return wanted.find((family) => GlobalFonts.has(family)) ?? "sans-serif";
}

function canvas(width: number, height: number): { ctx: SKRSContext2D; png: () => Buffer } {
  const c = createCanvas(width * SCALE, height * SCALE);
  const ctx = c.getContext("2d");
  ctx.scale(SCALE, SCALE);
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, width, height);
  return { ctx, png: () => c.toBuffer("image/png") };
}

function font(ctx: SKRSContext2D, size: number, bold = false): void {
  ctx.font = `${bold ? "bold " : ""}${size}px "${fontFamily()}"`;
}

/** The chart's title and its legend, top left. */
function heading(ctx: SKRSContext2D, title: string): void {
  font(ctx, 18, true);
  ctx.fillStyle = TEXT;
  ctx.textAlign = "left";
  ctx.fillText(title, 16, 28);
  legend(ctx, 16, 54);
}

function legend(ctx: SKRSContext2D, x: number, y: number): void {
  font(ctx, 13);
  let offset = x;
  for (const category of CATEGORIES) {
    ctx.fillStyle = CATEGORY_COLOURS[category];
    ctx.fillRect(offset, y - 11, 14, 14);
    ctx.fillStyle = TEXT;
    ctx.textAlign = "left";
    ctx.fillText(CATEGORY_CHART_LABELS[category], offset + 20, y);
    offset += 20 + ctx.measureText(CATEGORY_CHART_LABELS[category]).width + 24;
  }
}

export interface ChartImage {
  title: string;
  png: Buffer;
  width: number;
  height: number;
}

/** Bars by month, stacked by category (fees at the bottom), with a labelled money axis. */
export function monthlyChartImage(months: readonly MonthFigures[], measure: ChartMeasure = "identified", title = "Savings identified by month of invoice date, by category"): ChartImage {
  const width = 900;
  const height = 420;
  const margin = { left: 90, right: 20, top: 70, bottom: 50 };
  const { ctx, png } = canvas(width, height);
  heading(ctx, title);
  const plotHeight = height - margin.top - margin.bottom;
  const plotWidth = width - margin.left - margin.right;
  const bars = months.map((m) => ({ label: m.label, parts: segments(m.byCategory, measure) }));
  const scale = niceScale(bars.reduce((max, b) => Dec.max(max, total(b.parts)), ZERO));
  const y = (value: Dec): number => margin.top + plotHeight - (value.toNumber() / scale.max.toNumber()) * plotHeight;
  font(ctx, 12);
  ctx.textAlign = "right";
  for (let tick = ZERO; tick.lte(scale.max); tick = tick.plus(scale.step)) {
    ctx.strokeStyle = tick.isZero() ? AXIS : GRID;
    ctx.beginPath();
    ctx.moveTo(margin.left, y(tick));
    ctx.lineTo(width - margin.right, y(tick));
    ctx.stroke();
    ctx.fillStyle = TEXT;
    ctx.fillText(axisMoney(tick), margin.left - 6, y(tick) + 4);
  }
  const slot = plotWidth / Math.max(1, bars.length);
  const barWidth = Math.min(60, slot * 0.7);
  bars.forEach((bar, i) => {
    const x = margin.left + i * slot + (slot - barWidth) / 2;
    let base = ZERO;
    for (const part of bar.parts) {
      if (part.value.lte(0)) continue;
      const end = base.plus(part.value);
      ctx.fillStyle = CATEGORY_COLOURS[part.category];
      ctx.fillRect(x, y(end), barWidth, Math.max(y(base) - y(end), 0.5));
      base = end;
    }
    ctx.fillStyle = TEXT;
    ctx.textAlign = "center";
    ctx.fillText(bar.label, x + barWidth / 2, height - margin.bottom + 18);
  });
  return { title, png: png(), width, height };
}

/** Horizontal bars by provider, stacked by category, largest first; beyond `limit`, one "Other providers" bar. */
export function providerChartImage(providers: readonly ProviderFigures[], measure: ChartMeasure = "identified", title = "Savings identified by provider, by category", limit = 12): ChartImage {
  const ranked = providers
    .map((p) => ({ name: p.name, parts: segments(p.byCategory, measure) }))
    .filter((p) => total(p.parts).gt(0))
    .sort((a, b) => total(b.parts).comparedTo(total(a.parts)) || a.name.localeCompare(b.name));
  const rows = ranked.length <= limit ? ranked : [
    ...ranked.slice(0, limit - 1),
    {
      name: `Other providers (${ranked.length - limit + 1})`,
      parts: CATEGORIES.map((category) => ({ category, value: ranked.slice(limit - 1).reduce((sum, r) => sum.plus(r.parts.find((p) => p.category === category)?.value ?? ZERO), ZERO) })),
    },
  ];
  const width = 900;
  const rowHeight = 30;
  const margin = { left: 260, right: 120, top: 70, bottom: 16 };
  const height = margin.top + Math.max(1, rows.length) * rowHeight + margin.bottom;
  const { ctx, png } = canvas(width, height);
  heading(ctx, title);
  const plotWidth = width - margin.left - margin.right;
  const max = rows.reduce((m, r) => Dec.max(m, total(r.parts)), ZERO);
  const x = (value: Dec): number => margin.left + (max.isZero() ? 0 : (value.toNumber() / max.toNumber()) * plotWidth);
  font(ctx, 13);
  rows.forEach((row, i) => {
    const top = margin.top + i * rowHeight + 5;
    ctx.fillStyle = TEXT;
    ctx.textAlign = "right";
    ctx.fillText(row.name.length > 34 ? `${row.name.slice(0, 33)}…` : row.name, margin.left - 8, top + 15);
    let base = ZERO;
    for (const part of row.parts) {
      if (part.value.lte(0)) continue;
      const end = base.plus(part.value);
      ctx.fillStyle = CATEGORY_COLOURS[part.category];
      ctx.fillRect(x(base), top, Math.max(x(end) - x(base), 0.5), 20);
      base = end;
    }
    ctx.fillStyle = TEXT;
    ctx.textAlign = "left";
    ctx.fillText(formatMoney(base), x(base) + 6, top + 15);
  });
  ctx.strokeStyle = AXIS;
  ctx.beginPath();
  ctx.moveTo(margin.left, margin.top);
  ctx.lineTo(margin.left, height - margin.bottom);
  ctx.stroke();
  if (rows.length === 0) {
    ctx.fillStyle = TEXT;
    ctx.textAlign = "center";
    ctx.fillText("Nothing to show for this period", width / 2, margin.top + 20);
  }
  return { title, png: png(), width, height };
}
