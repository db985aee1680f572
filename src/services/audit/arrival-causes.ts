import type { arrivedInvoices } from "../../db/repositories/audit.repository.js";
import { formatDate } from "../../domain/dates.js";
import { londonDate } from "../../domain/months.js";

/** "invoice A dated 1 Nov 2026 arrived on 7 Dec 2026", per provider: why its invoices are audited again. */
export function arrivalCauses(arrived: Awaited<ReturnType<typeof arrivedInvoices>>): Map<string, string> {
  const byProvider = new Map<string, typeof arrived>();
  for (const invoice of arrived) byProvider.set(invoice.providerId, [...(byProvider.get(invoice.providerId) ?? []), invoice]);
  const causes = new Map<string, string>();
  for (const [providerId, invoices] of byProvider) {
    const named = invoices.slice(0, 3).map((i) => `${i.kind === "credit_note" ? "credit note" : "invoice"} ${i.invoiceNumber} dated ${formatDate(i.invoiceDate)}`);
    const more = invoices.length > named.length ? ` and ${invoices.length - named.length} more` : "";
    const on = [...new Set(invoices.map((i) => formatDate(londonDate(i.receivedAt))))].join(", ");
    causes.set(providerId, `${named.join(", ")}${more} arrived on ${on}`);
  }
  return causes;
}
