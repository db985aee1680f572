import type { Knex } from "knex";

// The DATA.md reference tables. Natural keys are the primary keys so imports upsert by them.
// Optional text keys that are part of a natural key (rates.service_level) are stored as ''
// when not given, because a primary key cannot hold NULL; repositories map '' back to null.
export async function up(knex: Knex): Promise<void> {
  const authority = (t: Knex.CreateTableBuilder): void => {
    t.integer("authority_id").notNullable().defaultTo(1).references("id").inTable("authorities");
  };
  await knex.schema.createTable("providers", (t) => {
    authority(t);
    t.text("provider_id").notNullable();
    t.text("name").notNullable();
    t.text("kind").notNullable();
    t.text("vat_number");
    t.specificType("aliases", "text[]").notNullable().defaultTo("{}");
    t.primary(["authority_id", "provider_id"]);
  });
  await knex.raw(`alter table providers add constraint providers_kind_check check (kind in ('ifa','residential','supported_16plus','parent_child','other'))`);

  await knex.schema.createTable("contracts", (t) => {
    authority(t);
    t.text("contract_id").notNullable();
    t.text("provider_id").notNullable();
    t.text("title").notNullable();
    t.date("start_date").notNullable();
    t.date("end_date");
    t.boolean("pay_departure_day").notNullable().defaultTo(false);
    t.decimal("absence_retainer_pct", 9, 4).notNullable().defaultTo(100);
    t.integer("absence_retainer_max_nights");
    t.boolean("vat_exempt").notNullable().defaultTo(true);
    t.primary(["authority_id", "contract_id"]);
    t.foreign(["authority_id", "provider_id"]).references(["authority_id", "provider_id"]).inTable("providers");
  });
  await knex.raw(`alter table contracts add constraint contracts_dates_check check (end_date is null or end_date >= start_date)`);
  await knex.raw(`alter table contracts add constraint contracts_retainer_check check (absence_retainer_pct between 0 and 100 and (absence_retainer_max_nights is null or absence_retainer_max_nights >= 0))`);

  await knex.schema.createTable("rates", (t) => {
    authority(t);
    t.text("contract_id").notNullable();
    t.text("item").notNullable();
    t.text("service_level").notNullable().defaultTo("");
    t.text("unit").notNullable();
    t.decimal("rate", 18, 6).notNullable();
    t.date("effective_from").notNullable();
    t.date("effective_to");
    t.primary(["authority_id", "contract_id", "item", "service_level", "effective_from"]);
    t.foreign(["authority_id", "contract_id"]).references(["authority_id", "contract_id"]).inTable("contracts");
  });
  await knex.raw(`alter table rates add constraint rates_check check (rate >= 0 and (effective_to is null or effective_to >= effective_from))`);

  await knex.schema.createTable("placements", (t) => {
    authority(t);
    t.text("placement_id").notNullable();
    t.text("child_ref").notNullable();
    t.text("provider_id").notNullable();
    t.text("contract_id").notNullable();
    t.text("service_level");
    t.date("start_date").notNullable();
    t.date("end_date");
    t.decimal("weekly_fee", 18, 6);
    t.text("sibling_group");
    t.text("po_number");
    t.primary(["authority_id", "placement_id"]);
    t.foreign(["authority_id", "provider_id"]).references(["authority_id", "provider_id"]).inTable("providers");
    t.foreign(["authority_id", "contract_id"]).references(["authority_id", "contract_id"]).inTable("contracts");
    t.index(["authority_id", "provider_id", "child_ref"]);
    t.index(["authority_id", "po_number"]);
  });
  await knex.raw(`alter table placements add constraint placements_check check ((end_date is null or end_date > start_date) and (weekly_fee is null or weekly_fee >= 0))`);

  await knex.schema.createTable("placement_fees", (t) => {
    authority(t);
    t.text("placement_id").notNullable();
    t.date("effective_from").notNullable();
    t.decimal("weekly_fee", 18, 6).notNullable();
    t.primary(["authority_id", "placement_id", "effective_from"]);
    t.foreign(["authority_id", "placement_id"]).references(["authority_id", "placement_id"]).inTable("placements");
  });
  await knex.raw(`alter table placement_fees add constraint placement_fees_check check (weekly_fee >= 0)`);

  await knex.schema.createTable("packages", (t) => {
    authority(t);
    t.text("placement_id").notNullable();
    t.text("item").notNullable();
    t.text("unit").notNullable();
    t.decimal("rate", 18, 6);
    t.decimal("max_per_week", 18, 6);
    t.date("effective_from").notNullable();
    t.date("effective_to");
    t.primary(["authority_id", "placement_id", "item", "effective_from"]);
    t.foreign(["authority_id", "placement_id"]).references(["authority_id", "placement_id"]).inTable("placements");
  });
  await knex.raw(`alter table packages add constraint packages_check check ((rate is null or rate >= 0) and (max_per_week is null or max_per_week >= 0) and (effective_to is null or effective_to >= effective_from))`);

  await knex.schema.createTable("discounts", (t) => {
    authority(t);
    t.text("discount_id").notNullable();
    t.text("provider_id").notNullable();
    t.text("contract_id");
    t.text("kind").notNullable();
    t.decimal("percent", 9, 4).notNullable();
    t.decimal("threshold", 18, 6);
    t.date("effective_from").notNullable();
    t.date("effective_to");
    t.text("description");
    t.primary(["authority_id", "discount_id"]);
    t.foreign(["authority_id", "provider_id"]).references(["authority_id", "provider_id"]).inTable("providers");
  });
  await knex.raw(`alter table discounts add constraint discounts_check check (kind in ('percentage','sibling','volume','length_of_stay') and percent between 0 and 100 and (effective_to is null or effective_to >= effective_from))`);

  await knex.schema.createTable("absences", (t) => {
    authority(t);
    t.text("placement_id").notNullable();
    t.date("from_date").notNullable();
    t.date("to_date").notNullable();
    t.text("reason").notNullable();
    t.primary(["authority_id", "placement_id", "from_date"]);
    t.foreign(["authority_id", "placement_id"]).references(["authority_id", "placement_id"]).inTable("placements");
  });
  await knex.raw(`alter table absences add constraint absences_check check (to_date >= from_date and reason in ('hospital','missing','custody','respite','other'))`);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ["absences", "discounts", "packages", "placement_fees", "placements", "rates", "contracts", "providers"]) {
    await knex.schema.dropTable(table);
  }
}
