/**
 * Kestrel Vale Council's reference data (a fictional English unitary authority), as the
 * DATA.md tables. This file is the source of samples/reference/*: render.ts writes every
 * table as CSV (rates as rates.xlsx), with exactly these column names in this order.
 * Blank cells are "". Child references are pseudonymous; there are no names anywhere.
 */

export type Row = Readonly<Record<string, string>>;

export interface Table {
  /** The file name without extension: the DATA.md table name. */
  name: string;
  columns: readonly string[];
  rows: readonly Row[];
}

function table(name: string, columns: readonly string[], rows: readonly (readonly string[])[]): Table {
  return {
    name,
    columns,
    rows: rows.map((cells) => {
      if (cells.length !== columns.length) throw new Error(`${name}: row ${cells.join(",")} has ${cells.length} cells, not ${columns.length}`);
      return Object.fromEntries(columns.map((column, i) => [column, cells[i] ?? ""]));
    }),
  };
}

export const providers = table("providers", ["provider_id", "name", "kind", "vat_number", "aliases"], [
  ["BRF", "Brightfield Fostering Ltd", "ifa", "GB284619307", "Brightfield Foster Care|BFC Fostering"],
  ["OAK", "Oakleaf Family Placements CIC", "ifa", "", ""],
  ["HIL", "Hillcrest Children's Homes Ltd", "residential", "GB301558842", ""],
  ["CED", "Cedar House Care Ltd", "residential", "GB417702936", ""],
  ["RIV", "Riverside Supported Living Ltd", "supported_16plus", "GB552018374", ""],
  ["STP", "Stepping Stones Futures Ltd", "supported_16plus", "GB609437251", ""],
  ["NES", "Nestwood Parent and Child Centre Ltd", "parent_child", "GB738264190", ""],
  ["HAR", "Harbour Short Breaks CIC", "other", "GB845120663", ""],
]);

export const contracts = table(
  "contracts",
  ["contract_id", "provider_id", "title", "start_date", "end_date", "pay_departure_day", "absence_retainer_pct", "absence_retainer_max_nights", "vat_exempt"],
  [
    ["CON-BRF-24", "BRF", "Kestrel Vale IFA Framework 2024 (Brightfield)", "2024-04-01", "2028-03-31", "false", "80", "14", "true"],
    ["CON-OAK-23", "OAK", "Kestrel Vale IFA Framework 2023 (Oakleaf)", "2023-04-01", "2027-03-31", "true", "", "", "true"],
    ["CON-HIL-25", "HIL", "Residential Children's Homes Spot Purchase 2025", "2025-04-01", "", "false", "100", "", "true"],
    ["CON-CED-23", "CED", "Cedar House Block Contract 2023", "2023-10-01", "2027-09-30", "false", "100", "", "true"],
    ["CON-RIV-25", "RIV", "16+ Supported Accommodation DPS 2025 Lot 1 (accommodation with support)", "2025-04-01", "", "false", "100", "", "false"],
    ["CON-STP-25", "STP", "16+ Supported Accommodation DPS 2025 Lot 2", "2025-04-01", "", "false", "100", "", "true"],
    ["CON-NES-26", "NES", "Parent and Child Assessment Framework 2026", "2026-01-01", "", "false", "100", "", "true"],
    ["CON-HAR-26", "HAR", "Short Breaks and Emergency Beds 2026", "2026-04-01", "2027-03-31", "false", "100", "", "true"],
  ],
);

/** Rate cards: April 2026 uplifts for most; Cedar House uplifts on its contract anniversary, 1 October. */
export const rates = table("rates", ["contract_id", "item", "service_level", "unit", "rate", "effective_from", "effective_to"], [
  ["CON-BRF-24", "placement", "standard", "week", "875.00", "2025-04-01", "2026-03-31"],
  ["CON-BRF-24", "placement", "standard", "week", "903.00", "2026-04-01", ""],
  ["CON-BRF-24", "placement", "enhanced", "week", "1008.00", "2025-04-01", "2026-03-31"],
  ["CON-BRF-24", "placement", "enhanced", "week", "1036.00", "2026-04-01", ""],
  ["CON-BRF-24", "one_to_one_hour", "", "hour", "22.50", "2025-04-01", "2026-03-31"],
  ["CON-BRF-24", "one_to_one_hour", "", "hour", "24.00", "2026-04-01", ""],
  ["CON-BRF-24", "transport_mile", "", "mile", "0.45", "2025-04-01", ""],
  ["CON-OAK-23", "placement", "standard", "week", "840.00", "2025-04-01", "2026-03-31"],
  ["CON-OAK-23", "placement", "standard", "week", "868.00", "2026-04-01", ""],
  ["CON-HIL-25", "placement", "standard", "week", "5250.00", "2025-04-01", "2026-03-31"],
  ["CON-HIL-25", "placement", "standard", "week", "5460.00", "2026-04-01", ""],
  ["CON-HIL-25", "placement", "complex", "week", "6480.00", "2025-04-01", "2026-03-31"],
  ["CON-HIL-25", "placement", "complex", "week", "6720.00", "2026-04-01", ""],
  ["CON-HIL-25", "education_day", "", "day", "175.00", "2026-04-01", ""],
  ["CON-CED-23", "placement", "standard", "week", "4620.00", "2024-10-01", "2025-09-30"],
  ["CON-CED-23", "placement", "standard", "week", "4760.00", "2025-10-01", "2026-09-30"],
  ["CON-CED-23", "placement", "standard", "week", "4935.00", "2026-10-01", ""],
  ["CON-CED-23", "placement", "complex", "week", "5950.00", "2024-10-01", "2025-09-30"],
  ["CON-CED-23", "placement", "complex", "week", "6160.00", "2025-10-01", "2026-09-30"],
  ["CON-CED-23", "placement", "complex", "week", "6370.00", "2026-10-01", ""],
  ["CON-RIV-25", "placement", "standard", "week", "1015.00", "2025-04-01", "2026-03-31"],
  ["CON-RIV-25", "placement", "standard", "week", "1050.00", "2026-04-01", ""],
  ["CON-RIV-25", "placement", "enhanced", "week", "1421.00", "2025-04-01", "2026-03-31"],
  ["CON-RIV-25", "placement", "enhanced", "week", "1470.00", "2026-04-01", ""],
  ["CON-RIV-25", "placement", "high", "week", "2100.00", "2026-04-01", ""],
  ["CON-RIV-25", "one_to_one_hour", "", "hour", "22.00", "2026-04-01", ""],
  ["CON-STP-25", "placement", "core", "week", "714.00", "2025-04-01", "2026-03-31"],
  ["CON-STP-25", "placement", "core", "week", "735.00", "2026-04-01", ""],
  ["CON-STP-25", "placement", "enhanced", "week", "1050.00", "2025-04-01", "2026-03-31"],
  ["CON-STP-25", "placement", "enhanced", "week", "1085.00", "2026-04-01", ""],
  ["CON-NES-26", "placement", "residential_assessment", "week", "2800.00", "2026-01-01", ""],
  ["CON-NES-26", "placement", "community", "week", "1750.00", "2026-01-01", ""],
  ["CON-HAR-26", "placement", "emergency", "week", "3150.00", "2026-04-01", ""],
  ["CON-HAR-26", "placement", "short_break", "week", "2450.00", "2026-04-01", ""],
]);

export const placements = table(
  "placements",
  ["placement_id", "child_ref", "provider_id", "contract_id", "service_level", "start_date", "end_date", "weekly_fee", "sibling_group", "po_number"],
  [
    // Brightfield (IFA): C1003 and C1004 are siblings placed together (C1004 earns the sibling discount).
    ["PL-2001", "C1001", "BRF", "CON-BRF-24", "standard", "2025-06-16", "", "", "", "PO-410201"],
    ["PL-2002", "C1002", "BRF", "CON-BRF-24", "enhanced", "2025-11-03", "", "", "", "PO-410202"],
    ["PL-2003", "C1003", "BRF", "CON-BRF-24", "standard", "2026-02-09", "", "", "SG-14", "PO-410203"],
    ["PL-2004", "C1004", "BRF", "CON-BRF-24", "standard", "2026-02-09", "", "", "SG-14", "PO-410204"],
    ["PL-2005", "C1005", "BRF", "CON-BRF-24", "standard", "2026-05-18", "2026-10-20", "", "", "PO-410205"],
    ["PL-2006", "C1006", "BRF", "CON-BRF-24", "", "2026-01-12", "", "1050.00", "", "PO-410206"],
    ["PL-2007", "C1007", "BRF", "CON-BRF-24", "standard", "2026-08-24", "", "", "", "PO-410207"],
    ["PL-2008", "C1008", "BRF", "CON-BRF-24", "standard", "2025-09-01", "", "", "", "PO-410208"],
    ["PL-2009", "C1009", "BRF", "CON-BRF-24", "standard", "2024-11-04", "", "", "", "PO-410209"],
    ["PL-2010", "C1010", "BRF", "CON-BRF-24", "standard", "2025-01-06", "2026-07-10", "", "", "PO-410210"],
    // Oakleaf (IFA, not VAT registered, pays the departure day): C2003 moves carers on 14 Sep 2026.
    ["PL-3001", "C2001", "OAK", "CON-OAK-23", "standard", "2024-03-04", "", "", "", "PO-420301"],
    ["PL-3002", "C2002", "OAK", "CON-OAK-23", "standard", "2025-10-06", "", "", "", "PO-420302"],
    ["PL-3003", "C2003", "OAK", "CON-OAK-23", "standard", "2025-12-01", "2026-09-14", "", "", "PO-420303"],
    ["PL-3004", "C2003", "OAK", "CON-OAK-23", "", "2026-09-14", "", "945.00", "", "PO-420304"],
    ["PL-3005", "C2005", "OAK", "CON-OAK-23", "standard", "2026-07-20", "", "", "", "PO-420305"],
    ["PL-3006", "C2006", "OAK", "CON-OAK-23", "solo", "2026-09-21", "", "", "", "PO-420306"],
    // Hillcrest (residential): five children placed all quarter, so the 4% volume tier applies.
    ["PL-4001", "C3001", "HIL", "CON-HIL-25", "standard", "2025-08-11", "", "", "", "PO-430401"],
    ["PL-4002", "C3002", "HIL", "CON-HIL-25", "complex", "2026-01-05", "", "", "", "PO-430402"],
    ["PL-4003", "C3003", "HIL", "CON-HIL-25", "", "2026-03-16", "", "6900.00", "", "PO-430403"],
    ["PL-4004", "C3004", "HIL", "CON-HIL-25", "standard", "2026-04-13", "", "", "", "PO-430404"],
    ["PL-4005", "C3005", "HIL", "CON-HIL-25", "", "2026-06-01", "", "7000.00", "", "PO-430405"],
    // Cedar House (residential).
    ["PL-5001", "C4001", "CED", "CON-CED-23", "standard", "2025-02-03", "", "", "", "PO-440501"],
    ["PL-5002", "C4002", "CED", "CON-CED-23", "", "2026-05-05", "", "6300.00", "", "PO-440502"],
    ["PL-5003", "C4003", "CED", "CON-CED-23", "complex", "2026-07-27", "", "", "", "PO-440503"],
    ["PL-5004", "C4004", "CED", "CON-CED-23", "standard", "2026-09-07", "", "", "", "PO-440504"],
    ["PL-5005", "C4005", "CED", "CON-CED-23", "standard", "2024-06-03", "2026-06-26", "", "", "PO-440505"],
    // Riverside (16+ supported accommodation, VAT charged).
    ["PL-6001", "C5001", "RIV", "CON-RIV-25", "standard", "2025-11-17", "", "", "", "PO-450601"],
    ["PL-6002", "C5002", "RIV", "CON-RIV-25", "enhanced", "2026-03-02", "", "", "", "PO-450602"],
    ["PL-6003", "C5003", "RIV", "CON-RIV-25", "standard", "2026-06-22", "2026-09-18", "", "", "PO-450603"],
    ["PL-6004", "C5004", "RIV", "CON-RIV-25", "high", "2026-08-10", "", "", "", "PO-450604"],
    ["PL-6005", "C5005", "RIV", "CON-RIV-25", "standard", "2026-09-28", "", "", "", "PO-450605"],
    ["PL-6006", "C5006", "RIV", "CON-RIV-25", "", "2026-01-19", "", "1680.00", "", "PO-450606"],
    ["PL-6007", "C5007", "RIV", "CON-RIV-25", "standard", "2025-04-14", "2026-07-31", "", "", "PO-450607"],
    // Stepping Stones (16+ supported accommodation, bills in weeks).
    ["PL-7001", "C6001", "STP", "CON-STP-25", "core", "2025-09-01", "", "", "", "PO-460701"],
    ["PL-7002", "C6002", "STP", "CON-STP-25", "enhanced", "2026-02-16", "", "", "", "PO-460702"],
    ["PL-7003", "C6003", "STP", "CON-STP-25", "", "2026-05-11", "", "1120.00", "", "PO-460703"],
    ["PL-7004", "C6004", "STP", "CON-STP-25", "core", "2026-08-04", "", "", "", "PO-460704"],
    ["PL-7005", "C6005", "STP", "CON-STP-25", "core", "2026-10-05", "", "", "", "PO-460705"],
    // Nestwood (parent and child): child_ref is the child's; the parent is not referenced.
    ["PL-8001", "C7001", "NES", "CON-NES-26", "residential_assessment", "2026-07-06", "2026-09-25", "", "", "PO-470801"],
    ["PL-8002", "C7002", "NES", "CON-NES-26", "residential_assessment", "2026-08-17", "", "", "", "PO-470802"],
    ["PL-8003", "C7003", "NES", "CON-NES-26", "community", "2026-10-12", "", "", "", "PO-470803"],
    // Harbour (other: emergency beds and short breaks); C8004 has one short-break placement per stay.
    ["PL-9001", "C8001", "HAR", "CON-HAR-26", "emergency", "2026-08-03", "2026-08-21", "", "", "PO-480901"],
    ["PL-9002", "C8002", "HAR", "CON-HAR-26", "short_break", "2026-09-11", "2026-09-14", "", "", "PO-480902"],
    ["PL-9003", "C8003", "HAR", "CON-HAR-26", "emergency", "2026-10-02", "", "", "", "PO-480903"],
    ["PL-9004", "C8004", "HAR", "CON-HAR-26", "short_break", "2026-08-14", "2026-08-16", "", "", "PO-480904"],
    ["PL-9005", "C8004", "HAR", "CON-HAR-26", "short_break", "2026-09-18", "2026-09-20", "", "", "PO-480905"],
    ["PL-9006", "C8004", "HAR", "CON-HAR-26", "short_break", "2026-10-16", "2026-10-18", "", "", "PO-480906"],
  ],
);

/** Agreed fee changes: April uplifts, a fee agreed late (PL-3006) and a November uplift (PL-4003). */
export const placementFees = table("placement_fees", ["placement_id", "effective_from", "weekly_fee"], [
  ["PL-2006", "2026-04-01", "1092.00"],
  ["PL-3006", "2026-10-01", "1050.00"],
  ["PL-4003", "2026-04-01", "7140.00"],
  ["PL-4003", "2026-11-01", "7350.00"],
  ["PL-6006", "2026-04-01", "1750.00"],
]);

export const packages = table("packages", ["placement_id", "item", "unit", "rate", "max_per_week", "effective_from", "effective_to"], [
  ["PL-2006", "one_to_one_hour", "hour", "", "10", "2026-04-01", ""],
  ["PL-4001", "education_day", "day", "", "5", "2026-04-01", "2027-03-31"],
  ["PL-4002", "therapy_session", "session", "95.00", "1", "2026-04-01", ""],
  ["PL-6002", "one_to_one_hour", "hour", "", "6", "2026-04-01", ""],
  ["PL-7002", "transport_mile", "mile", "0.45", "", "2026-02-16", ""],
]);

export const discounts = table(
  "discounts",
  ["discount_id", "provider_id", "contract_id", "kind", "percent", "threshold", "effective_from", "effective_to", "description"],
  [
    ["D-BRF-SIB", "BRF", "CON-BRF-24", "sibling", "10", "", "2024-04-01", "", "10% off the weekly fee of each additional sibling placed together"],
    ["D-OAK-LOS", "OAK", "", "length_of_stay", "5", "104", "2024-04-01", "", "5% off the weekly fee once a placement has lasted two years (104 weeks)"],
    ["D-HIL-VOL3", "HIL", "", "volume", "2", "3", "2026-04-01", "", "Volume rebate: 2% while 3 or more Kestrel Vale children are placed"],
    ["D-HIL-VOL5", "HIL", "", "volume", "4", "5", "2026-04-01", "", "Volume rebate: 4% while 5 or more Kestrel Vale children are placed (instead of 2%)"],
    ["D-RIV-PCT", "RIV", "CON-RIV-25", "percentage", "2", "", "2026-04-01", "", "DPS price reduction: 2% off accommodation and support fees"],
  ],
);

/** Absences, in UK date order as the case management system exports them. */
export const absences = table("absences", ["placement_id", "from_date", "to_date", "reason"], [
  ["PL-3005", "14/08/2026", "16/08/2026", "respite"],
  ["PL-6004", "05/09/2026", "06/09/2026", "custody"],
  ["PL-2008", "08/09/2026", "27/09/2026", "hospital"],
  ["PL-2009", "12/10/2026", "14/10/2026", "hospital"],
  ["PL-4005", "10/10/2026", "12/10/2026", "missing"],
]);

export const referenceTables: readonly Table[] = [providers, contracts, rates, placements, placementFees, packages, discounts, absences];

/** Tables written as XLSX instead of CSV (real date and number cells). */
export const XLSX_TABLES: ReadonlySet<string> = new Set(["rates"]);
