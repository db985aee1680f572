import type { Knex } from "knex";

/**
 * Provider templates taught from the review screen (migration 20261208_1801_keying): the same
 * JSON as src/ingest/templates/*.json, one per provider, for this deployment.
 */
export interface ProviderTemplateRow {
  id: string | number;
  authority_id: number;
  provider_id: string;
  template: unknown;
  learnt_from_file_id: string | number | null;
  created_by: string;
  created_at: Date;
}

export interface TaughtTemplateRecord {
  id: string;
  providerId: string;
  /** The template's JSON (src/ingest/templates/README.md). */
  template: Record<string, unknown>;
  learntFromFileId: string | null;
  createdBy: string;
  createdAt: Date;
}

function toRecord(row: ProviderTemplateRow): TaughtTemplateRecord {
  const json: unknown = typeof row.template === "string" ? JSON.parse(row.template) : row.template;
  return {
    id: String(row.id),
    providerId: row.provider_id,
    template: json !== null && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, unknown>) : {},
    learntFromFileId: row.learnt_from_file_id === null ? null : String(row.learnt_from_file_id),
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

export async function listTaughtTemplates(knex: Knex, authorityId: number): Promise<TaughtTemplateRecord[]> {
  const rows = (await knex("provider_templates").where({ authority_id: authorityId }).orderBy([{ column: "provider_id" }, { column: "id" }])) as ProviderTemplateRow[];
  return rows.map(toRecord);
}

export async function getTaughtTemplate(knex: Knex, authorityId: number, id: string): Promise<TaughtTemplateRecord | null> {
  if (!/^\d{1,18}$/.test(id)) return null;
  const row = (await knex("provider_templates").where({ authority_id: authorityId, id }).first()) as ProviderTemplateRow | undefined;
  return row ? toRecord(row) : null;
}

/** Stores the provider's taught template, replacing the one it had; returns the old one (for the audit log). */
export async function upsertTaughtTemplate(
  trx: Knex.Transaction,
  record: { authorityId: number; providerId: string; template: Record<string, unknown>; learntFromFileId: string | null; createdBy: string },
): Promise<{ id: string; before: TaughtTemplateRecord | null }> {
  const beforeRow = (await trx("provider_templates").where({ authority_id: record.authorityId, provider_id: record.providerId }).forUpdate().first()) as ProviderTemplateRow | undefined;
  if (beforeRow) await trx("provider_templates").where({ id: beforeRow.id }).delete();
  const [row] = await trx("provider_templates")
    .insert({
      authority_id: record.authorityId,
      provider_id: record.providerId,
      template: JSON.stringify(record.template),
      learnt_from_file_id: record.learntFromFileId,
      created_by: record.createdBy,
    })
    .returning<{ id: string | number }[]>("id");
  return { id: String(row?.id), before: beforeRow ? toRecord(beforeRow) : null };
}

export async function deleteTaughtTemplate(trx: Knex.Transaction, authorityId: number, id: string): Promise<TaughtTemplateRecord | null> {
  if (!/^\d{1,18}$/.test(id)) return null;
  const row = (await trx("provider_templates").where({ authority_id: authorityId, id }).forUpdate().first()) as ProviderTemplateRow | undefined;
  if (!row) return null;
  await trx("provider_templates").where({ id: row.id }).delete();
  return toRecord(row);
}
