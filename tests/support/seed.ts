import type { Knex } from "knex";

/** Direct inserts for tests that need reference data or invoices without going through files. */

let fileCounter = 0;

export async function seedIfaPlacement(knex: Knex): Promise<void> {
  // AUDIT.md's worked example: child C1001 from 2 Mar 2026 at £917.00 a week, retainer 80% for 14 nights.
  await knex("providers").insert({ provider_id: "P1", name: "Oakfield Fostering", kind: "ifa", vat_number: null });
  await knex("contracts").insert({ contract_id: "K1", provider_id: "P1", title: "IFA 2026", start_date: "2026-01-01", absence_retainer_pct: "80", absence_retainer_max_nights: 14, vat_exempt: true });
  await knex("placements").insert({ placement_id: "PL1", child_ref: "C1001", provider_id: "P1", contract_id: "K1", start_date: "2026-03-02", weekly_fee: "917.00" });
}

export interface SeedLine {
  child_ref?: string | null;
  placement_ref?: string | null;
  description?: string;
  item?: string;
  from_date?: string | null;
  to_date?: string | null;
  quantity?: string | null;
  unit?: string | null;
  unit_rate?: string | null;
  amount: string;
}

export interface SeedInvoice {
  provider_id: string;
  invoice_number: string;
  invoice_date: string;
  kind?: "invoice" | "credit_note";
  credits_invoice?: string | null;
  period_from?: string | null;
  period_to?: string | null;
  subtotal?: string | null;
  vat?: string | null;
  total: string;
  received_at?: string;
  lines: SeedLine[];
}

export async function seedInvoice(knex: Knex, invoice: SeedInvoice): Promise<string> {
  fileCounter++;
  const [file] = await knex("received_files")
    .insert({ sha256: `seed-${Date.now()}-${fileCounter}-${Math.random()}`, original_name: `${invoice.invoice_number}.pdf`, stored_path: "seed", size_bytes: 1, status: "processed" })
    .returning<{ id: string }[]>("id");
  const { lines, ...header } = invoice;
  const [row] = await knex("invoices")
    .insert({ ...header, file_id: file?.id, kind: invoice.kind ?? "invoice", received_at: invoice.received_at ?? new Date(Date.UTC(2026, 10, 1, 0, 0, fileCounter)).toISOString() })
    .returning<{ id: string }[]>("id");
  const id = String(row?.id);
  await knex("invoice_lines").insert(
    lines.map((line, i) => ({ invoice_id: id, line_no: i + 1, description: "Placement fee", item: "placement", ...line })),
  );
  return id;
}

export function octoberFeeLine(amount: string): SeedLine {
  return { child_ref: "C1001", description: "Foster care placement fee", item: "placement", from_date: "2026-10-01", to_date: "2026-10-31", quantity: "31", unit: "night", unit_rate: "131.00", amount };
}
