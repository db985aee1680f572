/**
 * Loads a generated authority straight into the database, bypassing import and ingestion (the
 * audit benchmarks measure the audit, not the readers): one multi-row `insert … select from
 * unnest(…)` per table and chunk, with one array parameter per column.
 */
import type { Knex } from "knex";
import type { ReferenceData } from "../../src/domain/reference.js";
import type { GeneratedInvoice } from "./invoices.js";

type Column = readonly [name: string, type: string];

async function insertRows(knex: Knex, table: string, columns: readonly Column[], rows: readonly (readonly unknown[])[], chunk = 20_000): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    const arrays = columns.map((_, c) => part.map((row) => row[c] ?? null));
    const names = columns.map(([name]) => `"${name}"`).join(", ");
    const unnest = columns.map(([, type]) => `?::${type}[]`).join(", ");
    // node-postgres sends each JS array as one PostgreSQL array parameter.
    await knex.raw(`insert into "${table}" (${names}) select * from unnest(${unnest})`, arrays as unknown as readonly Knex.RawBinding[]);
  }
}

/** The DATA.md reference tables of one authority. */
export async function insertReference(knex: Knex, ref: ReferenceData): Promise<void> {
  await insertRows(knex, "providers", [["provider_id", "text"], ["name", "text"], ["kind", "text"], ["vat_number", "text"]], ref.providers.map((p) => [p.providerId, p.name, p.kind, p.vatNumber]));
  // Aliases are a text[] column: unnest cannot take an array of arrays, so they are set per provider in one statement.
  await knex.raw(
    `update providers p set aliases = string_to_array(a.aliases, '|') from unnest(?::text[], ?::text[]) as a(provider_id, aliases) where p.provider_id = a.provider_id`,
    [ref.providers.map((p) => p.providerId), ref.providers.map((p) => p.aliases.join("|"))],
  );
  await insertRows(
    knex, "contracts",
    [["contract_id", "text"], ["provider_id", "text"], ["title", "text"], ["start_date", "date"], ["end_date", "date"], ["pay_departure_day", "boolean"], ["absence_retainer_pct", "numeric"], ["absence_retainer_max_nights", "integer"], ["vat_exempt", "boolean"]],
    ref.contracts.map((c) => [c.contractId, c.providerId, c.title, c.startDate, c.endDate, c.payDepartureDay, c.absenceRetainerPct, c.absenceRetainerMaxNights, c.vatExempt]),
  );
  await insertRows(
    knex, "rates",
    [["contract_id", "text"], ["item", "text"], ["service_level", "text"], ["unit", "text"], ["rate", "numeric"], ["effective_from", "date"], ["effective_to", "date"]],
    ref.rates.map((r) => [r.contractId, r.item, r.serviceLevel ?? "", r.unit, r.rate, r.effectiveFrom, r.effectiveTo]),
  );
  await insertRows(
    knex, "placements",
    [["placement_id", "text"], ["child_ref", "text"], ["provider_id", "text"], ["contract_id", "text"], ["service_level", "text"], ["start_date", "date"], ["end_date", "date"], ["weekly_fee", "numeric"], ["sibling_group", "text"], ["po_number", "text"]],
    ref.placements.map((p) => [p.placementId, p.childRef, p.providerId, p.contractId, p.serviceLevel, p.startDate, p.endDate, p.weeklyFee, p.siblingGroup, p.poNumber]),
  );
  await insertRows(knex, "placement_fees", [["placement_id", "text"], ["effective_from", "date"], ["weekly_fee", "numeric"]], ref.placementFees.map((f) => [f.placementId, f.effectiveFrom, f.weeklyFee]));
  await insertRows(
    knex, "packages",
    [["placement_id", "text"], ["item", "text"], ["unit", "text"], ["rate", "numeric"], ["max_per_week", "numeric"], ["effective_from", "date"], ["effective_to", "date"]],
    ref.packages.map((p) => [p.placementId, p.item, p.unit, p.rate, p.maxPerWeek, p.effectiveFrom, p.effectiveTo]),
  );
  await insertRows(
    knex, "discounts",
    [["discount_id", "text"], ["provider_id", "text"], ["contract_id", "text"], ["kind", "text"], ["percent", "numeric"], ["threshold", "numeric"], ["effective_from", "date"], ["effective_to", "date"], ["description", "text"]],
    ref.discounts.map((d) => [d.discountId, d.providerId, d.contractId, d.kind, d.percent, d.threshold, d.effectiveFrom, d.effectiveTo, d.description]),
  );
  await insertRows(knex, "absences", [["placement_id", "text"], ["from_date", "date"], ["to_date", "date"], ["reason", "text"]], ref.absences.map((a) => [a.placementId, a.fromDate, a.toDate, a.reason]));
}

const FILE_COLUMNS: readonly Column[] = [["id", "bigint"], ["sha256", "text"], ["original_name", "text"], ["stored_path", "text"], ["size_bytes", "bigint"], ["status", "text"], ["received_at", "timestamptz"], ["processed_at", "timestamptz"]];
const INVOICE_COLUMNS: readonly Column[] = [
  ["id", "bigint"], ["file_id", "bigint"], ["provider_id", "text"], ["invoice_number", "text"], ["invoice_date", "date"], ["kind", "text"], ["credits_invoice", "text"],
  ["period_from", "date"], ["period_to", "date"], ["subtotal", "numeric"], ["vat", "numeric"], ["total", "numeric"], ["received_at", "timestamptz"],
];
const LINE_COLUMNS: readonly Column[] = [
  ["invoice_id", "bigint"], ["line_no", "integer"], ["child_ref", "text"], ["placement_ref", "text"], ["description", "text"], ["item", "text"], ["from_date", "date"],
  ["to_date", "date"], ["quantity", "numeric"], ["unit", "text"], ["unit_rate", "numeric"], ["amount", "numeric"],
];

/** Amounts are stored by their size on a credit note (INTERFACES.md `invoices`). */
function stored(invoice: GeneratedInvoice, amount: string): string {
  return invoice.kind === "credit_note" && amount.startsWith("-") ? amount.slice(1) : amount;
}

/**
 * Inserts the invoices (with a received file each) in batches; ids are given here and the
 * sequences moved past them at the end. Returns the numbers of invoices and lines inserted.
 */
export async function insertInvoices(knex: Knex, invoices: Iterable<GeneratedInvoice>, batchInvoices = 5_000): Promise<{ invoices: number; lines: number }> {
  const start = await knex.raw<{ rows: { next: string }[] }>(`select coalesce(max(id), 0) + 1 as next from invoices`);
  let id = Number(start.rows[0]?.next ?? 1);
  const fileStart = await knex.raw<{ rows: { next: string }[] }>(`select coalesce(max(id), 0) + 1 as next from received_files`);
  let fileId = Number(fileStart.rows[0]?.next ?? 1);
  let files: unknown[][] = [];
  let headers: unknown[][] = [];
  let lines: unknown[][] = [];
  const totals = { invoices: 0, lines: 0 };
  const flush = async (): Promise<void> => {
    if (headers.length === 0) return;
    await insertRows(knex, "received_files", FILE_COLUMNS, files);
    await insertRows(knex, "invoices", INVOICE_COLUMNS, headers);
    await insertRows(knex, "invoice_lines", LINE_COLUMNS, lines);
    files = [];
    headers = [];
    lines = [];
  };
  for (const invoice of invoices) {
    files.push([fileId, `bench-${fileId}`, `${invoice.fileName}.csv`, "bench", 1, "processed", invoice.receivedAt, invoice.receivedAt]);
    headers.push([
      id, fileId, invoice.providerId, invoice.invoiceNumber, invoice.invoiceDate, invoice.kind, invoice.creditsInvoice, invoice.periodFrom, invoice.periodTo,
      invoice.subtotal === null ? null : stored(invoice, invoice.subtotal), invoice.vat === null ? null : stored(invoice, invoice.vat), stored(invoice, invoice.total), invoice.receivedAt,
    ]);
    for (const line of invoice.lines) {
      lines.push([id, line.lineNo, line.childRef, line.placementRef, line.description, line.item, line.from, line.to, line.quantity, line.unit, line.unitRate, stored(invoice, line.amount)]);
    }
    totals.invoices++;
    totals.lines += invoice.lines.length;
    id++;
    fileId++;
    if (headers.length >= batchInvoices) await flush();
  }
  await flush();
  await knex.raw(`select setval(pg_get_serial_sequence('invoices', 'id'), (select coalesce(max(id), 1) from invoices))`);
  await knex.raw(`select setval(pg_get_serial_sequence('received_files', 'id'), (select coalesce(max(id), 1) from received_files))`);
  await knex.raw(`analyze`);
  return totals;
}
