/** What decides audit order (AUDIT.md): invoice date, then time received, then invoice number. */
export interface AuditOrderKey {
  invoiceDate: string;
  receivedAt: string;
  invoiceNumber: string;
  /** Last tie-break, so that the order never depends on how the caller listed the invoices. */
  key?: string;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Instants compare as instants when both parse (offsets differ), else as text. */
function compareInstants(a: string, b: string): number {
  return compareParsedInstants(a, Date.parse(a), b, Date.parse(b));
}

/** compareInstants with each text already parsed (NaN when it does not parse). */
function compareParsedInstants(a: string, left: number, b: string, right: number): number {
  if (!Number.isNaN(left) && !Number.isNaN(right) && left !== right) return left - right;
  return compareText(a, b);
}

/** Comparator for Array.prototype.sort: earlier in audit order first. */
export function compareForAudit(a: AuditOrderKey, b: AuditOrderKey): number {
  return (
    compareText(a.invoiceDate, b.invoiceDate) ||
    compareInstants(a.receivedAt, b.receivedAt) ||
    compareText(a.invoiceNumber, b.invoiceNumber) ||
    compareText(a.key ?? "", b.key ?? "")
  );
}

/** An invoice with its time received parsed, for sorting. */
interface Parsed<T extends AuditOrderKey> {
  readonly invoice: T;
  readonly received: number;
}

function compareParsed<T extends AuditOrderKey>(a: Parsed<T>, b: Parsed<T>): number {
  const x = a.invoice;
  const y = b.invoice;
  return (
    compareText(x.invoiceDate, y.invoiceDate) ||
    compareParsedInstants(x.receivedAt, a.received, y.receivedAt, b.received) ||
    compareText(x.invoiceNumber, y.invoiceNumber) ||
    compareText(x.key ?? "", y.key ?? "")
  );
}

/** A sorted copy, in audit order (compareForAudit's order, with each time received parsed once rather than at every comparison). */
export function sortForAudit<T extends AuditOrderKey>(invoices: readonly T[]): T[] {
  const parsed: Parsed<T>[] = invoices.map((invoice) => ({ invoice, received: Date.parse(invoice.receivedAt) }));
  parsed.sort(compareParsed);
  return parsed.map((p) => p.invoice);
}
