import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dayFromIso, isoFromDay, parseDate, tryParseDay } from "../../../src/domain/dates.js";
import { AppError } from "../../../src/domain/errors.js";
import { Dec, formatMoney, parseMoney, tryParseMoney } from "../../../src/domain/money.js";
import { emptyConfig } from "../../../src/ingest/extract/config.js";
import { extractInvoice } from "../../../src/ingest/extract/extractor.js";
import { readCsvInvoice } from "../../../src/ingest/readers/spreadsheet.reader.js";
import {
  findDates,
  findMoneyInText,
  findPeriodInText,
  findVatNumbers,
  parseDateText,
  parseMoneyText,
  parsePeriodText,
  parseQuantity,
  parseRate,
} from "../../../src/ingest/text/values.js";
import { toInvoice } from "../../../src/ingest/to-invoice.js";
import type { LayoutCell, LayoutDocument, LayoutRow } from "../../../src/ingest/types.js";
import { readCsv } from "../../../src/tabular/csv.js";
import { decodeText } from "../../../src/tabular/decode-text.js";
import { LINE_KEYWORDS } from "../../support/line-keywords.js";

/**
 * Property tests (issue 10): random and mutated inputs to the money, date and CSV parsers and to
 * the invoice extractor either give a value or throw a typed error with a stable code (an
 * AppError subclass); nothing else (TypeError, RangeError, a decimal.js error) ever escapes.
 */

const RUNS = { numRuns: 300 };

/** Runs `fn`; a throw passes only when it is an AppError carrying a non-empty code. */
function onlyCodedErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toMatch(/^[a-z_]+\.[a-z_.]+$/);
  }
}

/** Strings built from the pieces real money, dates and tables are made of, in random order. */
const TOKENS = [
  "£", "GBP", "CR", "(", ")", "-", "−", "–", ",", ".", " ", "\u00a0", "0", "1", "9", "12", "31", "2026", "1,234", "000",
  "/", "Oct", "October", "Sept", "to", "Invoice No", "Total", "VAT", "Nights", "Rate", "Amount", "Child Ref", "night", "week",
  "per", "@", "x", "\t", "\n", "\r", '"', ";", "=SUM(A1)", "e", "E99", "Infinity", "NaN", "\u0000", "\ufffd", "𝟙",
];
const tokenText = fc.array(fc.constantFrom(...TOKENS), { maxLength: 14 }).map((parts) => parts.join(""));
const anyText = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: "binary", maxLength: 40 }), tokenText);

describe("money parsing", () => {
  it("parseMoney gives a Dec or a coded error; tryParseMoney never throws", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        onlyCodedErrors(() => parseMoney(text));
        const value = tryParseMoney(text);
        expect(value === null || Dec.isDecimal(value)).toBe(true);
      }),
      RUNS,
    );
  });

  it("every amount formatted as the UI shows it parses back to the same pence", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), (pence) => {
        const amount = new Dec(pence).div(100);
        expect(parseMoney(formatMoney(amount)).equals(amount)).toBe(true);
      }),
      RUNS,
    );
  });

  it("the ingest money, quantity and rate readers never throw", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        onlyCodedErrors(() => parseMoneyText(text));
        onlyCodedErrors(() => findMoneyInText(text));
        onlyCodedErrors(() => parseQuantity(text));
        onlyCodedErrors(() => parseRate(text));
        onlyCodedErrors(() => findVatNumbers(text));
      }),
      RUNS,
    );
  });
});

describe("date parsing", () => {
  it("parseDate gives an ISO date or a coded error; tryParseDay gives a day number or null", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        onlyCodedErrors(() => parseDate(text));
        const day = tryParseDay(text);
        expect(day === null || Number.isInteger(day)).toBe(true);
        onlyCodedErrors(() => parseDateText(text));
        onlyCodedErrors(() => findDates(text));
        onlyCodedErrors(() => parsePeriodText(text));
        onlyCodedErrors(() => findPeriodInText(text));
      }),
      RUNS,
    );
  });

  it("every real day written dd/mm/yyyy parses back to itself", () => {
    const first = dayFromIso("1900-01-01");
    const last = dayFromIso("2199-12-31");
    fc.assert(
      fc.property(fc.integer({ min: first, max: last }), (day) => {
        const [y, m, d] = isoFromDay(day).split("-");
        expect(parseDate(`${d}/${m}/${y}`)).toBe(isoFromDay(day));
      }),
      RUNS,
    );
  });
});

describe("CSV decoding and parsing", () => {
  it("random bytes decode to text and parse to rows, or fail with a coded error", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        expect(typeof decodeText(bytes)).toBe("string");
        onlyCodedErrors(() => readCsv(bytes));
        onlyCodedErrors(() => readCsvInvoice(bytes));
      }),
      RUNS,
    );
  });

  it("mutated CSV invoices parse to rows, or fail with a coded error", () => {
    const valid = [
      "Supplier,Oakfield Fostering Ltd",
      "Invoice No,OFP-2001",
      "Invoice Date,01/11/2026",
      "Child Ref,Description,Nights,Rate,Amount",
      'C1001,Foster placement,31,£131.00,"£4,061.00"',
    ].join("\r\n");
    const mutated = fc
      .array(fc.tuple(fc.nat({ max: valid.length }), fc.nat({ max: 6 }), fc.constantFrom('"', ",", "\n", "\r", ";", "\t", "", "£", "\u0000")), { maxLength: 6 })
      .map((edits) => edits.reduce((text, [at, cut, insert]) => text.slice(0, at) + insert + text.slice(at + cut), valid));
    fc.assert(
      fc.property(mutated, (text) => {
        onlyCodedErrors(() => readCsv(text));
        onlyCodedErrors(() => readCsvInvoice(Buffer.from(text, "utf8")));
      }),
      RUNS,
    );
  });
});

describe("the invoice extractor on random and mutated tables", () => {
  const HEADER = ["Child Ref", "Description", "From", "To", "Nights", "Rate", "Amount"];
  const LINE = ["C1001", "Foster placement", "01/10/2026", "31/10/2026", "31", "£131.00", "£4,061.00"];
  const cellText = fc.oneof(fc.constantFrom(...HEADER, ...LINE, "Invoice No", "OFP-2001", "Invoice Date", "Total", "VAT", "Period", "October 2026", ""), anyText);

  function doc(rows: string[][], positions: "columns" | "random", seeds: number[]): LayoutDocument {
    const layoutRows: LayoutRow[] = rows.map((texts, r) => {
      const cells: LayoutCell[] = texts.map((text, c) => {
        const left = positions === "columns" ? c : (seeds[(r * 7 + c) % seeds.length] ?? 0) % 600;
        return { text, left, right: left + 1 };
      });
      cells.sort((a, b) => a.left - b.left);
      return { page: 1 + Math.floor(r / 30), top: r + 1, height: 1, cells, rowNumber: r + 1 };
    });
    return { format: "csv", pageCount: 1 + Math.floor(rows.length / 30), rows: layoutRows, notes: [] };
  }

  it("tables of random cells: extractInvoice and toInvoice give an invoice or a coded error", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(cellText, { maxLength: 8 }), { maxLength: 25 }),
        fc.constantFrom("columns" as const, "random" as const),
        fc.array(fc.nat({ max: 10_000 }), { minLength: 1, maxLength: 20 }),
        (rows, positions, seeds) => {
          onlyCodedErrors(() => {
            const draft = extractInvoice(doc(rows, positions, seeds), emptyConfig());
            toInvoice(draft, "OAK", LINE_KEYWORDS);
          });
        },
      ),
      RUNS,
    );
  });

  it("a valid table with cells mutated, dropped or swapped", () => {
    const base = [["Oakfield Fostering Ltd"], ["Invoice No", "OFP-2001"], ["Invoice Date", "01/11/2026"], HEADER, LINE, LINE, ["", "", "", "", "", "Total", "£8,122.00"]];
    const mutation = fc.tuple(fc.nat({ max: base.length - 1 }), fc.nat({ max: 6 }), cellText);
    fc.assert(
      fc.property(fc.array(mutation, { maxLength: 8 }), (edits) => {
        const rows = base.map((row) => [...row]);
        for (const [r, c, text] of edits) {
          const row = rows[r]!;
          if (c < row.length) row[c] = text;
          else row.push(text);
        }
        onlyCodedErrors(() => toInvoice(extractInvoice(doc(rows, "columns", [0]), emptyConfig()), "OAK", LINE_KEYWORDS));
      }),
      RUNS,
    );
  });
});
