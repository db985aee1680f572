import type { Knex } from "knex";

// Issue 19: the balance of a partly recovered finding can be written off (dismissed with a
// reason) on its own. The finding stays `recovered` for what came back; the written-off balance
// is kept apart, so outstanding = amount − recovered − written off, and the decision trail
// records it as its own action.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("findings", (t) => {
    t.decimal("written_off_amount", 14, 2);
    t.text("written_off_reason");
    t.date("written_off_on");
  });
  await knex.raw(`alter table findings add constraint findings_written_off_check check (written_off_amount is null or written_off_amount > 0)`);
  await knex.raw(`alter table finding_decisions drop constraint finding_decisions_action_check`);
  await knex.raw(`alter table finding_decisions add constraint finding_decisions_action_check check (action in ('confirm','dismiss','recover','reopen','recover_by_credit_note','write_off'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`alter table finding_decisions drop constraint finding_decisions_action_check`);
  await knex.raw(`alter table finding_decisions add constraint finding_decisions_action_check check (action in ('confirm','dismiss','recover','reopen','recover_by_credit_note'))`);
  await knex.raw(`alter table findings drop constraint findings_written_off_check`);
  await knex.schema.alterTable("findings", (t) => {
    t.dropColumn("written_off_on");
    t.dropColumn("written_off_reason");
    t.dropColumn("written_off_amount");
  });
}
