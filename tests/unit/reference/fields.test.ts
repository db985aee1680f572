import { describe, expect, it } from "vitest";
import { FieldError, parseField, type RawCell } from "../../../src/reference/fields.js";
import { TABLES, type ColumnSpec } from "../../../src/reference/tables.js";

function column(table: keyof typeof TABLES, name: string): ColumnSpec {
  const found = TABLES[table].columns.find((c) => c.name === name);
  if (!found) throw new Error(name);
  return found;
}

const text = (value: string): RawCell => ({ text: value, value });
const value = (spec: ColumnSpec, cell: RawCell): unknown => {
  const result = parseField(spec, cell);
  return result instanceof FieldError ? `error: ${result.detail}` : result;
};

describe("reading cells", () => {
  const startDate = column("placements", "start_date");
  const weeklyFee = column("placements", "weekly_fee");
  const retainer = column("contracts", "absence_retainer_pct");
  const departure = column("contracts", "pay_departure_day");

  it("dates: ISO and UK day/month/year, never US order", () => {
    expect(value(startDate, text("2026-10-01"))).toBe("2026-10-01");
    expect(value(startDate, text("01/10/2026"))).toBe("2026-10-01");
    expect(value(startDate, text("1/2/2026"))).toBe("2026-02-01");
    expect(value(startDate, text("13/01/2026"))).toBe("2026-01-13");
    expect(value(startDate, text("01/13/2026"))).toBe('error: "01/13/2026" looks like a US (month-first) date: dates must be day/month/year (UK order) or YYYY-MM-DD');
    expect(value(startDate, text("31/02/2026"))).toBe('error: "31/02/2026" is not a date');
    expect(value(startDate, text(" 2026-10-01T00:00:00 "))).toBe("2026-10-01");
  });

  it("dates: XLSX date cells (a Date whose UTC fields are the date shown)", () => {
    expect(value(startDate, { text: "01/10/2026", value: new Date(Date.UTC(2026, 9, 1)) })).toBe("2026-10-01");
  });

  it("money: every DATA.md spelling, stored exactly", () => {
    expect(value(weeklyFee, text("912.50"))).toBe("912.5");
    expect(value(weeklyFee, text("£1,234.56"))).toBe("1234.56");
    expect(value(weeklyFee, text("  £ 912.50 "))).toBe("912.5");
    expect(value(weeklyFee, text("1,234.56 GBP"))).toBe("1234.56");
    expect(value(weeklyFee, text("131.428571"))).toBe("131.428571");
    expect(value(weeklyFee, text("(10.00)"))).toBe('error: "(10.00)" is negative');
  });

  it("money: XLSX numbers through their shortest decimal, never binary noise", () => {
    expect(value(weeklyFee, { text: "£912.50", value: 912.5 })).toBe("912.5");
    expect(value(weeklyFee, { text: "0.30", value: 0.1 + 0.2 })).toBe("0.3");
  });

  it("percentages: 5 means 5%, 5% too; an XLSX percentage cell 0.05 shown as 5% is 5", () => {
    expect(value(retainer, text("80"))).toBe("80");
    expect(value(retainer, text("80%"))).toBe("80");
    expect(value(retainer, text("62.5 %"))).toBe("62.5");
    expect(value(retainer, { text: "80", value: 80 })).toBe("80");
    expect(value(retainer, { text: "5%", value: 0.05 })).toBe("5");
    expect(value(retainer, { text: "6%", value: 0.055 })).toBe("5.5");
    expect(value(retainer, text(""))).toBe("100");
  });

  it("booleans: true/false/yes/no/y/n/1/0 in any case, and XLSX booleans", () => {
    for (const word of ["true", "TRUE", "Yes", "y", "1"]) expect(value(departure, text(word))).toBe(true);
    for (const word of ["false", "No", "N", "0"]) expect(value(departure, text(word))).toBe(false);
    expect(value(departure, { text: "TRUE", value: true })).toBe(true);
    expect(value(departure, { text: "0", value: 0 })).toBe(false);
    expect(value(departure, text(""))).toBe(false);
    expect(value(column("contracts", "vat_exempt"), text(""))).toBe(true);
  });

  it("identifiers are trimmed and keep their case; codes are lower case", () => {
    expect(value(column("placements", "child_ref"), text("  ab12 "))).toBe("ab12");
    expect(value(column("rates", "item"), text("One To One Hour"))).toBe("one_to_one_hour");
    expect(value(column("rates", "service_level"), text(""))).toBe("");
    expect(value(column("placements", "service_level"), text(""))).toBe(null);
  });

  it("units: plurals and abbreviations", () => {
    const unit = column("rates", "unit");
    expect(value(unit, text("Weeks"))).toBe("week");
    expect(value(unit, text("hrs"))).toBe("hour");
    expect(value(unit, text("night"))).toBe("night");
  });

  it("aliases are split on |", () => {
    expect(value(column("providers", "aliases"), text(" Oak Fostering | Oak FS |"))).toEqual(["Oak Fostering", "Oak FS"]);
    expect(value(column("providers", "aliases"), text(""))).toEqual([]);
  });

  it("kinds in other spellings", () => {
    expect(value(column("providers", "kind"), text("Supported 16+"))).toBe("supported_16plus");
    expect(value(column("providers", "kind"), text("Parent and child"))).toBe("parent_child");
    expect(value(column("discounts", "kind"), text("Length of Stay"))).toBe("length_of_stay");
    expect(value(column("absences", "reason"), text("HOSPITAL"))).toBe("hospital");
  });
});
