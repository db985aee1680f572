import { ABSENCE_REASONS, DISCOUNT_KINDS, PROVIDER_KINDS, UNITS } from "../domain/reference.js";

/**
 * The DATA.md reference tables as data: their columns, how each value is read, the natural
 * key (the table's primary key in migration 20261129_0002_reference) and the header spellings
 * accepted besides the column name itself. Header matching compares "compact" forms
 * (lower case, letters and digits only), so `Child Ref`, `child_ref` and `ChildRef` are one.
 */

/** In dependency order: a table only refers to tables before it. */
export const REFERENCE_TABLES = ["providers", "contracts", "rates", "placements", "placement_fees", "packages", "discounts", "absences"] as const;
export type ReferenceTableName = (typeof REFERENCE_TABLES)[number];

export type ColumnKind =
  | "id" // identifier: trimmed, case kept
  | "text" // free text: trimmed
  | "code" // a code such as an item or service level: trimmed, lower case, spaces as _
  | "enum" // one of `values`
  | "unit" // a DATA.md unit, plurals and abbreviations accepted
  | "date"
  | "money" // pounds, every DATA.md money spelling, never negative
  | "decimal" // a plain non-negative number (quantities)
  | "percent" // 0–100, `5` or `5%` means 5%
  | "integer" // a whole number, not negative
  | "boolean"
  | "aliases"; // names separated by `|`

export type FieldValue = string | number | boolean | null | string[];

/** A row of a reference table by DATA.md column name, in the form it is stored (dates ISO, decimals as strings). */
export type ReferenceRow = Record<string, FieldValue>;

/** One data row of a table file, parsed. */
export interface ParsedRow {
  /** Spreadsheet row number (header = 1). */
  rowNumber: number;
  values: ReferenceRow;
  /** The cells' text as written, by column name, for messages. */
  written: Record<string, string>;
}

export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
  required: boolean;
  /** Other header spellings (any case and punctuation). */
  synonyms: readonly string[];
  /** For enum columns. */
  values?: readonly string[];
  /** Decimal places stored (numeric(p, scale)); values are rounded half up to it. */
  scale?: number;
  /** Used when the cell is blank. */
  defaultValue?: FieldValue;
  /** Part of a primary key but optional: stored as '' when blank (rates.service_level). */
  blankAsEmptyString?: boolean;
}

export interface TableSpec {
  name: ReferenceTableName;
  /** One row, in words: "placement", "placement fee". */
  rowNoun: string;
  columns: readonly ColumnSpec[];
  key: readonly string[];
}

// A provider's name or alias is accepted in these columns too (provider-names.ts), so its headers are as well.
const PROVIDER_ID_SYNONYMS = ["provider", "provider name", "supplier name", "provider ref", "provider reference", "provider code", "provider no", "provider number", "supplier id", "supplier ref", "supplier"];
const CONTRACT_ID_SYNONYMS = ["contract", "contract ref", "contract reference", "contract no", "contract number", "contract code"];
const PLACEMENT_ID_SYNONYMS = ["placement", "placement ref", "placement reference", "placement no", "placement number", "placement code"];
const FROM_SYNONYMS = ["from", "start", "start date", "date from", "valid from", "effective date", "from date"];
const TO_SYNONYMS = ["to", "end", "end date", "date to", "valid to", "until", "to date"];
const ITEM_SYNONYMS = ["item code", "service", "service item", "extra"];
const UNIT_SYNONYMS = ["per", "uom", "unit of measure", "units"];
const SERVICE_LEVEL_SYNONYMS = ["level", "level of need", "tier", "band", "service band"];

function col(name: string, kind: ColumnKind, required: boolean, synonyms: readonly string[] = [], extra: Partial<ColumnSpec> = {}): ColumnSpec {
  return { name, kind, required, synonyms, ...extra };
}

const MONEY_SCALE = 6; // numeric(18,6): rates and weekly fees may carry more than pence
const PERCENT_SCALE = 4; // numeric(9,4)

export const TABLES: Readonly<Record<ReferenceTableName, TableSpec>> = {
  providers: {
    name: "providers",
    rowNoun: "provider",
    key: ["provider_id"],
    columns: [
      col("provider_id", "id", true, ["id", "provider ref", "provider reference", "provider code", "provider no", "provider number", "supplier id", "supplier ref"]),
      col("name", "text", true, ["provider name", "trading name", "legal name", "supplier name"]),
      col("kind", "enum", true, ["type", "provider type", "provider kind", "category"], { values: PROVIDER_KINDS }),
      col("vat_number", "id", false, ["vat no", "vat reg no", "vat registration number", "vat registration no", "vat reg number", "vat reg", "vat"]),
      col("aliases", "aliases", false, ["alias", "also known as", "aka", "other names"], { defaultValue: [] }),
    ],
  },
  contracts: {
    name: "contracts",
    rowNoun: "contract",
    key: ["contract_id"],
    columns: [
      col("contract_id", "id", true, ["id", ...CONTRACT_ID_SYNONYMS]),
      col("provider_id", "id", true, PROVIDER_ID_SYNONYMS),
      col("title", "text", true, ["contract title", "name", "contract name"]),
      col("start_date", "date", true, ["start", "from", "contract start", "contract start date", "date from", "valid from", "effective from"]),
      col("end_date", "date", false, ["end", "to", "contract end", "contract end date", "date to", "valid to", "effective to", "expiry", "expiry date"]),
      col("pay_departure_day", "boolean", false, ["departure day paid", "pay departure", "pay day of departure", "pay departure date"], { defaultValue: false }),
      col("absence_retainer_pct", "percent", false, ["absence retainer", "absence retainer percent", "absence retainer percentage", "retainer", "retainer pct", "retainer percent", "retainer percentage"], {
        scale: PERCENT_SCALE,
        defaultValue: "100",
      }),
      col("absence_retainer_max_nights", "integer", false, ["absence retainer max", "absence retainer nights", "retainer max nights", "max retainer nights", "max absence nights"]),
      col("vat_exempt", "boolean", false, ["exempt from vat", "vat exemption"], { defaultValue: true }),
    ],
  },
  rates: {
    name: "rates",
    rowNoun: "rate",
    key: ["contract_id", "item", "service_level", "effective_from"],
    columns: [
      col("contract_id", "id", true, CONTRACT_ID_SYNONYMS),
      col("item", "code", true, ITEM_SYNONYMS),
      col("service_level", "code", false, SERVICE_LEVEL_SYNONYMS, { blankAsEmptyString: true }),
      col("unit", "unit", true, UNIT_SYNONYMS),
      col("rate", "money", true, ["price", "unit rate", "unit price", "rate per unit", "amount", "fee", "weekly rate"], { scale: MONEY_SCALE }),
      col("effective_from", "date", true, FROM_SYNONYMS),
      col("effective_to", "date", false, TO_SYNONYMS),
    ],
  },
  placements: {
    name: "placements",
    rowNoun: "placement",
    key: ["placement_id"],
    columns: [
      col("placement_id", "id", true, ["id", ...PLACEMENT_ID_SYNONYMS]),
      col("child_ref", "id", true, ["child", "child id", "person id", "child identifier", "child reference", "child ref no", "young person", "yp ref", "client ref", "la ref"]),
      col("provider_id", "id", true, PROVIDER_ID_SYNONYMS),
      col("contract_id", "id", true, CONTRACT_ID_SYNONYMS),
      col("service_level", "code", false, SERVICE_LEVEL_SYNONYMS),
      col("start_date", "date", true, ["start", "from", "placement start", "placement start date", "date from", "start of placement", "date placed"]),
      col("end_date", "date", false, ["end", "to", "placement end", "placement end date", "date to", "end of placement", "date left", "leaving date"]),
      col("weekly_fee", "money", false, ["fee", "weekly rate", "agreed weekly fee", "agreed fee", "agreed weekly rate", "weekly cost"], { scale: MONEY_SCALE }),
      col("sibling_group", "id", false, ["siblings", "sibling group id", "sibling ref", "sibling group ref"]),
      col("po_number", "id", false, ["po", "po no", "po ref", "purchase order", "purchase order number", "purchase order no", "order number"]),
    ],
  },
  placement_fees: {
    name: "placement_fees",
    rowNoun: "placement fee",
    key: ["placement_id", "effective_from"],
    columns: [
      col("placement_id", "id", true, PLACEMENT_ID_SYNONYMS),
      col("effective_from", "date", true, FROM_SYNONYMS),
      col("weekly_fee", "money", true, ["fee", "weekly rate", "new weekly fee", "agreed weekly fee", "agreed fee"], { scale: MONEY_SCALE }),
    ],
  },
  packages: {
    name: "packages",
    rowNoun: "package",
    key: ["placement_id", "item", "effective_from"],
    columns: [
      col("placement_id", "id", true, PLACEMENT_ID_SYNONYMS),
      col("item", "code", true, ITEM_SYNONYMS),
      col("unit", "unit", true, UNIT_SYNONYMS),
      col("rate", "money", false, ["price", "unit rate", "unit price", "rate per unit", "agreed rate"], { scale: MONEY_SCALE }),
      col("max_per_week", "decimal", false, ["maximum per week", "max qty per week", "max quantity per week", "weekly max", "weekly maximum", "cap per week", "per week"], { scale: MONEY_SCALE }),
      col("effective_from", "date", true, FROM_SYNONYMS),
      col("effective_to", "date", false, TO_SYNONYMS),
    ],
  },
  discounts: {
    name: "discounts",
    rowNoun: "discount",
    key: ["discount_id"],
    columns: [
      col("discount_id", "id", true, ["id", "discount", "discount ref", "discount reference", "discount code"]),
      col("provider_id", "id", true, PROVIDER_ID_SYNONYMS),
      col("contract_id", "id", false, CONTRACT_ID_SYNONYMS),
      col("kind", "enum", true, ["type", "discount type", "discount kind"], { values: DISCOUNT_KINDS }),
      col("percent", "percent", true, ["pct", "percentage", "discount pct", "discount percent", "discount percentage", "discount rate"], { scale: PERCENT_SCALE }),
      col("threshold", "decimal", false, ["minimum", "min", "threshold value"], { scale: MONEY_SCALE }),
      col("effective_from", "date", true, FROM_SYNONYMS),
      col("effective_to", "date", false, TO_SYNONYMS),
      col("description", "text", false, ["details", "wording", "terms"]),
    ],
  },
  absences: {
    name: "absences",
    rowNoun: "absence",
    key: ["placement_id", "from_date"],
    columns: [
      col("placement_id", "id", true, PLACEMENT_ID_SYNONYMS),
      col("from_date", "date", true, ["from", "start", "start date", "date from", "first night", "first night away", "absent from"]),
      col("to_date", "date", true, ["to", "end", "end date", "date to", "last night", "last night away", "absent to", "absent until", "until"]),
      col("reason", "enum", true, ["absence reason", "type", "absence type", "cause"], { values: ABSENCE_REASONS }),
    ],
  },
};

export const UNIT_VALUES = UNITS;

/** Compact form used to compare headers and enum spellings: lower case, letters and digits. */
export function compact(text: string): string {
  return text
    .toLowerCase()
    .replace(/%/g, "pct")
    .replace(/#/g, "no")
    .replace(/\+/g, "plus")
    .replace(/[^a-z0-9]/g, "");
}

/** Tables that must be loaded to check a file of this table: itself and those it refers to. */
export const TABLE_DEPENDENCIES: Readonly<Record<ReferenceTableName, readonly ReferenceTableName[]>> = {
  providers: ["providers"],
  contracts: ["contracts", "providers", "placements"],
  rates: ["rates", "contracts"],
  placements: ["placements", "providers", "contracts"],
  placement_fees: ["placement_fees", "placements", "contracts"],
  packages: ["packages", "placements"],
  discounts: ["discounts", "providers", "contracts"],
  absences: ["absences", "placements", "contracts"],
};

export function tableOrder(table: ReferenceTableName): number {
  return REFERENCE_TABLES.indexOf(table);
}

/** The natural key of a row as one string (the table's primary key columns joined). */
export function rowKey(table: TableSpec, row: ReferenceRow): string {
  return table.key.map((name) => String(row[name] ?? "")).join("\u0001");
}
