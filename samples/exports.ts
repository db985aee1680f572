/**
 * samples/exports/: Kestrel Vale's reference data as real systems export it, with the import
 * profiles that read them (issue 20). Together the three files hold exactly what
 * samples/reference/ holds; tests/integration/import-exports.test.ts proves it.
 *
 *   Mosaic_LAC_Placements_Dec2026.csv         the case system's placements report
 *   ContrOCC service agreements 2026-12.xlsx   the finance system: suppliers, agreements,
 *                                              price schedule, discounts
 *   Placements team tracker 2026-27.xlsx       the placements team's own workbook: title rows,
 *                                              a read-me sheet, fee changes, extras, absences
 *   profiles.json                              the three import profiles
 *
 * Run: npx tsx samples/exports.ts   (deterministic: fixed dates in the workbooks' metadata)
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ExcelJS from "exceljs";
import { utcDate } from "./format.js";
import { fixZipTimes } from "./layouts.js";
import { absences, contracts, discounts, packages, placementFees, placements, providers, rates, type Row, type Table } from "./reference.data.js";

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), "exports");
const WHEN = utcDate("2026-12-01", 9);

export const MOSAIC_FILE = "Mosaic_LAC_Placements_Dec2026.csv";
export const FINANCE_FILE = "ContrOCC service agreements 2026-12.xlsx";
export const TRACKER_FILE = "Placements team tracker 2026-27.xlsx";

/** The profiles, as `profiles set NAME --map …` would save them (header → [table.]column). */
export const PROFILES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "Mosaic placements export": {
    "Care Package Level": "placements.service_level",
    "Service Agreement": "placements.contract_id",
    "Agreed Weekly Cost": "placements.weekly_fee",
  },
  "ContrOCC service agreements": {
    "Supplier Code": "provider_id",
    "Service Type": "providers.kind",
    "Agreement No": "contract_id",
    "Agreement Title": "contracts.title",
    "Element": "rates.item",
  },
  "Placements team tracker": {
    "Away From": "absences.from_date",
    "Absence Category": "absences.reason",
  },
};

const ukDate = (iso: string): string => (iso === "" ? "" : `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`);
const isoDate = (text: string): string => (/^\d{2}\/\d{2}\/\d{4}$/.test(text) ? `${text.slice(6)}-${text.slice(3, 5)}-${text.slice(0, 2)}` : text);
const providerName = (id: string): string => providers.rows.find((p) => p.provider_id === id)?.name ?? id;
const KIND_WORDS: Readonly<Record<string, string>> = {
  ifa: "Independent Fostering Agency", residential: "Residential", supported_16plus: "Supported Accommodation", parent_child: "Parent and Child", other: "Other",
};
const csvCell = (value: string): string => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** The case system: UK dates, the provider by name, its own column names, a column the audit has no use for. */
function mosaicCsv(): string {
  const header = ["Placement ID", "Person ID", "Legal Status", "Provider Name", "Service Agreement", "Care Package Level", "Placement Start", "Placement End", "Agreed Weekly Cost", "Sibling Group", "PO Number"];
  const lines = placements.rows.map((p) =>
    [p.placement_id, p.child_ref, "C2", providerName(p.provider_id ?? ""), p.contract_id, p.service_level, ukDate(p.start_date ?? ""), ukDate(p.end_date ?? ""), p.weekly_fee, p.sibling_group, p.po_number].map((v) => csvCell(v ?? "")).join(","),
  );
  return `${[header.join(","), ...lines].join("\r\n")}\r\n`;
}

type CellValue = string | number | boolean | Date | null;
interface SheetSpec {
  name: string;
  /** Rows above the header: titles, filters, blanks. */
  above: readonly CellValue[][];
  header: readonly string[];
  rows: readonly CellValue[][];
}

const date = (iso: string): Date | null => (iso === "" ? null : utcDate(isoDate(iso)));
const num = (text: string): number | null => (text === "" ? null : Number(text));
const text = (value: string | undefined): string | null => (value === undefined || value === "" ? null : value);

async function workbook(sheets: readonly SheetSpec[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = "Kestrel Vale Council";
  book.lastModifiedBy = "Kestrel Vale Council";
  book.created = WHEN;
  book.modified = WHEN;
  for (const spec of sheets) {
    const sheet = book.addWorksheet(spec.name);
    for (const row of spec.above) sheet.addRow([...row]);
    if (spec.header.length > 0) sheet.addRow([...spec.header]).font = { bold: true };
    for (const row of spec.rows) {
      const added = sheet.addRow([...row]);
      row.forEach((value, i) => {
        if (value instanceof Date) added.getCell(i + 1).numFmt = "dd/mm/yyyy";
        else if (typeof value === "number") added.getCell(i + 1).numFmt = "#,##0.00";
      });
    }
    sheet.columns.forEach((column) => { column.width = 18; });
  }
  return fixZipTimes(Buffer.from(await book.xlsx.writeBuffer()), WHEN);
}

const rowsOf = (table: Table, cells: (row: Row) => CellValue[]): CellValue[][] => table.rows.map(cells);

function financeSheets(): SheetSpec[] {
  return [
    {
      name: "Suppliers", above: [], header: ["Supplier Code", "Supplier Name", "Service Type", "VAT Reg No", "Also Known As"],
      rows: rowsOf(providers, (p) => [p.provider_id ?? "", p.name ?? "", KIND_WORDS[p.kind ?? ""] ?? "", text(p.vat_number), text(p.aliases)]),
    },
    {
      name: "Agreements", above: [], header: ["Agreement No", "Supplier Code", "Agreement Title", "Start", "End", "Departure Day Paid", "Retainer %", "Retainer Max Nights", "VAT Exempt"],
      rows: rowsOf(contracts, (c) => [c.contract_id ?? "", c.provider_id ?? "", c.title ?? "", date(c.start_date ?? ""), date(c.end_date ?? ""), c.pay_departure_day === "true", num(c.absence_retainer_pct ?? ""), num(c.absence_retainer_max_nights ?? ""), c.vat_exempt === "true"]),
    },
    {
      name: "Price Schedule", above: [], header: ["Agreement No", "Element", "Band", "Unit", "Unit Price", "Valid From", "Valid To"],
      rows: rowsOf(rates, (r) => [r.contract_id ?? "", r.item ?? "", text(r.service_level), r.unit ?? "", num(r.rate ?? ""), date(r.effective_from ?? ""), date(r.effective_to ?? "")]),
    },
    {
      name: "Discounts", above: [], header: ["Discount Ref", "Supplier Code", "Agreement No", "Discount Type", "Percentage", "Threshold", "Valid From", "Valid To", "Terms"],
      rows: rowsOf(discounts, (d) => [d.discount_id ?? "", d.provider_id ?? "", text(d.contract_id), d.kind ?? "", num(d.percent ?? ""), num(d.threshold ?? ""), date(d.effective_from ?? ""), date(d.effective_to ?? ""), text(d.description)]),
    },
  ];
}

function trackerSheets(): SheetSpec[] {
  const title = (what: string): CellValue[][] => [["Kestrel Vale Council: Placements Team"], [what], ["Kept by the placements team; finance reads it at month end"], []];
  return [
    { name: "Read me", above: [["How to use this workbook"], ["One sheet per kind of record. Do not rename the columns."], ["Questions: placements.team@kestrelvale.example"]], header: [], rows: [] },
    {
      name: "Fee changes", above: title("Agreed weekly fee changes"), header: ["Placement Ref", "Effective Date", "New Weekly Fee"],
      rows: rowsOf(placementFees, (f) => [f.placement_id ?? "", date(f.effective_from ?? ""), num(f.weekly_fee ?? "")]),
    },
    {
      name: "Extras agreed", above: title("Extras agreed per placement (2026-27)"), header: ["Placement", "Extra", "Unit", "Agreed Rate (£)", "Max per Week", "From", "To"],
      rows: rowsOf(packages, (p) => [p.placement_id ?? "", p.item ?? "", p.unit ?? "", num(p.rate ?? ""), num(p.max_per_week ?? ""), date(p.effective_from ?? ""), date(p.effective_to ?? "")]),
    },
    {
      name: "Absences", above: [...title("Nights away from placement"), ["Filter: all placements, 2026-27"]], header: ["Placement", "Away From", "Last Night Away", "Absence Category"],
      rows: rowsOf(absences, (a) => [a.placement_id ?? "", date(a.from_date ?? ""), date(a.to_date ?? ""), (a.reason ?? "").replace(/^./, (c) => c.toUpperCase())]),
    },
  ];
}

export function profilesJson(): string {
  const profiles = Object.entries(PROFILES).map(([name, mappings]) => ({ name, mappings: Object.entries(mappings).map(([header, target]) => `${header}=${target}`) }));
  return `${JSON.stringify(profiles, null, 2)}\n`;
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, MOSAIC_FILE), mosaicCsv());
  fs.writeFileSync(path.join(OUT, FINANCE_FILE), await workbook(financeSheets()));
  fs.writeFileSync(path.join(OUT, TRACKER_FILE), await workbook(trackerSheets()));
  fs.writeFileSync(path.join(OUT, "profiles.json"), profilesJson());
  process.stdout.write(`wrote ${OUT}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
