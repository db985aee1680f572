import { describe, expect, it } from "vitest";
import { copyTextFields } from "../../../src/db/copy-out.js";

// COPY's text format as PostgreSQL writes it (COPY TO): tab between fields, \N for NULL, and
// backslash, tab, newline, carriage return, backspace, form feed and vertical tab escaped.
describe("copyTextFields", () => {
  it("splits a row at tabs and drops the row's newline", () => {
    expect(copyTextFields("12\t3\tC1001\tPlacement fee\t131.00\n")).toEqual(["12", "3", "C1001", "Placement fee", "131.00"]);
  });

  it("reads \\N as NULL, and an empty field as an empty string", () => {
    expect(copyTextFields("1\t\\N\t\t\\N\n")).toEqual(["1", null, "", null]);
  });

  it("undoes the escapes COPY writes, and only those", () => {
    expect(copyTextFields("a\\tb\tc\\nd\\r\te\\\\f\t\\b\\f\\v\tC:\\\\N\n")).toEqual(["a\tb", "c\nd\r", "e\\f", "\b\f\v", "C:\\N"]);
  });

  it("keeps text that is not ASCII as it is", () => {
    expect(copyTextFields("Ünïcödé £917.00 — ok\t✓\n")).toEqual(["Ünïcödé £917.00 — ok", "✓"]);
  });

  it("reads a row of one field, and one whose last field is empty", () => {
    expect(copyTextFields("only\n")).toEqual(["only"]);
    expect(copyTextFields("a\t\n")).toEqual(["a", ""]);
  });
});
