import type { Knex } from "knex";

// Sign-in throttling (issue 22) replaces the per-account hard lock: failures are counted per
// source IP, per username and per (username, IP) pair, in the database so that every web
// process on one PostgreSQL server sees the same counts. Keys are SHA-256 digests (an attacker
// chooses the username and its length); `subject` is the digest of the username alone, so an
// admin can clear every row of one account.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("sign_in_throttles", (t) => {
    t.text("key").primary();
    t.text("subject").nullable();
    t.integer("failures").notNullable();
    t.timestamp("last_failure_at", { useTz: true }).notNullable();
    t.timestamp("blocked_until", { useTz: true }).nullable();
    t.index(["subject"]);
    t.index(["last_failure_at"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("sign_in_throttles");
}
