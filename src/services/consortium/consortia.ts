import type { Database } from "../../db/connection.js";
import { appendAuditLog } from "../../db/repositories/audit-log.repository.js";
import { authorityByCode } from "../../db/repositories/authority.repository.js";
import { addConsortium, addConsortiumMember, consortiumByCode, consortiumMemberIds, type ConsortiumRow } from "../../db/repositories/consortium.repository.js";
import { AppError } from "../../domain/errors.js";

/**
 * Makes (or extends) a consortium: councils that commission together under shared framework
 * contracts. Members are named by their authority codes; each member's audit log records that it
 * joined, since joining lets its placements name the framework and its prices enter the benchmark.
 */
export async function ensureConsortium(db: Database, input: { code: string; name?: string | undefined; memberCodes: readonly string[]; actor: string }): Promise<ConsortiumRow & { memberIds: number[] }> {
  const code = input.code.trim();
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(code)) throw new AppError("validation", `a consortium code is 1 to 32 letters, digits, - or _, not "${code}"`);
  const members: number[] = [];
  for (const memberCode of input.memberCodes) {
    const authority = await authorityByCode(db.knex, memberCode);
    if (!authority) throw new AppError("validation", `no council with the code "${memberCode}" (authorities add ${memberCode} --name "…")`);
    members.push(authority.id);
  }
  let consortium = await consortiumByCode(db.knex, code);
  if (!consortium) {
    if (!input.name?.trim()) throw new AppError("validation", `a new consortium needs a name (--name "…")`);
    const id = await addConsortium(db.knex, { code, name: input.name.trim() });
    consortium = { id, code, name: input.name.trim() };
  }
  const before = new Set(await consortiumMemberIds(db.knex, consortium.id));
  for (const authorityId of members) {
    if (before.has(authorityId)) continue;
    await addConsortiumMember(db.knex, consortium.id, authorityId);
    await appendAuditLog(db.knex, { authorityId, actor: input.actor, action: "join", entity: "consortium", entityId: code, before: null, after: { consortium: consortium.name } });
  }
  return { ...consortium, memberIds: await consortiumMemberIds(db.knex, consortium.id) };
}
