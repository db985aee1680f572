import { createHash } from "node:crypto";
import type { Knex } from "knex";

/**
 * One SHA-256 over the findings and notes an audit left in a database: every finding (provider,
 * invoice number, line, rule, category, child, amounts, explanation, evidence, status) and every
 * invoice's audit notes, in a fixed order. Two databases audited from the same data by any
 * number of workers, killed or not, must give the same figure; row ids and run ids are left
 * out, since they depend on who did what first.
 */
export async function databaseFindingsHash(knex: Knex): Promise<{ findings: number; sha256: string }> {
  const hash = createHash("sha256");
  const findings: { rows: Record<string, unknown>[] } = await knex.raw(
    `select i.provider_id, i.invoice_number, f.line_no, f.rule, f.category, f.child_ref, f.amount, f.charged, f.expected, f.explanation, f.evidence::text as evidence, f.status
     from findings f join invoices i on i.id = f.invoice_id
     order by i.provider_id, i.invoice_number, f.line_no, f.rule`,
  );
  for (const row of findings.rows) hash.update(`${JSON.stringify(Object.values(row))}\n`);
  const notes: { rows: Record<string, unknown>[] } = await knex.raw(
    `select provider_id, invoice_number, audit_notes::text as notes, status from invoices order by provider_id, invoice_number, id`,
  );
  for (const row of notes.rows) hash.update(`${JSON.stringify(Object.values(row))}\n`);
  return { findings: findings.rows.length, sha256: hash.digest("hex") };
}
