import type { Access, RouteKind } from "./auth.js";
import type { BodyKind } from "./body.js";
import type { Handler } from "./context.js";
import { ADMINS, CONSORTIUM_ANALYSTS, DECIDERS, EVERYONE, OPERATORS, READERS, SIGNED_IN } from "./role-groups.js";
import * as account from "./handlers/account.handlers.js";
import * as assets from "./handlers/assets.handlers.js";
import * as auditLog from "./handlers/audit-log.handlers.js";
import * as auth from "./handlers/auth.handlers.js";
import * as consortium from "./handlers/consortium.handlers.js";
import * as findings from "./handlers/findings.handlers.js";
import * as invoices from "./handlers/invoices.handlers.js";
import * as keying from "./handlers/keying.handlers.js";
import * as operations from "./handlers/operations.handlers.js";
import * as reference from "./handlers/reference.handlers.js";
import * as referenceData from "./handlers/reference-data.handlers.js";
import * as reports from "./handlers/reports.handlers.js";
import * as rules from "./handlers/rules.handlers.js";
import * as settings from "./handlers/settings.handlers.js";
import * as users from "./handlers/users.handlers.js";

/**
 * Every route of the web UI and the JSON API, with the roles allowed. createApp registers
 * exactly these (anything else is 404 for a signed-in user and sign-in for anyone else), and
 * the authorisation test walks this table with every role and with no session.
 */
export type Method = "GET" | "POST" | "DELETE";

export interface RouteSpec {
  method: Method;
  path: string;
  access: Access;
  kind: RouteKind;
  body: BodyKind;
  handler: Handler;
  summary: string;
}


const route = (method: Method, path: string, access: Access, kind: RouteKind, body: BodyKind, handler: Handler, summary: string): RouteSpec => ({
  method, path, access, kind, body, handler, summary,
});

export const ROUTES: readonly RouteSpec[] = [
  // Static files (before sessions: they need none).
  route("GET", "/stylesheets/govuk-frontend.css", "public", "asset", "none", assets.govukStylesheet, "GOV.UK Frontend CSS without the GOV.UK font"),
  route("GET", "/javascripts/govuk-frontend.min.js", "public", "asset", "none", assets.govukScript, "GOV.UK Frontend JS"),
  route("GET", "/stylesheets/app.css", "public", "asset", "none", assets.appStylesheet, "the service's own CSS"),
  route("GET", "/javascripts/app.mjs", "public", "asset", "none", assets.appScript, "the service's own JS (progressive enhancement)"),
  route("GET", "/javascripts/keying.mjs", "public", "asset", "none", assets.keyingScript, "the keying screen's live arithmetic (progressive enhancement)"),
  route("GET", "/assets/*path", "public", "asset", "none", assets.govukAsset, "govuk-frontend assets (GOV.UK brand files refused)"),
  route("GET", "/favicon.ico", "public", "asset", "none", assets.favicon, "no icon"),

  // Signing in and out.
  route("GET", "/sign-in", "public", "page", "none", auth.signInPage, "sign-in form"),
  route("POST", "/sign-in", "public", "page", "form", auth.signIn, "sign in"),
  route("POST", "/sign-out", SIGNED_IN, "page", "form", auth.signOut, "sign out"),

  // Pages.
  route("GET", "/", SIGNED_IN, "page", "none", consortium.home, "dashboard (the consortium analyst: the benchmark)"),
  route("GET", "/consortium/prices", CONSORTIUM_ANALYSTS, "page", "none", consortium.pricesPage, "the consortium's prices paid and charged, per provider and service (aggregated, suppressed)"),
  route("GET", "/consortium/prices.xlsx", CONSORTIUM_ANALYSTS, "page", "none", consortium.pricesWorkbook, "the consortium's prices as a workbook"),
  route("GET", "/invoices", READERS, "page", "none", invoices.invoicesPage, "invoices"),
  route("GET", "/invoices/:id", READERS, "page", "none", invoices.invoicePage, "an invoice"),
  route("GET", "/invoices/:id/file", READERS, "page", "none", invoices.invoiceFileDownload, "the invoice's original file"),
  route("GET", "/findings", READERS, "page", "none", findings.findingsPage, "findings"),
  route("GET", "/findings.csv", READERS, "page", "none", findings.findingsCsvDownload, "the filtered findings as CSV"),
  route("GET", "/findings.xlsx", READERS, "page", "none", findings.findingsXlsxDownload, "the filtered findings as a workbook"),
  route("GET", "/findings/confirm-all", DECIDERS, "page", "none", findings.confirmAllPage, "how many open findings match the filter, before confirming them all"),
  route("POST", "/findings/confirm-all", DECIDERS, "page", "form", findings.confirmAll, "confirm every open finding matching the filter"),
  route("POST", "/findings/decisions", DECIDERS, "page", "form", findings.decideMany, "confirm or dismiss selected findings"),
  route("GET", "/findings/:id", READERS, "page", "none", findings.findingPage, "a finding"),
  route("POST", "/findings/:id/decisions", DECIDERS, "page", "form", findings.decideOne, "decide a finding"),
  route("POST", "/findings/:id/notes", DECIDERS, "page", "form", findings.addNote, "add a note to a finding (audit log)"),
  route("POST", "/findings/:id/assignment", DECIDERS, "page", "form", findings.assign, "assign a finding to a finance officer, or to nobody (audit log)"),
  route("GET", "/needs-attention", EVERYONE, "page", "none", operations.needsAttentionPage, "files that need attention"),
  route("POST", "/needs-attention/:id/reprocess", OPERATORS, "page", "form", operations.reprocessFile, "re-process a file"),
  // Keying in, verifying and discarding (issue 18): finance officers, who read invoices.
  route("GET", "/needs-attention/:id/key", DECIDERS, "page", "none", keying.keyFilePage, "key in a file that needs attention, beside its page images"),
  route("POST", "/needs-attention/:id/key", DECIDERS, "page", "form", keying.keyFile, "check, add a line to, or save a keyed-in invoice (optionally teaching the layout)"),
  route("POST", "/needs-attention/:id/discard", DECIDERS, "page", "form", keying.discard, "discard a file with a reason (kept, restorable)"),
  route("POST", "/needs-attention/:id/restore", DECIDERS, "page", "form", keying.restore, "restore a discarded file to the queue"),
  route("GET", "/invoices/:id/verify", DECIDERS, "page", "none", keying.verifyInvoicePage, "verify an invoice read with uncertain values"),
  route("POST", "/invoices/:id/verify", DECIDERS, "page", "form", keying.verifyInvoice, "check or save a verified invoice"),
  route("GET", "/files/:id/pages/:page", READERS, "page", "none", keying.filePageImage, "a page of a received file as an image"),
  route("GET", "/templates", ADMINS, "page", "none", keying.templatesPage, "provider layouts taught from the keying screen"),
  route("GET", "/templates/:id", ADMINS, "page", "none", keying.templatePage, "a taught provider template"),
  route("POST", "/templates/:id/remove", ADMINS, "page", "form", keying.removeTemplate, "remove a taught provider template"),
  route("POST", "/providers/aliases", OPERATORS, "page", "form", operations.addAlias, "add an alias to a provider"),
  route("GET", "/uploads", OPERATORS, "page", "none", operations.uploadsPage, "uploads"),
  route("POST", "/uploads/invoices", OPERATORS, "page", "multipart", operations.uploadInvoices, "upload invoices"),
  route("POST", "/uploads/reference", ADMINS, "page", "multipart", reference.uploadReference, "upload reference data: staged and previewed"),
  route("GET", "/uploads/reference/templates/:table", ADMINS, "page", "none", reference.referenceTemplateDownload, "a blank XLSX template for one reference table"),
  route("POST", "/uploads/reference/preview", ADMINS, "page", "form", reference.previewReference, "preview staged reference data again with column mappings"),
  route("POST", "/uploads/reference/apply", ADMINS, "page", "form", reference.applyReference, "apply staged reference data (audit log)"),
  // What was loaded, read-only. Placements name children (by reference) and discounts are the
  // finance side: commissioners see providers, contracts and rates only.
  route("GET", "/reference/providers", EVERYONE, "page", "none", referenceData.providersPage, "providers with their aliases (read-only)"),
  route("GET", "/reference/contracts", EVERYONE, "page", "none", referenceData.contractsPage, "contracts with their rates over time (read-only)"),
  route("GET", "/reference/placements", OPERATORS, "page", "none", referenceData.placementsPage, "placements with fees, packages and absences (read-only)"),
  route("GET", "/reference/discounts", OPERATORS, "page", "none", referenceData.discountsPage, "discounts (read-only)"),
  route("GET", "/audit-runs", EVERYONE, "page", "none", operations.auditRunsPage, "audit runs"),
  route("POST", "/audit-runs", OPERATORS, "page", "form", operations.runAuditNow, "run an audit now"),
  route("GET", "/audit-log", EVERYONE, "page", "none", auditLog.auditLogPage, "audit log: filter by what, who and when"),
  route("GET", "/audit-log.csv", EVERYONE, "page", "none", auditLog.auditLogCsv, "the filtered audit log as CSV"),
  route("GET", "/rules", EVERYONE, "page", "none", rules.rulesPage, "the audit rules and their configuration (read-only)"),
  // The commissioners' savings report and the providers' query packs (they name children by reference: READERS).
  route("GET", "/reports/savings", READERS, "page", "none", reports.savingsPage, "savings identified and realised, by period and provider"),
  route("GET", "/reports/savings.xlsx", READERS, "page", "none", reports.savingsDownload, "the savings workbook (XLSX)"),
  // The .xlsx route first: "/reports/query-pack/:providerId" would also match "P1.xlsx".
  route("GET", "/reports/query-pack/:providerId.xlsx", READERS, "page", "none", reports.queryPackDownload, "a provider's query pack (XLSX)"),
  route("GET", "/reports/query-pack/:providerId", READERS, "page", "none", reports.queryPackPage, "a provider's query pack (printable page)"),
  route("GET", "/users", ADMINS, "page", "none", users.usersPage, "users"),
  route("POST", "/users", ADMINS, "page", "form", users.addUser, "add a user"),
  route("POST", "/users/:id/unlock", ADMINS, "page", "form", users.unlock, "unlock a user"),
  route("POST", "/users/:id/disable", ADMINS, "page", "form", users.disable, "disable a user: no sign-in, sessions ended (audit log)"),
  route("POST", "/users/:id/enable", ADMINS, "page", "form", users.enable, "enable a disabled user (audit log)"),
  route("POST", "/users/:id/reset-password", ADMINS, "page", "form", users.resetUserPassword, "a one-time password, to be changed at the next sign-in (audit log)"),
  route("GET", "/account/password", SIGNED_IN, "page", "none", account.changePasswordPage, "change your own password"),
  route("POST", "/account/password", SIGNED_IN, "page", "form", account.changePassword, "change your own password (audit log)"),
  route("GET", "/settings", ADMINS, "page", "none", settings.settingsPage, "the council's details for query packs"),
  route("POST", "/settings", ADMINS, "page", "form", settings.saveSettings, "save the council's details"),

  // JSON API (README "The review UI and its JSON API").
  route("GET", "/api/session", "public", "api", "none", auth.apiSession, "who is signed in, and the CSRF token"),
  route("POST", "/api/session", "public", "api", "json", auth.apiSignIn, "sign in"),
  route("DELETE", "/api/session", SIGNED_IN, "api", "none", auth.apiSignOut, "sign out"),
  route("GET", "/api/invoices", READERS, "api", "none", invoices.apiInvoices, "invoices"),
  route("GET", "/api/invoices/:id", READERS, "api", "none", invoices.apiInvoice, "an invoice with lines and findings"),
  route("GET", "/api/findings", READERS, "api", "none", findings.apiFindings, "findings"),
  route("GET", "/api/audit-runs/:id/progress", EVERYONE, "api", "none", operations.apiAuditRunProgress, "an audit run's progress: its parts done, failed, running and waiting, and lines"),
  route("GET", "/api/findings/:id", READERS, "api", "none", findings.apiFinding, "a finding with its decisions"),
  route("POST", "/api/findings/:id/decisions", DECIDERS, "api", "json", findings.apiDecideOne, "decide a finding"),
  route("POST", "/api/findings/:id/notes", DECIDERS, "api", "json", findings.apiAddNote, "add a note to a finding"),
  route("POST", "/api/findings/:id/assignment", DECIDERS, "api", "json", findings.apiAssign, "assign a finding (assignee: a user id, or \"\" for nobody)"),
  route("POST", "/api/decisions", DECIDERS, "api", "json", findings.apiDecideMany, "the same decision on several findings"),
  route("GET", "/api/invoices-to-verify", READERS, "api", "none", keying.apiToVerify, "invoices read with uncertain values, waiting for a person"),
  route("GET", "/api/needs-attention/:id/key", DECIDERS, "api", "none", keying.apiFileScreen, "what was read of a file, to key it in"),
  route("POST", "/api/needs-attention/:id/key", DECIDERS, "api", "json", keying.apiKeyFile, "store a keyed-in invoice and audit it"),
  route("POST", "/api/needs-attention/:id/discard", DECIDERS, "api", "json", keying.apiDiscard, "discard a file with a reason"),
  route("POST", "/api/needs-attention/:id/restore", DECIDERS, "api", "json", keying.apiRestore, "restore a discarded file"),
  route("GET", "/api/invoices/:id/verify", DECIDERS, "api", "none", keying.apiInvoiceScreen, "an invoice to verify, its uncertain values marked"),
  route("POST", "/api/invoices/:id/verify", DECIDERS, "api", "json", keying.apiVerifyInvoice, "store a verified invoice and audit it"),
  route("GET", "/api/templates", ADMINS, "api", "none", keying.apiTemplates, "taught provider templates"),
  route("DELETE", "/api/templates/:id", ADMINS, "api", "none", keying.apiRemoveTemplate, "remove a taught provider template"),
];
