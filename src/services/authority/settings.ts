import type { Database } from "../../db/connection.js";
import { appendAuditLog } from "../../db/repositories/audit-log.repository.js";
import { authoritySettings, updateAuthoritySettings, type AuthoritySettingsRow } from "../../db/repositories/authority.repository.js";
import { AppError } from "../../domain/errors.js";
import { hasControlCharacter } from "../../domain/text-hygiene.js";

/**
 * The council's own details, as a query pack tells them to a provider (name, postal address,
 * who to reply to, by when) and as the savings workbook links back to the review UI
 * (`publicUrl`). Set with `authority set` or on the admin's Settings page; each change is
 * audit-logged with the values before and after.
 */
export interface AuthoritySettings {
  name: string;
  /** Postal address, one line per line of the address. */
  address: string | null;
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  /** A provider has this many days from the pack's date to reply (default 28). */
  queryReplyDays: number;
  /** Where people reach the review UI, e.g. https://audit.example.gov.uk (no trailing slash). */
  publicUrl: string | null;
}

export type AuthoritySettingsChange = Partial<{ [K in keyof AuthoritySettings]: string }>;

function fromRow(row: AuthoritySettingsRow): AuthoritySettings {
  return {
    name: row.name,
    address: row.address,
    contactName: row.contact_name,
    contactEmail: row.contact_email,
    contactPhone: row.contact_phone,
    queryReplyDays: row.query_reply_days,
    publicUrl: row.public_url,
  };
}

export async function getAuthoritySettings(db: Database, authorityId: number): Promise<AuthoritySettings> {
  const row = await authoritySettings(db.knex, authorityId);
  if (!row) throw new AppError("not_found", `There is no authority ${authorityId}`, { authorityId });
  return fromRow(row);
}

export interface SettingsProblem {
  field: keyof AuthoritySettings;
  message: string;
}

const MAX_LENGTH: Record<keyof AuthoritySettings, number> = {
  name: 120, address: 400, contactName: 120, contactEmail: 200, contactPhone: 40, queryReplyDays: 3, publicUrl: 300,
};

/** Blank clears an optional field; the address keeps its line breaks (\n, or "\n" typed as two characters, or ";"). */
function cleanText(field: keyof AuthoritySettings, value: string, problems: SettingsProblem[]): string | null {
  const text = field === "address" ? value.replace(/\\n|;/g, "\n").split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "").join("\n") : value.trim();
  if (hasControlCharacter(text.replace(/\n/g, ""))) problems.push({ field, message: "must not contain control characters" });
  if (text.length > MAX_LENGTH[field]) problems.push({ field, message: `must be at most ${MAX_LENGTH[field]} characters` });
  return text === "" ? null : text;
}

/** Checks and normalises a change; every problem at once. */
export function checkSettingsChange(change: AuthoritySettingsChange): { values: Partial<AuthoritySettings>; problems: SettingsProblem[] } {
  const problems: SettingsProblem[] = [];
  const values: Partial<AuthoritySettings> = {};
  for (const [key, raw] of Object.entries(change) as [keyof AuthoritySettings, string | undefined][]) {
    if (raw === undefined) continue;
    if (key === "queryReplyDays") {
      const days = Number(raw.trim());
      if (!/^\d+$/.test(raw.trim()) || days < 1 || days > 365) problems.push({ field: key, message: "must be a whole number of days from 1 to 365" });
      else values.queryReplyDays = days;
      continue;
    }
    const text = cleanText(key, raw, problems);
    if (key === "name") {
      if (text === null) problems.push({ field: key, message: "must not be blank" });
      else values.name = text;
    } else if (key === "contactEmail" && text !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)) {
      problems.push({ field: key, message: `"${text}" is not an email address` });
    } else if (key === "publicUrl" && text !== null && !/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(text)) {
      problems.push({ field: key, message: `must start with https:// or http:// (e.g. https://audit.example.gov.uk), not "${text}"` });
    } else {
      const optionalText: Partial<Record<Exclude<keyof AuthoritySettings, "name" | "queryReplyDays">, string | null>> = values;
      optionalText[key] = key === "publicUrl" && text !== null ? text.replace(/\/+$/, "") : text;
    }
  }
  return { values, problems };
}

function toRow(values: Partial<AuthoritySettings>): Partial<AuthoritySettingsRow> {
  const row: Partial<AuthoritySettingsRow> = {};
  if (values.name !== undefined) row.name = values.name;
  if (values.address !== undefined) row.address = values.address;
  if (values.contactName !== undefined) row.contact_name = values.contactName;
  if (values.contactEmail !== undefined) row.contact_email = values.contactEmail;
  if (values.contactPhone !== undefined) row.contact_phone = values.contactPhone;
  if (values.queryReplyDays !== undefined) row.query_reply_days = values.queryReplyDays;
  if (values.publicUrl !== undefined) row.public_url = values.publicUrl;
  return row;
}

/** Applies a change after checking it (problems → AppError "validation" listing every one), audit-logged. */
export async function setAuthoritySettings(db: Database, authorityId: number, change: AuthoritySettingsChange, actor: string): Promise<AuthoritySettings> {
  const { values, problems } = checkSettingsChange(change);
  if (problems.length > 0) {
    throw new AppError("validation", problems.map((p) => `${SETTING_LABELS[p.field]} ${p.message}`).join("; "), { fields: problems.map((p) => p.field).join(",") });
  }
  return db.knex.transaction(async (trx) => {
    const before = await authoritySettings(trx, authorityId);
    if (!before) throw new AppError("not_found", `There is no authority ${authorityId}`, { authorityId });
    await updateAuthoritySettings(trx, authorityId, toRow(values));
    const after = await authoritySettings(trx, authorityId);
    await appendAuditLog(trx, { authorityId, actor, action: "authority.settings", entity: "authority", entityId: String(authorityId), before, after });
    return fromRow(after ?? before);
  });
}

/** What people call each setting (messages, the Settings page, `authority show`). */
export const SETTING_LABELS: Readonly<Record<keyof AuthoritySettings, string>> = {
  name: "Council name",
  address: "Postal address",
  contactName: "Contact name",
  contactEmail: "Contact email",
  contactPhone: "Contact phone",
  queryReplyDays: "Days a provider has to reply",
  publicUrl: "Web address of this service",
};
