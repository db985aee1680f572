/**
 * The audit engine's public API (pure: no I/O, no database). The service loads the reference
 * data and invoices, resolves credit notes, builds the index once, feeds invoices in audit
 * order to one AuditSession, and stores what it returns.
 */
export { loadRulesConfig, RULE_IDS, type RulesConfig } from "./config.js";
export { buildReferenceIndex, ReferenceIndex, type ChildTimeline } from "./reference-index.js";
export { AuditSession, type AuditSessionOptions, type InvoiceAuditResult, type LineAuditSummary } from "./session.js";
export type { AuditInvoice, LineKind } from "./invoice-work.js";
export { lineKind } from "./invoice-work.js";
export { resolveCreditNotes, type CreditNoteResolution, type CreditableInvoice, type PartialCredit } from "./credit-notes.js";
export { compareForAudit, sortForAudit, type AuditOrderKey } from "./order.js";
export type { AuditRule, Waterfall } from "./rule.js";
export type { TariffSegment } from "./tariff.js";
