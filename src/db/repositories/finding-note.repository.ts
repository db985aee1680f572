import type { Knex } from "knex";

/** Reviewers' notes on a finding, in the order written, and whom a finding is assigned to. */
export interface FindingNoteRow {
  id: string;
  text: string;
  created_at: Date;
  username: string;
}

export async function insertFindingNote(q: Knex, note: { authorityId: number; findingId: string; userId: string; text: string; at: Date }): Promise<string> {
  const [row] = await q("finding_notes")
    .insert({ authority_id: note.authorityId, finding_id: note.findingId, user_id: note.userId, text: note.text, created_at: note.at })
    .returning<{ id: string | number }[]>("id");
  if (!row) throw new Error("insert into finding_notes returned no row");
  return String(row.id);
}

export function listFindingNotes(q: Knex, findingId: string): Promise<FindingNoteRow[]> {
  return q("finding_notes as n")
    .join("users as u", "u.id", "n.user_id")
    .where("n.finding_id", findingId)
    .orderBy([{ column: "n.created_at", order: "asc" }, { column: "n.id", order: "asc" }])
    .select("n.id", "n.text", "n.created_at", "u.username") as Promise<FindingNoteRow[]>;
}

/** The finding's current assignee, locked for the change (null: nobody). */
export async function lockFindingAssignee(trx: Knex.Transaction, authorityId: number, findingId: string): Promise<{ assigned_user_id: string | null } | undefined> {
  return trx("findings").where({ id: findingId, authority_id: authorityId }).forUpdate().first<{ assigned_user_id: string | null } | undefined>("assigned_user_id");
}

export async function updateFindingAssignee(trx: Knex.Transaction, findingId: string, userId: string | null): Promise<void> {
  await trx("findings").where({ id: findingId }).update({ assigned_user_id: userId });
}
