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
  const left = Date.parse(a);
  const right = Date.parse(b);
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

/** A sorted copy, in audit order. */
export function sortForAudit<T extends AuditOrderKey>(invoices: readonly T[]): T[] {
  return [...invoices].sort(compareForAudit);
}
