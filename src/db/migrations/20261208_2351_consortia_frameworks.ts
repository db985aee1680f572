import type { Knex } from "knex";

/**
 * Consortia and their framework contracts (DATA.md "Authorities and consortia").
 *
 * A consortium is a group of authorities (consortium_members) that agreed framework contracts
 * once for all of them. Framework rows are owned by the consortium, not by any member:
 * framework_contracts and framework_rates carry `consortium_id` and no `authority_id`, and hold
 * the DATA.md contracts and rates columns plus the framework's agreed annual uplift.
 *
 * Row-level security (issue 23, applied by the authorities migration that follows this one):
 * these rows are readable by every member and written only by a framework import, so their
 * policy should read
 *   using (consortium_id in (select consortium_id from consortium_members
 *                            where authority_id = current_setting('app.authority_id', true)::int))
 * and consortium_members by `authority_id = current_setting('app.authority_id', true)::int`.
 * Cross-member figures are never read through these policies: the consortium benchmark is a
 * SECURITY DEFINER function (migration 2352) that returns aggregated, suppressed rows only.
 *
 * A member's placement may name a framework contract by its contract id, so the foreign key
 * placements → contracts (own contracts only) gives way to a trigger that accepts either the
 * member's own contract or a framework contract of one of its consortia.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("consortia", (t) => {
    t.increments("id").primary();
    t.text("code").notNullable().unique();
    t.text("name").notNullable();
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable("consortium_members", (t) => {
    t.integer("consortium_id").notNullable().references("id").inTable("consortia").onDelete("CASCADE");
    t.integer("authority_id").notNullable().references("id").inTable("authorities");
    t.primary(["consortium_id", "authority_id"]);
    t.index(["authority_id"]);
  });

  await knex.schema.createTable("framework_contracts", (t) => {
    t.integer("consortium_id").notNullable().references("id").inTable("consortia");
    t.text("contract_id").notNullable();
    t.text("provider_id").notNullable();
    t.text("title").notNullable();
    t.date("start_date").notNullable();
    t.date("end_date");
    t.boolean("pay_departure_day").notNullable().defaultTo(false);
    t.decimal("absence_retainer_pct", 9, 4).notNullable().defaultTo(100);
    t.integer("absence_retainer_max_nights");
    t.boolean("vat_exempt").notNullable().defaultTo(true);
    // The framework's agreed annual uplift, in percent (5 = 5%): what price drift is measured against.
    t.decimal("annual_uplift_pct", 9, 4);
    t.primary(["consortium_id", "contract_id"]);
  });
  await knex.raw(`alter table framework_contracts add constraint framework_contracts_check check ((end_date is null or end_date >= start_date) and absence_retainer_pct between 0 and 100 and (absence_retainer_max_nights is null or absence_retainer_max_nights >= 0) and (annual_uplift_pct is null or annual_uplift_pct between 0 and 100))`);

  await knex.schema.createTable("framework_rates", (t) => {
    t.integer("consortium_id").notNullable();
    t.text("contract_id").notNullable();
    t.text("item").notNullable();
    t.text("service_level").notNullable().defaultTo("");
    t.text("unit").notNullable();
    t.decimal("rate", 18, 6).notNullable();
    t.date("effective_from").notNullable();
    t.date("effective_to");
    t.primary(["consortium_id", "contract_id", "item", "service_level", "effective_from"]);
    t.foreign(["consortium_id", "contract_id"]).references(["consortium_id", "contract_id"]).inTable("framework_contracts");
  });
  await knex.raw(`alter table framework_rates add constraint framework_rates_check check (rate >= 0 and (effective_to is null or effective_to >= effective_from))`);

  await knex.raw(`alter table placements drop constraint placements_authority_id_contract_id_foreign`);
  await knex.raw(`
    create function placement_contract_exists() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from contracts c where c.authority_id = new.authority_id and c.contract_id = new.contract_id)
         or exists (select 1 from framework_contracts f join consortium_members m on m.consortium_id = f.consortium_id
                    where m.authority_id = new.authority_id and f.contract_id = new.contract_id) then
        return new;
      end if;
      raise foreign_key_violation using message = format('placement %s names contract %s, which is neither the authority''s own nor a framework contract of its consortium', new.placement_id, new.contract_id);
    end $$`);
  await knex.raw(`create trigger placements_contract_exists before insert or update of contract_id, authority_id on placements for each row execute function placement_contract_exists()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop trigger placements_contract_exists on placements`);
  await knex.raw(`drop function placement_contract_exists()`);
  await knex.raw(`alter table placements add constraint placements_authority_id_contract_id_foreign foreign key (authority_id, contract_id) references contracts (authority_id, contract_id)`);
  await knex.schema.dropTable("framework_rates");
  await knex.schema.dropTable("framework_contracts");
  await knex.schema.dropTable("consortium_members");
  await knex.schema.dropTable("consortia");
}
