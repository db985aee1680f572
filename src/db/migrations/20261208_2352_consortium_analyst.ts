import type { Knex } from "knex";

// The consortium analyst (issue 23): sees prices across a consortium's members, never children.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table users drop constraint users_role_check`);
  await knex.raw(`alter table users add constraint users_role_check check (role in ('finance_officer','commissioner','admin','consortium_analyst'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`delete from users where role = 'consortium_analyst'`);
  await knex.raw(`alter table users drop constraint users_role_check`);
  await knex.raw(`alter table users add constraint users_role_check check (role in ('finance_officer','commissioner','admin'))`);
}
