import type { Database } from "../../db/connection.js";
import { appendAuditLog } from "../../db/repositories/audit-log.repository.js";
import { lockProviderAliases, setProviderAliases } from "../../db/repositories/reference.repository.js";
import { AppError } from "../../domain/errors.js";
import type { Actor } from "../review/decide-finding.js";

const MAX_ALIAS_LENGTH = 200;

/**
 * Adds another name a provider prints on its invoices (from the "needs attention" page, so
 * that re-processing a file recognises the provider). Audit-logged; adding an alias the
 * provider already has changes nothing. Returns the provider's aliases afterwards.
 */
export async function addProviderAlias(db: Database, actor: Actor, providerId: string, alias: string): Promise<string[]> {
  const name = alias.replace(/\s+/g, " ").trim();
  if (name === "") throw new AppError("alias.invalid", "Enter the name the provider uses on its invoices", { field: "alias" });
  if (name.length > MAX_ALIAS_LENGTH) throw new AppError("alias.invalid", `Alias must be ${MAX_ALIAS_LENGTH} characters or fewer`, { field: "alias" });
  return db.knex.transaction(async (trx) => {
    const before = await lockProviderAliases(trx, actor.authorityId, providerId);
    if (!before) throw new AppError("alias.no_provider", "Select a provider", { field: "providerId", providerId });
    if (before.some((a) => a.toLowerCase() === name.toLowerCase())) return before;
    const aliases = [...before, name];
    await setProviderAliases(trx, actor.authorityId, providerId, aliases);
    await appendAuditLog(trx, {
      authorityId: actor.authorityId, actor: actor.username, action: "add_alias", entity: "provider", entityId: providerId,
      before: { aliases: before }, after: { aliases },
    });
    return aliases;
  });
}
