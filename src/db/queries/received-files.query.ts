import type { Database } from "../connection.js";
import type { ReceivedFileRow } from "../repositories/invoice.repository.js";
import { isRowId } from "../row-id.js";
import { resultOf, type Scope } from "./read-model.js";

/** Received files: those that need attention (their page), and one file to download or re-process. */
export interface AttentionFile {
  id: string;
  originalName: string;
  reason: string | null;
  sizeBytes: number;
  receivedAt: Date;
  processedAt: Date | null;
}

export async function filesNeedingAttention(db: Database, scope: Scope): Promise<AttentionFile[]> {
  const rows = await resultOf<Pick<ReceivedFileRow, "id" | "original_name" | "reason" | "size_bytes" | "received_at" | "processed_at">[]>(
    db.knex("received_files")
      .where({ authority_id: scope.authorityId, status: "needs_attention" })
      .orderBy([{ column: "received_at", order: "desc" }, { column: "id", order: "desc" }])
      .select("id", "original_name", "reason", "size_bytes", "received_at", "processed_at"),
  );
  return rows.map((r) => ({
    id: String(r.id), originalName: r.original_name, reason: r.reason, sizeBytes: Number(r.size_bytes), receivedAt: r.received_at, processedAt: r.processed_at,
  }));
}

export async function receivedFile(db: Database, scope: Scope, id: string): Promise<{ id: string; originalName: string; storedPath: string; status: string } | null> {
  if (!isRowId(id)) return null;
  const row = await resultOf<Pick<ReceivedFileRow, "id" | "original_name" | "stored_path" | "status"> | undefined>(
    db.knex("received_files").where({ authority_id: scope.authorityId, id }).first("id", "original_name", "stored_path", "status"),
  );
  return row ? { id: String(row.id), originalName: row.original_name, storedPath: row.stored_path, status: row.status } : null;
}
