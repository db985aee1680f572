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

/** A row's bytes as PostgreSQL sends them (UTF-8). */
const bytes = (text: string): Buffer => Buffer.from(text, "utf8");

describe("CopyTextRow.nextInteger", () => {
  it("reads ids and line numbers as numbers, signed, and refuses NULL and integers past 2^53", () => {
    const row = new CopyTextRow().of(bytes("74925\t12\t-3\t007\t\\N\n"));
    expect([row.nextInteger(), row.nextInteger(), row.nextInteger(), row.nextInteger()]).toEqual([74925, 12, -3, 7]);
    expect(() => row.nextInteger()).toThrow(/NULL/);
    expect(() => new CopyTextRow().of(bytes("9007199254740993\n")).nextInteger()).toThrow(/2\^53/);
  });

  it("reads anything but digits as Number reads its text", () => {
    const row = new CopyTextRow().of(bytes("1.5\t\t-\n"));
    expect(row.nextInteger()).toBe(1.5);
    expect(row.nextInteger()).toBe(0);
    expect(row.nextInteger()).toBeNaN();
  });
});

describe("SharedStrings", () => {
  it("gives every value back unchanged, NULLs as NULL, whatever its length or characters", () => {
    const strings = new SharedStrings();
    const text = "Placement fee\t\\N\t1:1 support hours — Ünïcödé\t😀 outside the basic plane, longer than 13\tC1\ta\\tb\n";
    const row = new CopyTextRow().of(bytes(text));
    const read = [row.nextSharedText(strings), row.nextShared(strings), row.nextShared(strings), row.nextShared(strings), row.nextShared(strings), row.nextShared(strings)];
    expect(read).toEqual(copyTextFields(text));
    expect(read).toEqual(["Placement fee", null, "1:1 support hours — Ünïcödé", "😀 outside the basic plane, longer than 13", "C1", "a\tb"]);
  });

  it("hands out one copy of a value that repeats across rows, ASCII or not", () => {
    const strings = new SharedStrings();
    const first = new CopyTextRow().of(bytes("1\tPlacement fee\t2026-01-01\tÜber\n"));
    const second = new CopyTextRow().of(bytes("2\tPlacement fee\t2026-01-01\tÜber\n"));
    first.nextText();
    const a = [first.nextSharedText(strings), first.nextSharedText(strings), first.nextSharedText(strings)];
    const b = [second.nextText(), second.nextSharedText(strings), second.nextSharedText(strings), second.nextSharedText(strings)];
    expect(b).toEqual(["2", "Placement fee", "2026-01-01", "Über"]);
    expect(strings.size).toBe(3);
    // The same string, not only an equal one: nothing new was made for the repeats.
    expect(b.slice(1).every((value, i) => Object.is(value, a[i]))).toBe(true);
  });

  it("tells apart values whose hashes meet, and values of the same length that differ in one byte", () => {
    // "C449599" and "C612382" have the same 32-bit FNV-1a hash.
    const strings = new SharedStrings();
    const read = (text: string): string => new CopyTextRow().of(bytes(`${text}\n`)).nextSharedText(strings);
    expect([read("C449599"), read("C612382"), read("C449599"), read("C612382")]).toEqual(["C449599", "C612382", "C449599", "C612382"]);
    expect([read("Ünï"), read("Ünö"), read("Ünï")]).toEqual(["Ünï", "Ünö", "Ünï"]);
    expect(strings.size).toBe(4);
  });
});

describe("CopyTextRow over many rows (a COPY's bytes kept whole)", () => {
  const rowsOf = (text: string, fieldsRead: number | null = null): (string | null)[][] => {
    const all = bytes(text);
    const rows: (string | null)[][] = [];
    const row = new CopyTextRow();
    for (let start = 0; start < all.length; start = row.nextRowStart()) {
      row.of(all, start);
      const fields: (string | null)[] = [];
      while (row.more && (fieldsRead === null || fields.length < fieldsRead)) fields.push(row.next());
      rows.push(fields);
    }
    return rows;
  };

  it("reads the rows of a COPY one after another, an escaped newline staying inside its field", () => {
    expect(rowsOf("1\ta\\nb\t\\N\n2\t\tz\n3\tlast\n")).toEqual([["1", "a\nb", null], ["2", "", "z"], ["3", "last"]]);
  });

  it("finds the next row when a row's last fields are not read", () => {
    expect(rowsOf("1\tskipped\tskipped too\n2\tx\n\\N\ty\n", 1)).toEqual([["1"], ["2"], [null]]);
  });

  it("reads nothing from no bytes, and a last row without its newline", () => {
    expect(rowsOf("")).toEqual([]);
    expect(rowsOf("1\ta\n2\tb")).toEqual([["1", "a"], ["2", "b"]]);
  });
});
