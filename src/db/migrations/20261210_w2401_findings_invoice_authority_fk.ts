import type { Knex } from "knex";

// Issue 24: storing findings is most of what PostgreSQL does in an audit, and each finding row
// paid for four foreign-key checks. Two of them (its invoice exists; its authority exists) become
// one: (authority_id, invoice_id) references invoices (authority_id, id). That is also a stronger
// rule than before: a finding now must belong to its invoice's authority, and its authority
// exists because the invoice's does (invoices_authority_id_foreign). Deleting an invoice still
// deletes its findings; an authority with invoices still cannot be deleted. The index on
// invoices (authority_id, id) (migration 1001) becomes unique, as the reference needs: ids are
// unique already, so nothing is added to keep up.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`drop index invoices_authority_id_id_index`);
  await knex.raw(`create unique index invoices_authority_id_id_index on invoices (authority_id, id)`);
  await knex.raw(`alter table findings
    drop constraint findings_invoice_id_foreign,
    drop constraint findings_authority_id_foreign,
    add constraint findings_invoice_authority_foreign foreign key (authority_id, invoice_id) references invoices (authority_id, id) on delete cascade`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`alter table findings
    drop constraint findings_invoice_authority_foreign,
    add constraint findings_invoice_id_foreign foreign key (invoice_id) references invoices (id) on delete cascade,
    add constraint findings_authority_id_foreign foreign key (authority_id) references authorities (id)`);
  await knex.raw(`drop index invoices_authority_id_id_index`);
  await knex.raw(`create index invoices_authority_id_id_index on invoices (authority_id, id)`);
}
