import { cleanText } from "../text/values.js";
import type { LayoutDocument, LayoutRow } from "../types.js";

/**
 * Page furniture: what a printed page carries besides the invoice's own content (DESIGN.md
 * "Reading pipeline", step 2). Recognised by position and repetition, never by one producer's
 * wording: a row is furniture when it
 * - numbers the page ("Page 2 of 3", "2/3", "- 2 -");
 * - is printed on two pages or more at the same height, in the top or bottom band of the page
 *   (running headers and footers: the company's registration line, a repeated letterhead);
 * - is small print in the bottom band (a footer in a smaller font than the page's text);
 * - belongs to a remittance slip (from "Remittance advice" / "Please detach" to the page's end).
 * Furniture rows are never lines of the table; their text still counts for the header fields
 * (a running header may be the only place an invoice number is printed).
 */
export type FurnitureKind = "page_number" | "running" | "small_print" | "remittance";

/** The band at the top and at the bottom of a page where running headers and footers live. */
const MARGIN_BAND = 0.2;
/** Small print sits in the lowest eighth of the page. */
const FOOTER_BAND = 0.125;

const PAGE_NUMBER = /^(?:page\s*\d+(?:\s*(?:of|\/)\s*\d+)?|\d+\s*(?:of|\/)\s*\d+|[-–—]\s*\d+\s*[-–—]|p\.?\s*\d+\s*of\s*\d+)$/i;
/** The bare "n/m" or "n of m" form, without the word "page". */
const BARE_PAGE_OF = /^(\d+)\s*(?:of|\/)\s*(\d+)$/i;
/** Any "n of m" / "n/m" pair inside a page number. */
const PAGE_OF = /(\d+)\s*(?:of|\/)\s*(\d+)/i;

/**
 * A page number: "Page 2 of 3", "2/3", "- 2 -". Its page is never past its count ("2026/11" is a
 * month, not page 2026 of 11), and a bare "n/m" never counts four-digit pages: "11/2026" is a
 * month printed on every line of a sheet, not page 11 of 2026.
 */
function isPageNumber(text: string): boolean {
  if (!PAGE_NUMBER.test(text)) return false;
  const pair = PAGE_OF.exec(text);
  if (!pair) return true;
  const [page, count] = [Number(pair[1]), Number(pair[2])];
  if (page < 1 || page > count) return false;
  return !(BARE_PAGE_OF.test(text) && count > 999);
}
const PAGE_NUMBER_INSIDE = /\bpage\s*\d+\s*(?:of|\/)\s*\d+\b/gi;
const REMITTANCE =
  /^(?:remittance\s+(?:advice|slip)|payment\s+(?:slip|counterfoil)|please\s+(?:detach|tear\s+off|return\s+this\s+(?:slip|portion|section|part|counterfoil))|detach\s+(?:here|and\s+return)|tear\s+(?:off|here)|cut\s+here|[-–—.\s]*[✂✄])/i;

function rowText(row: LayoutRow): string {
  return cleanText(row.cells.map((c) => c.text).join(" "));
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Furniture rows of a document, by row index. Spreadsheets have no pages to furnish: none. */
export function findFurniture(doc: LayoutDocument): Map<number, FurnitureKind> {
  const furniture = new Map<number, FurnitureKind>();
  if (doc.format !== "pdf") return furniture;
  const rows = doc.rows;
  const heights = doc.pageHeights ?? [];
  const pageHeight = (page: number): number => heights[page - 1] ?? Math.max(842, ...rows.filter((r) => r.page === page).map((r) => r.top + r.height));
  const bodyHeight = median(rows.map((r) => r.height));

  // Running headers and footers: the same text at the same height on two pages or more.
  const seen = new Map<string, Array<{ index: number; page: number; top: number }>>();
  rows.forEach((row, index) => {
    const text = rowText(row);
    if (isPageNumber(text) || row.cells.some((c) => isPageNumber(cleanText(c.text)))) {
      furniture.set(index, "page_number");
      return;
    }
    const height = pageHeight(row.page);
    const inBand = row.top < height * MARGIN_BAND || row.top > height * (1 - MARGIN_BAND);
    if (doc.pageCount > 1 && inBand) {
      const key = text.toLowerCase().replace(PAGE_NUMBER_INSIDE, "page #");
      const list = seen.get(key) ?? [];
      list.push({ index, page: row.page, top: row.top });
      seen.set(key, list);
    }
    if (row.top > height * (1 - FOOTER_BAND) && row.height < bodyHeight * 0.85) furniture.set(index, "small_print");
  });
  for (const list of seen.values()) {
    if (list.length < 2) continue;
    for (const entry of list) {
      const twin = list.some((other) => other.page !== entry.page && Math.abs(other.top - entry.top) <= 4);
      if (twin) furniture.set(entry.index, "running");
    }
  }

  // A remittance slip runs from its title to the end of its page.
  let slipPage = 0;
  rows.forEach((row, index) => {
    if (row.page === slipPage) furniture.set(index, "remittance");
    // A slip is cut off the bottom of a page: a sentence in the letter above is not its title.
    else if (row.top > pageHeight(row.page) / 2 && REMITTANCE.test(rowText(row))) {
      slipPage = row.page;
      furniture.set(index, "remittance");
    }
  });
  return furniture;
}
