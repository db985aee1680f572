import ExcelJS from "exceljs";
import { SUPPRESSED_TEXT, type ConsortiumBenchmark, type MeasureFigures, type ServiceBenchmark } from "../domain/consortium-benchmark.js";
import { safeCellText } from "../domain/text-hygiene.js";
import { MONEY_FORMAT } from "./xlsx-table.js";

/**
 * The consortium workbook (`report consortium --out FILE.xlsx`, /consortium/prices.xlsx): the
 * benchmark page's figures, one row per member and measure, the drift per quarter, and the
 * notes that say how the figures are made. Only aggregated, suppressed figures reach it.
 */
export const CONSORTIUM_SHEETS = ["Prices", "Drift", "Notes"] as const;

/** The notes shown on the page and in the workbook: how the figures are made. */
export const BENCHMARK_NOTES: readonly string[] = [
  "Paid: per placement, the weekly fee agreed on the quarter's last night (a placement's fee change, else its own weekly fee, else its contract's rate card, the framework's included); for an extra, its package rate, else the rate card.",
  "Charged: per placement, the unit rate of its latest invoice line for the service in the quarter (a nightly rate × 7 for placement fees).",
  "A member's figure is the median of its placements' values. Of an even number of values the median is the mean of the middle two, rounded half up to the penny.",
  `A member with fewer than 5 placements in a group shows "${SUPPRESSED_TEXT}", never the figure, and its placements are left out of every other figure of the group (consortium median, spread, drift), so no hidden figure can be worked out by difference.`,
  "Consortium median: the median of the placements of the members shown. Spread: the lowest to the highest member median shown.",
  "Against the median: the member's median less the consortium median, and that as a percentage of the consortium median (to 0.1%, half up). Framework: the consortium's framework rate in force on the quarter's last day, against the consortium's charged median.",
  "Drift: the consortium's charged median each quarter, and its change since the first quarter shown, against the framework's agreed annual uplift.",
  "No child, placement, invoice line or finding of any council is in these figures: they are worked out inside the database and only the aggregated figures leave it.",
];

const num = (value: string | null): number | string => (value === null ? SUPPRESSED_TEXT : Number(value));
const pctCell = (value: string | null): string => (value === null ? "" : `${value}%`);

export function serviceName(service: Pick<ServiceBenchmark, "item" | "serviceLevel" | "unit">): string {
  const item = service.item === "placement" ? "Placement fee" : service.item.replace(/_/g, " ");
  return `${item}${service.serviceLevel ? `, ${service.serviceLevel}` : ""} (per ${service.unit})`;
}

export function buildConsortiumWorkbook(benchmark: ConsortiumBenchmark): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "placement-audit";
  const prices = workbook.addWorksheet("Prices");
  prices.addRow([`${safeCellText(benchmark.consortium.name)}: prices paid and charged, ${benchmark.quarterLabel}`]).font = { bold: true, size: 14 };
  prices.addRow([`Members: ${benchmark.consortium.members.map(safeCellText).join(", ")}`]);
  prices.addRow([]);
  const header = prices.addRow(["Provider", "Name", "Kind", "Service", "Measure", "Member", "Placements", "Median", "Against consortium median", "Against median %", "Spread low", "Spread high", "Framework rate", "Charged against framework", "Charged against framework %", "Annual uplift %"]);
  header.font = { bold: true };
  const moneyColumns = [8, 9, 11, 12, 13, 14];
  for (const service of benchmark.services) {
    for (const [measureName, figures] of [["Paid", service.paid], ["Charged", service.charged]] as const) {
      addMeasure(prices, service, measureName, figures);
    }
  }
  for (const column of moneyColumns) prices.getColumn(column).numFmt = MONEY_FORMAT;
  prices.columns.forEach((column, index) => {
    column.width = [10, 28, 16, 30, 10, 24, 12, 14, 16, 12, 14, 14, 14, 16, 12, 10][index] ?? 12;
  });

  const drift = workbook.addWorksheet("Drift");
  drift.addRow([`Charged median per quarter, against the framework's annual uplift`]).font = { bold: true, size: 14 };
  drift.addRow([]);
  drift.addRow(["Provider", "Service", ...benchmark.driftQuarters.flatMap((q) => [q.label, "Change %"]), "Annual uplift %", "Above uplift"]).font = { bold: true };
  for (const service of benchmark.services) {
    drift.addRow([
      safeCellText(service.providerId),
      serviceName(service),
      ...service.drift.flatMap((q) => [q.suppressed ? SUPPRESSED_TEXT : q.median === null ? "" : Number(q.median), pctCell(q.changePct)]),
      service.annualUpliftPct === null ? "" : `${service.annualUpliftPct}%`,
      service.driftAboveUplift ? "Yes" : "No",
    ]);
  }
  benchmark.driftQuarters.forEach((_, i) => (drift.getColumn(3 + i * 2).numFmt = MONEY_FORMAT));
  drift.columns.forEach((column, index) => (column.width = index === 1 ? 30 : 14));

  const notes = workbook.addWorksheet("Notes");
  notes.addRow(["How these figures are made"]).font = { bold: true, size: 14 };
  for (const note of BENCHMARK_NOTES) notes.addRow([note]);
  notes.getColumn(1).width = 140;
  return workbook;
}

function addMeasure(sheet: ExcelJS.Worksheet, service: ServiceBenchmark, measureName: string, figures: MeasureFigures): void {
  const base = [safeCellText(service.providerId), safeCellText(service.providerName ?? ""), service.providerKind ?? "", serviceName(service), measureName];
  for (const member of figures.members) {
    sheet.addRow([...base, safeCellText(member.member), member.suppressed ? SUPPRESSED_TEXT : member.placements, num(member.median), member.difference === null ? "" : Number(member.difference), pctCell(member.differencePct)]);
  }
  const charged = measureName === "Charged";
  sheet.addRow([
    ...base, "Consortium", figures.suppressed ? SUPPRESSED_TEXT : figures.placements, num(figures.median), "", "",
    figures.low === null ? "" : Number(figures.low), figures.high === null ? "" : Number(figures.high),
    service.frameworkRate === null ? "" : Number(service.frameworkRate),
    charged && service.chargedOverFramework !== null ? Number(service.chargedOverFramework) : "",
    charged ? pctCell(service.chargedOverFrameworkPct) : "",
    service.annualUpliftPct === null ? "" : `${service.annualUpliftPct}%`,
  ]).font = { bold: true };
}
