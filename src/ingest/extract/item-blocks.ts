import { Dec } from "../../domain/money.js";
import type { Unit } from "../../domain/reference.js";
import { columnFieldOf, matchHeaderLabel, totalsFieldOf, unitFromHeading, type ColumnField } from "../text/labels.js";
import { cleanText, parseDateText, parseMoneyText, parsePeriodText, parseQuantity, parseRate, type Period } from "../text/values.js";
import type { DraftLine, LayoutDocument, LayoutRow } from "../types.js";
import type { ExtractionConfig } from "./config.js";

/**
 * Item lists with no column headings (issue 16): each line printed as a small block, its
 * description and amount on one row and, just below in smaller print, its details as parts
 * joined by "·", "|" or wide gaps: "C1001 · 1 Dec 2026 – 31 Dec 2026 · 31 nights × £129.00", or
 * "Child: C1001  Period: 1–31 Dec 2026  Qty: 31 nights  Rate: £129.00" with labels.
 *
 * A part is read only when it can be one thing: a labelled value under its label's field, a
 * period, a count with its unit, a count at a rate, or a reference. A reference printed with no
 * label says nothing of being a child's or a placement's: it is returned apart
 * (`unlabelledReferences`) for the reference data to place, and stays uncertain where it cannot.
 * A part that is none of these makes the item uncertain, never dropped.
 */
export interface ItemBlockLine {
  line: DraftLine;
  rows: number[];
  page: number;
  /** A reference printed with no label ("C1001"), for the reference data to say what it is. */
  unlabelledReference: string | null;
  /** Parts that could be read as no field, quoted. */
  unread: string[];
}

const SEPARATORS = /\s+[·•|]\s+|\s{3,}/;
const REFERENCE = /^[A-Z]{1,4}[-/]?\d{2,}[A-Z0-9/-]*$/i;
/** A reference's shape ("C1001", "PO-410201"), for references printed with no label. */
export const UNLABELLED_REFERENCE = REFERENCE;
const CHILD_LABEL = /^(?:child(?:\s*(?:ref(?:erence)?|id|no\.?))?|young\s+person(?:\s*(?:ref|id))?|yp(?:\s*ref)?|client\s*(?:ref|id)|la\s*ref)$/i;
const PLACEMENT_LABEL = /^(?:placement(?:\s*(?:ref(?:erence)?|id|no\.?))?|po(?:\s*(?:number|no\.?))?|purchase\s+order)$/i;

interface Parsed {
  childRef: string | null;
  placementRef: string | null;
  period: Period | null;
  quantity: { value: Dec; unit: Unit | null } | null;
  rate: { value: Dec; unit: Unit | null } | null;
  unlabelled: string | null;
  unread: string[];
}

/** "31 nights × £129.00", "4 wks @ £650.00": a count at a rate. */
function countAtRate(text: string, config: ExtractionConfig): Pick<Parsed, "quantity" | "rate"> | null {
  const m = /^(\d[\d.,]*\s*[A-Za-z/ .]*?)\s*(?:@|\bat\b|x|×)\s*((?:£|GBP)?\s*\d[\d,]*(?:\.\d+)?(?:\s*(?:\/|per\b)\s*[A-Za-z]+)?)$/i.exec(text);
  const quantity = m?.[1] ? parseQuantity(m[1], config.units) : null;
  const rate = m?.[2] ? parseRate(m[2], config.units) : null;
  return quantity && rate ? { quantity, rate } : null;
}

function readLabelled(label: string, value: string, parsed: Parsed, config: ExtractionConfig): boolean {
  if (CHILD_LABEL.test(label) && REFERENCE.test(value)) parsed.childRef = value;
  else if (PLACEMENT_LABEL.test(label) && REFERENCE.test(value)) parsed.placementRef = value;
  else {
    const field: ColumnField | null = columnFieldOf(label, config.columnSynonyms);
    if (field === "period" || field === "from" || field === "date") {
      const day = parseDateText(value, config.dateFormats);
      parsed.period = parsePeriodText(value, config.dateFormats) ?? (day ? { from: day, to: day } : null);
      return parsed.period !== null;
    }
    if (field === "quantity") {
      const quantity = parseQuantity(value, config.units);
      parsed.quantity = quantity && { value: quantity.value, unit: quantity.unit ?? unitFromHeading(label) };
      return quantity !== null;
    }
    if (field === "rate") {
      parsed.rate = parseRate(value, config.units);
      return parsed.rate !== null;
    }
    return false;
  }
  return true;
}

function knownLabel(label: string, config: ExtractionConfig): boolean {
  return CHILD_LABEL.test(label) || PLACEMENT_LABEL.test(label) || columnFieldOf(label, config.columnSynonyms) !== null;
}

/**
 * "Child: C3001 PO: PO-430401 Qty: 31 nights Rate: £115.00": labelled pairs a browser set with
 * single spaces (HTML collapses the gaps). Split before each known label followed by a colon (a
 * two-word label such as "Placement Ref" before its last word alone); null unless it starts with one.
 */
function splitAtLabels(text: string, config: ExtractionConfig): string[] | null {
  const starts: number[] = [];
  for (const m of text.matchAll(/(?:^|\s)((?:[A-Za-z./]+\s)?[A-Za-z./]+):\s/g)) {
    const words = m[1] ?? "";
    const at = (m.index ?? 0) + m[0].indexOf(words);
    const last = words.split(/\s/).pop() ?? words;
    if (knownLabel(words, config)) starts.push(at);
    else if (knownLabel(last, config)) starts.push(at + words.length - last.length);
  }
  if (starts[0] !== 0 || starts.length < 2) return null;
  return starts.map((start, k) => text.slice(start, starts[k + 1] ?? text.length));
}

function readDetails(text: string, config: ExtractionConfig): Parsed {
  const parsed: Parsed = { childRef: null, placementRef: null, period: null, quantity: null, rate: null, unlabelled: null, unread: [] };
  const parts = text.split(SEPARATORS);
  for (const raw of parts.length === 1 ? (splitAtLabels(cleanText(text), config) ?? parts) : parts) {
    const part = cleanText(raw);
    if (part === "") continue;
    const labelled = /^([A-Za-z][A-Za-z ./]*?)\s*:\s*(.+)$/.exec(part);
    if (labelled?.[1] && labelled[2] && readLabelled(labelled[1], cleanText(labelled[2]), parsed, config)) continue;
    // One date alone is that day's item (a session, an allowance), as under a "Dates" heading.
    const day = parseDateText(part, config.dateFormats);
    const period = parsePeriodText(part, config.dateFormats) ?? (day ? { from: day, to: day } : null);
    const basis = countAtRate(part, config);
    const quantity = parseQuantity(part, config.units);
    if (period && parsed.period === null) parsed.period = period;
    else if (basis && parsed.quantity === null) Object.assign(parsed, basis);
    else if (quantity?.unit && parsed.quantity === null) parsed.quantity = quantity;
    else if (REFERENCE.test(part) && parsed.unlabelled === null && parseMoneyText(part) === null) parsed.unlabelled = part;
    else parsed.unread.push(part);
  }
  return parsed;
}

/** The item's title row: words, then one amount at the right of the page. */
function titleOf(row: LayoutRow, config: ExtractionConfig): { description: string; amount: Dec } | null {
  if (row.cells.length !== 2) return null;
  const [words, figure] = row.cells as [LayoutRow["cells"][number], LayoutRow["cells"][number]];
  const description = cleanText(words.text);
  const amount = parseMoneyText(cleanText(figure.text));
  if (!amount || !/\p{L}{3,}/u.test(description) || parseMoneyText(description) !== null) return null;
  // Totals and header labels ("Subtotal", "Total due", "Amount due") are not items.
  if (totalsFieldOf(description) !== null || matchHeaderLabel(description) !== null) return null;
  // A known label and its colon ("Amount:  £4,800.00") is a labelled value, the last of a
  // record's rows, never an item's title: the row under it starts the next record.
  const label = /^(.+?)\s*:$/.exec(description)?.[1];
  if (label !== undefined && fieldOfLabel(label, config) !== null) return null;
  return { description, amount };
}

/** The details row under a title: smaller or equal print, just below, no amount of its own at the right. */
function detailsOf(title: LayoutRow, row: LayoutRow | undefined): string | null {
  if (!row || row.page !== title.page || row.top - title.top > 2.4 * title.height || row.height > title.height + 0.01) return null;
  const last = row.cells[row.cells.length - 1];
  if (row.cells.length > 1 && last && parseMoneyText(cleanText(last.text)) !== null) return null;
  // Cells a word's gap apart are one run of text ("1 week", "×", "£900.00" in a symbol font); wider gaps part the details.
  const text = row.cells.map((c, k) => `${k === 0 ? "" : c.left - (row.cells[k - 1]?.right ?? 0) <= row.height ? " " : "   "}${cleanText(c.text)}`).join("");
  const alone = cleanText(text);
  // One detail alone: a reference or a period (a discount's "C8001").
  return SEPARATORS.test(text) || /:/.test(text) || REFERENCE.test(alone) || parsePeriodText(alone) !== null ? text : null;
}

export interface ItemList {
  items: ItemBlockLine[];
  /** Rows shaped like an item's title (words and an amount) with no details under them: not read, their amounts counted against the totals. */
  unread: Array<{ index: number; text: string; amount: Dec }>;
}

/**
 * Reads item blocks from rows not taken already. Two blocks or more make a list; one alone only
 * when a later row repeats its amount (the subtotal or total of a one-line invoice): one title
 * over one line of small print might be anything. `skip(index, details)` says which rows are not
 * the document's content (page furniture; a details row may be small print at a page's foot).
 */
export function readItemBlocks(doc: LayoutDocument, skip: (index: number, details: boolean) => boolean, config: ExtractionConfig, rowLabel: (row: LayoutRow) => string): ItemList {
  const items: ItemBlockLine[] = [];
  const unread: ItemList["unread"] = [];
  for (let i = 0; i < doc.rows.length; i++) {
    const row = doc.rows[i] as LayoutRow;
    if (skip(i, false)) continue;
    const title = titleOf(row, config);
    if (!title) continue;
    const details = skip(i + 1, true) ? null : detailsOf(row, doc.rows[i + 1]);
    if (details === null) {
      unread.push({ index: i, text: cleanText(row.cells.map((c) => c.text).join(" ")).slice(0, 80), amount: title.amount });
      continue;
    }
    const parsed = readDetails(details, config);
    const where = rowLabel(row);
    const unit = parsed.quantity?.unit ?? parsed.rate?.unit ?? null;
    const evidence: DraftLine["evidence"] = { description: { via: "item_block", label: null, where }, amount: { via: "item_block", label: null, where } };
    const detailWhere = rowLabel(doc.rows[i + 1] as LayoutRow);
    if (parsed.childRef) evidence.childRef = { via: "label", label: null, where: detailWhere };
    if (parsed.placementRef) evidence.placementRef = { via: "label", label: null, where: detailWhere };
    if (parsed.period) evidence.period = { via: "item_block", label: null, where: detailWhere };
    if (parsed.quantity) evidence.quantity = { via: "item_block", label: null, where: detailWhere };
    if (parsed.rate) evidence.unitRate = { via: "item_block", label: null, where: detailWhere };
    if (unit) evidence.unit = { via: "item_block", label: null, where: detailWhere };
    items.push({
      line: {
        lineNo: 0,
        childRef: parsed.childRef,
        placementRef: parsed.placementRef,
        description: title.description,
        from: parsed.period?.from ?? null,
        to: parsed.period?.to ?? null,
        quantity: parsed.quantity?.value ?? null,
        unit,
        unitRate: parsed.rate?.value ?? null,
        amount: title.amount,
        source: where,
      evidence,
      },
      rows: [i, i + 1],
      page: row.page,
      unlabelledReference: parsed.unlabelled,
      unread: parsed.unread,
    });
    i++;
  }
  if (items.length === 0) return readLabelledRecords(doc, skip, config, rowLabel);
  return enoughItems(doc, items, unread);
}

/** Two items or more make a list; one alone only when a later row repeats its amount. */
function enoughItems(doc: LayoutDocument, items: ItemBlockLine[], unread: ItemList["unread"]): ItemList {
  const only = items.length === 1 ? items[0] : undefined;
  const repeated = only !== undefined && doc.rows.some((r, k) => k > (only.rows[only.rows.length - 1] ?? 0) && r.cells.some((c) => parseMoneyText(cleanText(c.text))?.abs().equals(only.line.amount?.abs() ?? -1) === true));
  return items.length >= 2 || repeated ? { items, unread: unread.filter((u) => u.index > (items[0]?.rows[0] ?? 0)) } : { items: [], unread: [] };
}

/** A row of labelled values ("Young person:  C8003   Placement:  PO-480903"): its pairs, or null when it is not one. */
function labelledPairs(row: LayoutRow): Array<{ label: string; value: string }> | null {
  const pairs: Array<{ label: string; value: string }> = [];
  const cells = row.cells.map((c) => cleanText(c.text));
  for (let k = 0; k < cells.length; k++) {
    const m = /^([A-Za-z][A-Za-z ./]{0,30}?)\s*:\s*(.*)$/.exec(cells[k] ?? "");
    if (!m?.[1]) return null;
    let value = m[2] ?? "";
    // The value in the cell after its label, unless that cell is a label of its own.
    if (value === "" && k + 1 < cells.length && !/^[A-Za-z][A-Za-z ./]{0,30}?\s*:/.test(cells[k + 1] ?? "")) value = cells[++k] ?? "";
    if (value === "") return null;
    pairs.push({ label: m[1], value });
  }
  return pairs.length > 0 ? pairs : null;
}

/** Mostly words the reader knows as labels: a sentence with a colon does not start a record. */
function mostlyKnown(pairs: ReadonlyArray<{ label: string }>, config: ExtractionConfig): boolean {
  const known = pairs.filter((p) => knownLabel(p.label, config) || columnFieldOf(p.label, config.columnSynonyms) !== null).length;
  return known * 2 >= pairs.length;
}

/**
 * Items printed as records of labelled values with no column headings: "Young person: C8003",
 * "Service: Emergency placement", "Period: …", "Quantity: 30 nights", "Rate: £450.00 per night",
 * "Amount: £13,500.00", over a few rows, two pairs a row or one. A record runs over consecutive
 * rows of labelled values and ends where a field it has read is labelled again (the next
 * record). It is an item when it has an amount and a description or a reference; a label read
 * as no field is quoted as unread, never dropped.
 */
function readLabelledRecords(doc: LayoutDocument, skip: (index: number, details: boolean) => boolean, config: ExtractionConfig, rowLabel: (row: LayoutRow) => string): ItemList {
  const items: ItemBlockLine[] = [];
  let record: LabelledRecord | null = null;
  const close = (open: LabelledRecord | null): null => {
    const item = open && recordItem(doc, open.rows, open.pairs, config, rowLabel);
    if (item) items.push(item);
    return null;
  };
  for (let i = 0; i < doc.rows.length; i++) {
    const row = doc.rows[i] as LayoutRow;
    const lastIndex = record ? (record.rows[record.rows.length - 1] ?? i) : i;
    const lastRow = record ? doc.rows[lastIndex] : undefined;
    // A record a page break cuts (its amount still to come) runs on at the next page's first labelled row.
    const cut = record !== null && lastRow !== undefined && !record.fields.has("amount") && i - lastIndex <= PAGE_BREAK_ROWS;
    const overPage = cut && lastRow !== undefined && row.page === lastRow.page + 1;
    const near = lastRow !== undefined && ((lastRow.page === row.page && row.top - lastRow.top <= 3 * row.height) || overPage);
    const labelled = skip(i, false) ? null : labelledPairs(row);
    // Labels the reader does not know ("Keyworker: J. Smith") belong to a record already running.
    const pairs = labelled && (mostlyKnown(labelled, config) || (record !== null && near)) ? labelled : null;
    // The page's foot and the next page's head (a page number, a repeated letterhead) between its halves are not its end.
    if (!pairs && cut && lastRow !== undefined && resumesOnNextPage(doc, i, lastRow.page, skip)) continue;
    if (!pairs || !near) record = close(record);
    if (!pairs) continue;
    const fields = pairs.map((p) => fieldOfLabel(p.label, config));
    if (record && fields.some((f) => f !== null && record?.fields.has(f))) record = close(record);
    record ??= { rows: [], fields: new Set(), pairs: [] };
    record.rows.push(i);
    record.pairs.push(...pairs);
    for (const f of fields) if (f !== null) record.fields.add(f);
  }
  close(record);
  return enoughItems(doc, items, []);
}

/** At most this many rows of page furniture (a footer, a page number, a letterhead) stand between a cut record's halves. */
const PAGE_BREAK_ROWS = 6;

/** Whether the rows from `from` reach, within a few rows and with no labelled row first on `page`, a labelled row on the next page. */
function resumesOnNextPage(doc: LayoutDocument, from: number, page: number, skip: (index: number, details: boolean) => boolean): boolean {
  for (let k = from; k < doc.rows.length && k < from + PAGE_BREAK_ROWS; k++) {
    const row = doc.rows[k] as LayoutRow;
    if (row.page > page + 1) return false;
    const labelled = skip(k, false) ? null : labelledPairs(row);
    if (labelled) return row.page === page + 1;
  }
  return false;
}

interface LabelledRecord {
  rows: number[];
  fields: Set<string>;
  pairs: Array<{ label: string; value: string }>;
}

function fieldOfLabel(label: string, config: ExtractionConfig): string | null {
  if (CHILD_LABEL.test(label)) return "child";
  if (PLACEMENT_LABEL.test(label)) return "placement";
  return columnFieldOf(label, config.columnSynonyms);
}

function recordItem(doc: LayoutDocument, rows: number[], pairs: Array<{ label: string; value: string }>, config: ExtractionConfig, rowLabel: (row: LayoutRow) => string): ItemBlockLine | null {
  const parsed: Parsed = { childRef: null, placementRef: null, period: null, quantity: null, rate: null, unlabelled: null, unread: [] };
  let description: string | null = null;
  let amount: Dec | null = null;
  let amountRow = rows[0] ?? 0;
  for (const { label, value } of pairs) {
    const field = fieldOfLabel(label, config);
    if (field === "description" && description === null) description = value;
    else if (field === "amount" && amount === null && parseMoneyText(value) !== null) {
      amount = parseMoneyText(value);
      amountRow = rows.find((r) => doc.rows[r]?.cells.some((c) => c.text.includes(value))) ?? amountRow;
    } else if (!readLabelled(label, value, parsed, config)) parsed.unread.push(`${label}: ${value}`);
  }
  const first = doc.rows[rows[0] ?? 0] as LayoutRow;
  if (amount === null || (description === null && parsed.childRef === null && parsed.placementRef === null)) return null;
  const where = rowLabel(first);
  const amountWhere = rowLabel(doc.rows[amountRow] as LayoutRow);
  const unit = parsed.quantity?.unit ?? parsed.rate?.unit ?? null;
  const evidence: DraftLine["evidence"] = { amount: { via: "item_block", label: "amount", where: amountWhere } };
  if (description !== null) evidence.description = { via: "item_block", label: "description", where };
  if (parsed.childRef) evidence.childRef = { via: "label", label: null, where };
  if (parsed.placementRef) evidence.placementRef = { via: "label", label: null, where };
  if (parsed.period) evidence.period = { via: "item_block", label: null, where };
  if (parsed.quantity) evidence.quantity = { via: "item_block", label: null, where };
  if (parsed.rate) evidence.unitRate = { via: "item_block", label: null, where };
  if (unit) evidence.unit = { via: "item_block", label: null, where };
  return {
    line: {
      lineNo: 0,
      childRef: parsed.childRef,
      placementRef: parsed.placementRef,
      description: description ?? "",
      from: parsed.period?.from ?? null,
      to: parsed.period?.to ?? null,
      quantity: parsed.quantity?.value ?? null,
      unit,
      unitRate: parsed.rate?.value ?? null,
      amount,
      source: where,
      evidence,
    },
    rows,
    page: first.page,
    unlabelledReference: null,
    unread: parsed.unread,
  };
}
