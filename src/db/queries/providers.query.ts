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
    .orderBy("name")
    .select("provider_id", "name", "aliases");
  return rows.map((r) => ({ providerId: r.provider_id, name: r.name, aliases: r.aliases }));
}
