import { compact, REFERENCE_TABLES, type ReferenceTableName } from "./tables.js";

export type TabularFormat = "csv" | "xlsx";

const SINGULAR: Readonly<Record<ReferenceTableName, string>> = {
  providers: "provider",
  contracts: "contract",
  rates: "rate",
  placements: "placement",
  placement_fees: "placement_fee",
  packages: "package",
  discounts: "discount",
  absences: "absence",
};

/** Words around the table name that exports and downloads add: `01_providers`, `placements (2)`, `rates_2026-11_export`. */
const NOISE_WORDS = new Set(["copy", "export", "final", "latest", "new", "updated", "data"]);

function isNoise(token: string): boolean {
  return /^\d+$/.test(token) || /^v\d+$/.test(token) || NOISE_WORDS.has(token);
}

export function baseName(fileName: string): string {
  const name = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}

export function extension(fileName: string): string {
  const name = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

/**
 * The DATA.md table a file holds, from its name without extension: `placements.csv`,
 * `Placement Fees.xlsx`, `placement-fees.csv`, `01_providers.csv`, `absences (2).csv`.
 * Deliberately an exact match once numbering and download noise are dropped: a name that
 * merely contains a table name (`placement_packages`) would be a guess.
 */
export function tableFromFileName(fileName: string): ReferenceTableName | null {
  const tokens = baseName(fileName)
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((token) => token !== "");
  while (tokens.length > 0 && isNoise(tokens[0] ?? "")) tokens.shift();
  while (tokens.length > 0 && isNoise(tokens[tokens.length - 1] ?? "")) tokens.pop();
  const key = compact(tokens.join(""));
  if (key === "") return null;
  return REFERENCE_TABLES.find((table) => compact(table) === key || compact(SINGULAR[table]) === key) ?? null;
}

/** CSV or XLSX from the extension; for other names, from the content (an XLSX file is a zip). */
export function formatOf(fileName: string, bytes: Uint8Array): TabularFormat | { unsupported: string } {
  const ext = extension(fileName);
  if (ext === "csv" || ext === "tsv" || ext === "txt") return "csv";
  if (ext === "xlsx" || ext === "xlsm") return "xlsx";
  if (ext === "xls") return { unsupported: "an old-style .xls workbook is not supported: save it as .xlsx or .csv" };
  const zip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  if (zip) return "xlsx";
  if (ext === "") return "csv";
  return { unsupported: `a .${ext} file is not CSV or XLSX` };
}
