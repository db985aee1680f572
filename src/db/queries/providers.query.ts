import type { Database } from "../connection.js";
import type { Scope } from "./read-model.js";
export interface ProviderOption {
  providerId: string;
  name: string;
  aliases: string[];
}

export async function listProviders(db: Database, scope: Scope): Promise<ProviderOption[]> {
  const rows = await db.knex<{ provider_id: string; name: string; aliases: string[] }>("providers")
    .where("authority_id", scope.authorityId)
    .orderBy([{ column: "name" }, { column: "provider_id" }])
    .select("provider_id", "name", "aliases");
  return rows.map((r) => ({ providerId: r.provider_id, name: r.name, aliases: r.aliases }));
}

/** One provider of the authority, or null. */
export async function providerById(db: Database, scope: Scope, providerId: string): Promise<ProviderOption | null> {
  const row: { provider_id: string; name: string; aliases: string[] } | undefined = await db.knex("providers")
    .where({ authority_id: scope.authorityId, provider_id: providerId })
    .first("provider_id", "name", "aliases");
  return row ? { providerId: row.provider_id, name: row.name, aliases: row.aliases } : null;
}
