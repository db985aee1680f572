import { formatMoney, Dec, ZERO } from "./money.js";
import { ROLE_LABELS, isRole } from "./roles.js";

/**
 * The audit log in words people read: what kind of change an entry is, one sentence saying what
 * changed ("Finding 12: Awaiting review → Queried"), and details. The entries themselves are
 * stored as written (actor, action, entity, before/after as JSON); this reads them.
 */

/** What an entry is about, for the log's "What" filter. */
export const AUDIT_LOG_KINDS = ["decisions", "recoveries", "invoices", "audits", "imports", "providers", "users"] as const;
export type AuditLogKind = (typeof AUDIT_LOG_KINDS)[number] | "other";

export const AUDIT_LOG_KIND_LABELS: Readonly<Record<AuditLogKind, string>> = {
  decisions: "Decisions on findings",
  recoveries: "Recoveries and write-offs",
  invoices: "Invoices received (uploads, ingests, re-processing, keying in)",
  audits: "Audit runs",
  imports: "Reference data imports and profiles",
  providers: "Provider aliases and reading templates",
  users: "User changes",
  other: "Other",
};

/** Which stored entries each kind covers: an entity (any, when not given), and (when given) only these actions. */
export interface AuditLogEntryMatch {
  entity?: string;
  actions?: readonly string[];
}

export const AUDIT_LOG_KIND_ENTRIES: Readonly<Record<Exclude<AuditLogKind, "other">, readonly AuditLogEntryMatch[]>> = {
  decisions: [{ entity: "finding", actions: ["confirm", "dismiss", "reopen", "add_note", "assign"] }],
  recoveries: [{ entity: "finding", actions: ["recover", "recover_by_credit_note", "write_off"] }],
  // "invoice": entries about one invoice (keyed in or verified by a person).
  invoices: [{ entity: "invoice files" }, { entity: "invoice file" }, { entity: "invoice" }, { entity: "received_file" }],
  audits: [{ entity: "audit run" }],
  imports: [{ entity: "reference data" }, { entity: "import profile" }, { actions: ["key change"] }],
  providers: [{ entity: "provider", actions: ["add_alias"] }, { entity: "provider_template" }],
  users: [{ entity: "user" }],
};

/** Statuses of findings, invoices and runs in words (the pages' tags say the same). */
export const STATUS_WORDS: Readonly<Record<string, string>> = {
  open: "Open",
  confirmed: "Confirmed",
  recovered: "Recovered",
  dismissed: "Dismissed",
  superseded: "Superseded",
  awaiting_audit: "Awaiting audit",
  awaiting_review: "Awaiting review",
  queried: "Queried",
  cleared: "Cleared",
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  needs_attention: "Needs attention",
};

export function statusWords(status: unknown): string {
  return typeof status === "string" ? (STATUS_WORDS[status] ?? status) : "";
}

export interface AuditLogEntryData {
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
}

export interface AuditLogText {
  kind: AuditLogKind;
  /** One sentence: what changed. */
  summary: string;
  /** Further facts, one per line. */
  details: string[];
}

type Fields = Record<string, unknown>;

const fieldsOf = (value: unknown): Fields => (value && typeof value === "object" && !Array.isArray(value) ? (value as Fields) : {});
const text = (value: unknown): string => (value === null || value === undefined ? "" : typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value));
const money = (value: unknown): string => formatMoney(text(value) || "0");
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** "Awaiting review → Queried", or null when it did not change. */
function transition(before: unknown, after: unknown): string | null {
  if (before === after || after === undefined) return null;
  return before === undefined || before === null ? statusWords(after) : `${statusWords(before)} → ${statusWords(after)}`;
}

export function kindOf(entry: Pick<AuditLogEntryData, "entity" | "action">): AuditLogKind {
  for (const kind of AUDIT_LOG_KINDS) {
    if (AUDIT_LOG_KIND_ENTRIES[kind].some((e) => (!e.entity || e.entity === entry.entity) && (!e.actions || e.actions.includes(entry.action)))) return kind;
  }
  return "other";
}

function describeFinding(entry: AuditLogEntryData): Omit<AuditLogText, "kind"> {
  const before = fieldsOf(entry.before);
  const after = fieldsOf(entry.after);
  const subject = `Finding ${entry.entityId ?? ""}`;
  const status = transition(before.status, after.status);
  const details: string[] = [];
  const invoice = transition(before.invoice_status, after.invoice_status);
  if (invoice) details.push(`Invoice: ${invoice}`);
  let summary: string;
  switch (entry.action) {
    case "recover": {
      const thisTime = after.amount ?? new Dec(text(after.recovered_amount) || "0").minus(text(before.recovered_amount) || "0").toFixed(2);
      summary = `${subject}: ${money(thisTime)} recovered${after.reference ? ` (reference ${text(after.reference)})` : ""}${status ? `; ${status}` : ""}`;
      details.push(`Recovered so far: ${money(after.recovered_amount)}`);
      break;
    }
    case "recover_by_credit_note": {
      const thisTime = new Dec(text(after.recovered_amount) || "0").minus(text(before.recovered_amount) || "0");
      summary = `${subject}: ${formatMoney(thisTime.isNegative() ? ZERO : thisTime)} recovered by credit note ${text(after.credit_note)}${status ? `; ${status}` : ""}`;
      break;
    }
    case "write_off": {
      const written = new Dec(text(after.written_off_amount) || "0").minus(text(before.written_off_amount) || "0");
      summary = `${subject}: Balance of ${formatMoney(written)} written off${after.reason ? ` (${text(after.reason)})` : ""}`;
      details.push(`Recovered: ${money(after.recovered_amount)}; nothing outstanding`);
      break;
    }
    case "add_note":
      summary = `${subject}: note added`;
      if (after.note) details.push(text(after.note));
      break;
    case "assign":
      summary = `${subject}: assigned ${text(before.assigned_to) || "nobody"} → ${text(after.assigned_to) || "nobody"}`;
      break;
    default:
      summary = `${subject}: ${status ?? `${entry.action} (status unchanged)`}`;
      if (after.reason) details.push(`Reason: ${text(after.reason)}`);
  }
  return { summary, details };
}

function describeInvoiceFiles(entry: AuditLogEntryData): Omit<AuditLogText, "kind"> {
  const after = fieldsOf(entry.after);
  const files = Array.isArray(after.files) ? after.files.map(fieldsOf) : [];
  const how = entry.action === "upload" ? "uploaded" : entry.action === "reprocess" ? "read again" : "received";
  const counts = [
    plural(Number(after.stored ?? 0), "invoice stored", "invoices stored"),
    `${Number(after.already_received ?? 0)} already received`,
    `${Number(after.needs_attention ?? 0)} ${Number(after.needs_attention ?? 0) === 1 ? "needs" : "need"} attention`,
  ];
  const summary = `${plural(files.length, "invoice file")} ${how}${after.source ? ` (${text(after.source)})` : ""}: ${counts.join(", ")}`;
  const details = files.map((f) => {
    const what = f.invoice_number ? `${f.kind === "credit_note" ? "credit note" : "invoice"} ${text(f.invoice_number)}${f.provider_id ? ` of ${text(f.provider_id)}` : ""}` : "";
    const status = f.status === "stored" ? `stored as ${what}` : f.status === "already_received" ? "already received" : `needs attention${f.reason ? `: ${text(f.reason)}` : ""}`;
    return `${text(f.name)}: ${status}`;
  });
  if (after.audit) details.push(text(after.audit));
  return { summary, details };
}

function describeAuditRun(entry: AuditLogEntryData): Omit<AuditLogText, "kind"> {
  const after = fieldsOf(entry.after);
  const scope = after.scope === "all" ? "all invoices" : after.scope === "arrival" ? "invoices just received" : text(after.scope);
  const by = text(after.started_by);
  if (entry.action === "audit_failed") {
    return { summary: `Audit run ${entry.entityId ?? ""} of ${scope} (${by}) failed`, details: after.error ? [`Error: ${text(after.error)}`] : [] };
  }
  const flagged = fieldsOf(after.flagged_by_category);
  const total = Object.values(flagged).reduce<Dec>((sum, v) => sum.plus(text(v) || "0"), ZERO);
  const details = [`${plural(Number(after.invoices_audited ?? 0), "invoice")} audited, ${plural(Number(after.findings_raised ?? 0), "finding")}, ${formatMoney(total)} flagged`];
  if (after.found_unaudited !== undefined) details.push(`Invoices found still unaudited: ${text(after.found_unaudited)}`);
  return { summary: `Audit run ${entry.entityId ?? ""} of ${scope} (${by}) finished`, details };
}

function describeImport(entry: AuditLogEntryData): Omit<AuditLogText, "kind"> {
  const after = fieldsOf(entry.after);
  const files = Array.isArray(after.files) ? after.files.map(fieldsOf) : [];
  const details = files.map((f) =>
    `${text(f.file)}${f.table ? ` (${text(f.table)})` : ""}: ${text(f.inserted ?? 0)} added, ${text(f.updated ?? 0)} changed, ${text(f.unchanged ?? 0)} unchanged, ${text(f.rejected ?? 0)} rejected${Number(f.keyChanges ?? 0) > 0 ? `, ${text(f.keyChanges)} key changes` : ""}`,
  );
  const changed = files.reduce((n, f) => n + Number(f.inserted ?? 0) + Number(f.updated ?? 0), 0);
  return { summary: `Reference data imported from ${plural(files.length, "file")}: ${plural(changed, "row")} added or changed`, details };
}

function describeChanges(entry: AuditLogEntryData): string[] {
  const before = fieldsOf(entry.before);
  const after = fieldsOf(entry.after);
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys
    .filter((k) => text(before[k]) !== text(after[k]))
    .map((k) => `${k.replace(/_/g, " ")}: ${before[k] === undefined || before[k] === null ? "" : `${text(before[k])} → `}${after[k] === undefined || after[k] === null ? "(none)" : text(after[k])}`);
}

/** What an action did, after its subject: "User 5 disabled", "Invoice 12 keyed in". */
const VERBS: Readonly<Record<string, string>> = {
  create: "created", update: "changed", delete: "deleted", disable: "disabled", enable: "enabled", reset_password: "password reset",
  change_password: "password changed", key_invoice: "keyed in", verify_invoice: "verified", discard_file: "discarded", restore_file: "restored",
  teach_template: "taught", remove_template: "removed",
};

/** Entities as people name them. */
const ENTITY_WORDS: Readonly<Record<string, string>> = { received_file: "Received file", provider_template: "Reading template" };

function describeOther(entry: AuditLogEntryData): Omit<AuditLogText, "kind"> {
  const after = fieldsOf(entry.after);
  const noun = ENTITY_WORDS[entry.entity] ?? `${entry.entity.charAt(0).toUpperCase()}${entry.entity.slice(1)}`;
  const subject = `${noun}${entry.entityId ? ` ${entry.entityId}` : ""}`;
  if (entry.entity === "user" && entry.action === "create") {
    const role = isRole(after.role) ? ROLE_LABELS[after.role] : text(after.role);
    return { summary: `User ${text(after.username)} added as ${role}`, details: [] };
  }
  if (entry.entity === "user" && entry.action === "unlock") return { summary: `User ${entry.entityId ?? ""} unlocked (failed sign-ins cleared)`, details: [] };
  if (entry.action === "add_alias") {
    const aliases = Array.isArray(after.aliases) ? after.aliases.map(text) : [];
    return { summary: `Provider ${entry.entityId ?? ""}: alias “${aliases[aliases.length - 1] ?? ""}” added`, details: [`Aliases: ${aliases.join(", ")}`] };
  }
  if (entry.action === "key change") return { summary: `${subject}: who or where changed by an import`, details: describeChanges(entry) };
  const verb = VERBS[entry.action];
  return { summary: verb ? `${subject} ${verb}` : `${subject}: ${entry.action.replace(/_/g, " ")}`, details: describeChanges(entry) };
}

/** An entry in words. */
export function describeAuditEntry(entry: AuditLogEntryData): AuditLogText {
  const kind = kindOf(entry);
  if (entry.entity === "finding") return { kind, ...describeFinding(entry) };
  if (entry.entity === "invoice files" || entry.entity === "invoice file") return { kind, ...describeInvoiceFiles(entry) };
  if (entry.entity === "audit run") return { kind, ...describeAuditRun(entry) };
  if (entry.entity === "reference data") return { kind, ...describeImport(entry) };
  return { kind, ...describeOther(entry) };
}
