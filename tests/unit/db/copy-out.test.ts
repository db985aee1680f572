import { describe, expect, it } from "vitest";
import { CopyTextRow, SharedStrings, copyTextFields } from "../../../src/db/copy-out.js";

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

describe("SharedStrings", () => {
  it("gives every value back unchanged, NULLs as NULL, whatever its length or characters", () => {
    const strings = new SharedStrings();
    const text = "Placement fee\t\\N\t1:1 support hours — Ünïcödé\t\uD800 lone surrogate, longer than 13\tC1\n";
    const row = new CopyTextRow().of(text);
    const read = [row.nextSharedText(strings), row.nextShared(strings), row.nextShared(strings), row.nextShared(strings), row.nextShared(strings)];
    expect(read).toEqual(copyTextFields(text));
  });

  it("hands out one copy of a value that repeats across rows", () => {
    const strings = new SharedStrings();
    const first = new CopyTextRow().of("1\tPlacement fee\t2026-01-01\n");
    const second = new CopyTextRow().of("2\tPlacement fee\t2026-01-01\n");
    first.nextText();
    first.nextSharedText(strings);
    first.nextSharedText(strings);
    const b = [second.nextText(), second.nextSharedText(strings), second.nextSharedText(strings)];
    expect(b).toEqual(["2", "Placement fee", "2026-01-01"]);
    expect(strings.size).toBe(2);
  });
});
