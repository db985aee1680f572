import { describe, expect, it } from "vitest";
import { checkReferences, referenceWarnings, type CheckContext, type TableRows } from "../../../src/reference/reference-checks.js";
import { parseTable, type ParsedTable } from "../../../src/reference/parse-table.js";
import { tableFromFileName } from "../../../src/reference/table-name.js";
import { rowKey, TABLES, type ReferenceRow, type ReferenceTableName } from "../../../src/reference/tables.js";
import { readCsv } from "../../../src/tabular/csv.js";

/** One test per kind of message: the exact sentence a person reads. */

function parse(file: string, text: string): ParsedTable {
  const table = tableFromFileName(file);
  if (!table) throw new Error(`no table for ${file}`);
  return parseTable(file, TABLES[table], readCsv(text).map((row) => row.map((cell) => ({ text: cell, value: cell }))));
}

function messages(file: string, text: string): string[] {
  return parse(file, text).errors.map((issue) => issue.message);
}

function rows(table: ReferenceTableName, list: ReferenceRow[]): TableRows {
  return new Map(list.map((row) => [rowKey(TABLES[table], row), row]));
}

/** What the database holds in these tests. */
function context(): CheckContext {
  return {
    rejected: new Map(),
    tables: {
      providers: rows("providers", [
        { provider_id: "P1", name: "Oak", kind: "ifa", vat_number: null, aliases: [] },
        { provider_id: "P2", name: "Elm", kind: "residential", vat_number: null, aliases: [] },
      ]),
      contracts: rows("contracts", [
        { contract_id: "C1", provider_id: "P1", title: "T1", start_date: "2024-04-01", end_date: null, pay_departure_day: false, absence_retainer_pct: "80", absence_retainer_max_nights: 14, vat_exempt: true },
        { contract_id: "C2", provider_id: "P2", title: "T2", start_date: "2025-01-01", end_date: null, pay_departure_day: true, absence_retainer_pct: "100", absence_retainer_max_nights: null, vat_exempt: true },
      ]),
      placements: rows("placements", [
        { placement_id: "PL1", child_ref: "CH1", provider_id: "P1", contract_id: "C1", service_level: null, start_date: "2025-09-01", end_date: null, weekly_fee: null, sibling_group: null, po_number: null },
        { placement_id: "PL5", child_ref: "CH5", provider_id: "P1", contract_id: "C1", service_level: null, start_date: "2026-01-05", end_date: "2026-06-30", weekly_fee: null, sibling_group: null, po_number: null },
        { placement_id: "PL7", child_ref: "CH7", provider_id: "P2", contract_id: "C2", service_level: null, start_date: "2026-01-05", end_date: "2026-06-30", weekly_fee: null, sibling_group: null, po_number: null },
      ]),
    },
  };
}

function referenceMessages(file: string, text: string, ctx: CheckContext = context()): string[] {
  const parsed = parse(file, text);
  expect(parsed.errors).toEqual([]);
  const table = TABLES[tableFromFileName(file) as ReferenceTableName];
  return checkReferences(file, table, parsed.rows, ctx, parsed.headerSpellings).map((issue) => issue.message);
}

const PLACEMENTS_HEADER = "placement_id,child_ref,provider_id,contract_id,start_date,end_date,weekly_fee";

describe("messages: cells", () => {
  it("a date that does not exist, on row 14 as a spreadsheet numbers it", () => {
    const good = Array.from({ length: 12 }, (_, i) => `PL${i + 1},CH${i + 1},P1,C1,2026-01-01,`);
    const text = [PLACEMENTS_HEADER, ...good, "PL13,CH13,P1,C1,01/01/2026,31/02/2026"].join("\n");
    expect(messages("placements.csv", text)).toEqual(['placements.csv row 14, end_date: "31/02/2026" is not a date']);
  });

  it("a date cell holding a time, and a number in a date column that is no plausible serial date", () => {
    expect(messages("absences.csv", "placement_id,from_date,to_date,reason\nPL1,2026-01-01 13:30,2026-01-02,hospital")).toEqual([
      'absences.csv row 2, from_date: "2026-01-01 13:30" is not a date',
    ]);
    const table = TABLES.absences;
    const parsed = parseTable("absences.xlsx", table, [
      [{ text: "placement_id", value: "placement_id" }, { text: "from_date", value: "from_date" }, { text: "to_date", value: "to_date" }, { text: "reason", value: "reason" }],
      [{ text: "PL1", value: "PL1" }, { text: "4602", value: 4602 }, { text: "02/01/2026 09:00", value: new Date("2026-01-02T09:00:00Z") }, { text: "other", value: "other" }],
    ]);
    expect(parsed.errors.map((issue) => issue.message)).toEqual([
      'absences.xlsx row 2, from_date: "4602" is a number, not a date (as an Excel serial day number it is no date from 2000-01-01 to 2099-12-31): format the cell as a date, or write YYYY-MM-DD',
      'absences.xlsx row 2, to_date: "02/01/2026 09:00" is a date and time, not a date',
    ]);
  });

  it("a required cell left blank", () => {
    expect(messages("placements.csv", `${PLACEMENTS_HEADER}\nPL1,,P1,C1,2026-01-01,,`)).toEqual([
      "placements.csv row 2, child_ref: a value is required but the cell is blank",
    ]);
  });

  it("money that is not money, and negative money", () => {
    expect(messages("placements.csv", `${PLACEMENTS_HEADER}\nPL1,CH1,P1,C1,2026-01-01,,about 900`)).toEqual([
      'placements.csv row 2, weekly_fee: "about 900" is not an amount of money',
    ]);
    expect(messages("rates.csv", "contract_id,item,unit,rate,effective_from\nC1,placement,week,-5.00,2026-01-01")).toEqual(['rates.csv row 2, rate: "-5.00" is negative']);
  });

  it("percentages outside 0–100 or not numbers", () => {
    const header = "contract_id,provider_id,title,start_date,absence_retainer_pct";
    expect(messages("contracts.csv", `${header}\nC1,P1,T,2026-01-01,120\nC2,P1,T,2026-01-01,eighty`)).toEqual([
      'contracts.csv row 2, absence_retainer_pct: "120" is not a percentage between 0 and 100',
      'contracts.csv row 3, absence_retainer_pct: "eighty" is not a percentage',
    ]);
  });

  it("a whole number that is not whole", () => {
    expect(messages("contracts.csv", "contract_id,provider_id,title,start_date,absence_retainer_max_nights\nC1,P1,T,2026-01-01,14.5")).toEqual([
      'contracts.csv row 2, absence_retainer_max_nights: "14.5" is not a whole number of 0 or more',
    ]);
  });

  it("a boolean that is not true or false", () => {
    expect(messages("contracts.csv", "contract_id,provider_id,title,start_date,pay_departure_day\nC1,P1,T,2026-01-01,maybe")).toEqual([
      'contracts.csv row 2, pay_departure_day: "maybe" is not true or false (true/false, yes/no, y/n, 1/0)',
    ]);
  });

  it("a kind that is not one of the DATA.md values", () => {
    expect(messages("providers.csv", "provider_id,name,kind\nP1,Oak,fostering agency")).toEqual([
      'providers.csv row 2, kind: "fostering agency" is not one of ifa, residential, supported_16plus, parent_child, other',
    ]);
  });

  it("a unit that is not a unit", () => {
    expect(messages("rates.csv", "contract_id,item,unit,rate,effective_from\nC1,therapy_session,fortnight,60,2026-01-01")).toEqual([
      'rates.csv row 2, unit: "fortnight" is not a unit (night, day, week, hour, mile, session, item)',
    ]);
  });

  it("a quantity that is not a number", () => {
    expect(messages("packages.csv", "placement_id,item,unit,max_per_week,effective_from\nPL1,one_to_one_hour,hour,ten,2026-01-01")).toEqual([
      'packages.csv row 2, max_per_week: "ten" is not a number',
    ]);
  });

  it("names the file's own header when it is not the DATA.md spelling", () => {
    expect(messages("placements.csv", "Placement Ref,Young Person,Provider,Contract,Date Placed,Leaving Date\nPL1,CH1,P1,C1,2026-01-01,2026-13-01")).toEqual([
      'placements.csv row 2, end_date (column "Leaving Date"): "2026-13-01" is not a date',
    ]);
  });
});

describe("messages: headers and files", () => {
  it("a missing required column", () => {
    expect(messages("placements.csv", "placement_id,child_ref,provider_id,contract_id\nPL1,CH1,P1,C1")).toEqual([
      "placements.csv row 1: missing column start_date (the header row must name it)",
    ]);
  });

  it("two headers meaning one column", () => {
    expect(messages("placements.csv", "placement_id,child_ref,provider_id,contract_id,Start Date,From\nPL1,CH1,P1,C1,2026-01-01,2026-01-01")).toEqual([
      'placements.csv row 1, start_date: both "Start Date" and "From" mean start_date',
    ]);
  });

  it("extra columns: one warning for the file, rows still load", () => {
    const parsed = parse("placements.csv", `${PLACEMENTS_HEADER},Notes,Social Worker\nPL1,CH1,P1,C1,2026-01-01,,,a,b\nPL2,CH2,P1,C1,2026-01-01,,,c,d`);
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toHaveLength(2);
    expect(parsed.warnings.map((issue) => issue.message)).toEqual(['placements.csv row 1: ignored columns "Notes", "Social Worker" (not a column of the placements table)']);
  });

  it("values in a column with no header: one warning naming the column", () => {
    const parsed = parse("providers.csv", "provider_id,name,kind,,\nP1,Oak,ifa,,\nP2,Elm,residential,,x\nP3,Ash,other,,y,z");
    expect(parsed.errors).toEqual([]);
    expect(parsed.warnings.map((issue) => issue.message)).toEqual(["providers.csv row 1: ignored columns E, F: values under no header"]);
  });

  it("an empty file", () => {
    expect(messages("providers.csv", "\n\n")).toEqual(["providers.csv: the file is empty (no header row)"]);
  });
});

describe("messages: rows", () => {
  it("a key repeated within the file", () => {
    expect(messages("placements.csv", `${PLACEMENTS_HEADER}\nPL1,CH1,P1,C1,2026-01-01,,\nPL1,CH2,P1,C1,2026-01-01,,`)).toEqual([
      'placements.csv row 3, placement_id: "PL1" appears twice (also row 2)',
    ]);
    const rates = "contract_id,item,service_level,unit,rate,effective_from\nC1,placement,standard,week,900,2025-04-01\nC1,placement,Standard,week,950,01/04/2025";
    expect(messages("rates.csv", rates)).toEqual([
      'rates.csv row 3: repeats the rate on row 2 (contract_id "C1", item "placement", service_level "Standard", effective_from "01/04/2025"): which of the two is in force from that date would be a guess',
    ]);
  });

  it("end before start", () => {
    expect(messages("placements.csv", `${PLACEMENTS_HEADER}\nPL1,CH1,P1,C1,2026-01-01,2026-01-01,`)).toEqual([
      'placements.csv row 2, end_date: "2026-01-01" is not after start_date "2026-01-01"',
    ]);
    expect(messages("absences.csv", "placement_id,from_date,to_date,reason\nPL1,05/01/2026,04/01/2026,hospital")).toEqual([
      'absences.csv row 2, to_date: "04/01/2026" is before from_date "05/01/2026"',
    ]);
  });

  it("a placement fee on the rate card that is not weekly", () => {
    expect(messages("rates.csv", "contract_id,item,unit,rate,effective_from\nC1,placement,night,130,2026-01-01")).toEqual([
      'rates.csv row 2, unit: "night" is not week: a placement fee on the rate card is weekly',
    ]);
  });

  it("a volume discount without its threshold", () => {
    expect(messages("discounts.csv", "discount_id,provider_id,kind,percent,effective_from\nD1,P1,volume,5,2026-01-01")).toEqual([
      "discounts.csv row 2, threshold: a volume discount needs a threshold (the minimum number of concurrent placements) but the cell is blank",
    ]);
  });
});

describe("messages: references", () => {
  it("a provider or contract that does not exist", () => {
    expect(referenceMessages("placements.csv", `${PLACEMENTS_HEADER}\nPL2,CH2,P9,C1,2026-01-01,,\nPL3,CH3,P1,C9,2026-01-01,,`)).toEqual([
      'placements.csv row 2, provider_id: "P9" is not a known provider (not in the database nor in this import)',
      'placements.csv row 3, contract_id: "C9" is not a known contract (not in the database nor in this import)',
    ]);
  });

  it("a reference to a row whose file was rejected in this import", () => {
    const ctx = context();
    ctx.rejected.set("providers", new Map([["P3", "providers.xlsx"]]));
    expect(referenceMessages("contracts.csv", "contract_id,provider_id,title,start_date\nC3,P3,T,2026-01-01", ctx)).toEqual([
      'contracts.csv row 2, provider_id: "P3" is not a known provider (its row in providers.xlsx was rejected)',
    ]);
  });

  it("a placement whose contract is with another provider", () => {
    expect(referenceMessages("placements.csv", `${PLACEMENTS_HEADER}\nPL2,CH2,P1,C2,2026-01-01,,`)).toEqual([
      'placements.csv row 2, contract_id: contract "C2" is with provider "P2", not "P1"',
    ]);
  });

  it("placements of one child with one provider that overlap (a move on the same day does not)", () => {
    const text = `${PLACEMENTS_HEADER}\nPL2,CH2,P1,C1,2026-01-01,2026-03-01,\nPL3,CH2,P1,C1,2026-03-01,2026-05-01,\nPL4,CH2,P1,C1,2026-04-15,,`;
    expect(referenceMessages("placements.csv", text)).toEqual([
      'placements.csv row 4, start_date: placement "PL4" (2026-04-15 to ongoing) overlaps placement "PL3" (2026-03-01 to 2026-05-01) of the same child "CH2" with provider "P1"',
    ]);
  });

  it("a fee change before its placement started is an error; one after it ended a warning (the file is accepted)", () => {
    const text = "placement_id,effective_from,weekly_fee\nPL1,2025-08-01,950\nPL5,2026-06-30,950\nPL5,2026-06-29,950";
    expect(referenceMessages("placement_fees.csv", text)).toEqual([
      'placement_fees.csv row 2, effective_from: "2025-08-01" is outside placement "PL1" (start_date 2025-09-01, ongoing)',
    ]);
    const parsed = parse("placement_fees.csv", text);
    expect(referenceWarnings("placement_fees.csv", TABLES.placement_fees, parsed.rows, context(), parsed.headerSpellings).map((issue) => issue.message)).toEqual([
      'placement_fees.csv row 3, effective_from: "2026-06-30" is after placement "PL5" ended (start_date 2026-01-05, end_date 2026-06-30: its last night is 2026-06-29): the row is kept but applies to no night',
    ]);
  });

  it("two absences of one placement that start the same night are one continuous absence, with a warning", () => {
    const parsed = parse("absences.csv", "placement_id,from_date,to_date,reason\nPL1,2026-10-03,2026-10-10,hospital\nPL1,2026-10-03,2026-10-22,respite\nPL1,2026-11-03,2026-11-05,other\nPL1,2026-11-03,2026-11-04,other");
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows.map((row) => [row.values.from_date, row.values.to_date, row.values.reason])).toEqual([
      ["2026-10-03", "2026-10-22", "hospital"],
      ["2026-11-03", "2026-11-05", "other"],
    ]);
    expect(parsed.warnings.map((issue) => issue.message)).toEqual([
      'absences.csv row 3, from_date: the absence from "2026-10-03" to "2026-10-22" starts the same night as row 2\'s: taken as one continuous absence to "2026-10-22"',
      'absences.csv row 5, from_date: the absence from "2026-11-03" to "2026-11-04" starts the same night as row 4\'s: taken as one continuous absence to "2026-11-05"',
    ]);
  });

  it("an absence outside its placement's nights (the departure night counts when the contract pays it)", () => {
    const text = "placement_id,from_date,to_date,reason\nPL5,2026-06-29,2026-06-30,hospital\nPL5,2026-01-04,2026-01-06,missing\nPL7,2026-06-29,2026-06-30,respite";
    expect(referenceMessages("absences.csv", text)).toEqual([
      'absences.csv row 2, to_date: the absence "2026-06-29" to "2026-06-30" is not within placement "PL5" (start_date 2026-01-05, end_date 2026-06-30: its last night is 2026-06-29)',
      'absences.csv row 3, from_date: the absence "2026-01-04" to "2026-01-06" is not within placement "PL5" (start_date 2026-01-05, end_date 2026-06-30: its last night is 2026-06-29)',
    ]);
  });

  it("a discount on a contract of another provider", () => {
    expect(referenceMessages("discounts.csv", "discount_id,provider_id,contract_id,kind,percent,effective_from\nD1,P1,C2,percentage,5,2026-01-01")).toEqual([
      'discounts.csv row 2, contract_id: contract "C2" is with provider "P2", not "P1"',
    ]);
  });
});
