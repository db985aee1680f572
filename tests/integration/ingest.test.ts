import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { warmUpPdfReader } from "../../src/ingest/readers/pdf.reader.js";
import { ingestFiles, reprocessFile, reprocessNeedsAttention } from "../../src/services/ingest/ingest-files.js";
import { listExtractedInvoices, listNeedsAttentionFiles } from "../../src/services/ingest/ingest-list.js";
import { sha256Of } from "../../src/services/ingest/ingest-storage.js";
import { pdfkitLayout, pdfLibLayout, scannedPdf } from "../fixtures/invoices/pdf-builders.js";
import { UNUSUAL_TEMPLATE, layoutCreditNote, layoutLabelsAbove, layoutSimple, layoutUnusual } from "../fixtures/invoices/pdf-layouts.js";
import { FIXTURE_PROVIDER_ROWS } from "../fixtures/invoices/providers.js";
import { csvText, utf8WithBom, xlsxWorkbook } from "../fixtures/invoices/spreadsheet-builders.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { expectedStoredPath, keptOriginal } from "../support/originals.js";

interface FileRow {
  id: string;
  original_name: string;
  stored_path: string;
  status: string;
  reason: string | null;
  received_at: Date;
  size_bytes: string;
}

const CLOCK = new Date("2026-11-10T09:00:00.000Z");

const OAK_CSV = utf8WithBom(
  csvText(
    [
      ["Supplier", "Oakfield Fostering Ltd"],
      ["Invoice No", "OFP-2001"],
      ["Invoice Date", "01/11/2026"],
      ["Period", "October 2026"],
      [],
      ["Child Ref", "Description", "Nights", "Rate", "Amount"],
      ["C1001", "Foster placement", "31", "£131.00", "£4,061.00"],
      ["C1001", "Sibling discount", "", "", "-£40.00"],
      ["", "", "", "Total", "£4,021.00"],
    ],
    ",",
  ),
);

async function brooksideXlsx(): Promise<Buffer> {
  return xlsxWorkbook([
    {
      name: "Invoice",
      rows: [
        ["Brookside Care Homes Ltd"],
        ["Invoice Number", "BCH-77"],
        ["Tax Point", "02/11/2026"],
        [],
        ["Placement ID", "Service", "From", "To", "Weeks", "Weekly Fee", "Value"],
        ["PL-77", "Residential placement", "01/10/2026", "31/10/2026", 4.43, 2100, 9303],
        [null, null, null, null, null, "Total", 9303],
      ],
    },
  ]);
}

describe("ingestFiles: storage, receipt order, needs attention, re-processing", () => {
  let t: TestDatabase;
  let files: () => Promise<FileRow[]>;

  beforeAll(async () => {
    t = await openTestDatabase();
    await t.db.knex("providers").insert(FIXTURE_PROVIDER_ROWS);
    await t.db.knex("providers").insert({ provider_id: "SRG", name: "Sunrise Residential Group Ltd", kind: "residential" });
    files = async () => (await t.db.knex("received_files").orderBy("received_at")) as FileRow[];
    await warmUpPdfReader();
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("receives files in the order of their names, stores each once by content, writes invoice and lines", async () => {
    const hillside = await pdfLibLayout(layoutLabelsAbove());
    const report = await ingestFiles(
      t.db,
      [
        { name: "c-hillside.pdf", bytes: hillside },
        { name: "a-oakfield.csv", bytes: OAK_CSV },
        { name: "b-brookside.xlsx", bytes: await brooksideXlsx() },
      ],
      { authorityId: 1, dataDir: t.dataDir, now: () => CLOCK },
    );
    expect(report.files.map((f) => [f.name, f.status, f.providerId, f.invoiceNumber, f.lines])).toEqual([
      ["a-oakfield.csv", "stored", "OAK", "OFP-2001", 2],
      ["b-brookside.xlsx", "stored", "BRK", "BCH-77", 1],
      ["c-hillside.pdf", "stored", "HSL", "HSL-77", 3],
    ]);
    expect([report.stored, report.alreadyReceived, report.needsAttention, report.problems]).toEqual([3, 0, 0, []]);

    const rows = await files();
    expect(rows.map((r) => [r.original_name, r.status, r.reason, r.received_at.toISOString()])).toEqual([
      ["a-oakfield.csv", "processed", null, "2026-11-10T09:00:00.000Z"],
      ["b-brookside.xlsx", "processed", null, "2026-11-10T09:00:00.001Z"],
      ["c-hillside.pdf", "processed", null, "2026-11-10T09:00:00.002Z"],
    ]);
    const sha = sha256Of(hillside);
    const hillsideRow = rows[2]!;
    expect(hillsideRow.stored_path).toBe(expectedStoredPath(t.db, sha, "c-hillside.pdf"));
    expect((await keptOriginal(t.db, t.dataDir, hillsideRow.stored_path)).equals(hillside)).toBe(true);
    expect(Number(hillsideRow.size_bytes)).toBe(hillside.byteLength);

    const invoice = (await t.db.knex("invoices").where({ invoice_number: "HSL-77" }).first()) as Record<string, unknown>;
    expect(invoice).toMatchObject({
      provider_id: "HSL", invoice_date: "2026-11-01", kind: "invoice", period_from: "2026-10-01", period_to: "2026-10-31",
      subtotal: "3149.00", vat: "629.80", total: "3778.80", file_id: hillsideRow.id,
    });
    expect((invoice.received_at as Date).toISOString()).toBe("2026-11-10T09:00:00.002Z");
    // Audited on arrival (AUDIT.md "When"), not left "Awaiting audit".
    expect(invoice.audited_at).not.toBeNull();
    expect(invoice.status).not.toBe("awaiting_audit");
    const lines = (await t.db.knex("invoice_lines").where({ invoice_id: invoice.id as string }).orderBy("line_no")) as Record<string, unknown>[];
    expect(lines.map((l) => [l.line_no, l.placement_ref, l.item, l.from_date, l.to_date, l.quantity, l.unit, l.unit_rate, l.amount])).toEqual([
      [1, "PO-9001", "placement", "2026-10-01", "2026-10-31", "31.000000", "night", "95.000000", "2945.00"],
      [2, "PO-9002", "transport_mile", "2026-10-01", "2026-10-31", "120.000000", "mile", "0.450000", "54.00"],
      [3, "PO-9002", "one_to_one_hour", "2026-10-12", "2026-10-12", "6.000000", "hour", "25.000000", "150.00"],
    ]);
  });

  it("the same content again is reported as already received and not stored twice", async () => {
    const before = await files();
    const report = await ingestFiles(
      t.db,
      [
        { name: "renamed-oakfield.csv", bytes: OAK_CSV },
        { name: "d-new.csv", bytes: Buffer.from(OAK_CSV.toString("utf8").replace("OFP-2001", "OFP-2002"), "utf8") },
        { name: "e-new-again.csv", bytes: Buffer.from(OAK_CSV.toString("utf8").replace("OFP-2001", "OFP-2002"), "utf8") },
      ],
      { authorityId: 1, dataDir: t.dataDir, now: () => CLOCK },
    );
    expect(report.files.map((f) => [f.name, f.status])).toEqual([
      ["d-new.csv", "stored"],
      ["e-new-again.csv", "already_received"],
      ["renamed-oakfield.csv", "already_received"],
    ]);
    expect(report.files[2]!.fileId).toBe(before[0]!.id);
    const after = await files();
    expect(after).toHaveLength(before.length + 1);
    const sha = sha256Of(OAK_CSV);
    if (t.db.kind === "embedded") expect(fs.readdirSync(path.join(t.dataDir, "files", sha.slice(0, 2), sha))).toEqual(["a-oakfield.csv"]);
    else expect(await t.db.knex("original_files").where({ sha256: sha }).count({ n: "*" })).toEqual([{ n: "1" }]);
    // The clock stood still, yet the new file is received after every earlier one.
    expect(after[after.length - 1]!.received_at.toISOString()).toBe("2026-11-10T09:00:00.003Z");
  });

  it("works through a large ingest in batches: name order, receipt times and duplicates hold across them", async () => {
    const csv = (n: number): Buffer =>
      Buffer.from(OAK_CSV.toString("utf8").replace("OFP-2001", `OFP-B${n}`).replace("01/11/2026", "06/11/2026"), "utf8");
    const report = await ingestFiles(
      t.db,
      [
        { name: "batch-5.csv", bytes: csv(5) },
        { name: "batch-2.csv", bytes: csv(2) },
        { name: "batch-4.csv", bytes: csv(2) },
        { name: "batch-1.csv", bytes: csv(1) },
        { name: "batch-3.csv", bytes: csv(3) },
      ],
      { authorityId: 1, dataDir: t.dataDir, batchSize: 2, now: () => CLOCK },
    );
    expect(report.files.map((f) => [f.name, f.status])).toEqual([
      ["batch-1.csv", "stored"],
      ["batch-2.csv", "stored"],
      ["batch-3.csv", "stored"],
      ["batch-4.csv", "already_received"],
      ["batch-5.csv", "stored"],
    ]);
    const rows = (await t.db.knex("received_files").where("original_name", "like", "batch-%").orderBy("received_at")) as FileRow[];
    expect(rows.map((r) => r.original_name)).toEqual(["batch-1.csv", "batch-2.csv", "batch-3.csv", "batch-5.csv"]);
    const times = rows.map((r) => r.received_at.getTime());
    expect(times.every((time, i) => i === 0 || time === (times[i - 1] as number) + 1)).toBe(true);
  });

  it("keeps a file that cannot be read, with its reason, and lists it", async () => {
    const report = await ingestFiles(t.db, [{ name: "scan.pdf", bytes: await scannedPdf() }], { authorityId: 1, dataDir: t.dataDir });
    expect(report.files[0]).toMatchObject({ status: "needs_attention", reasonCode: "ocr_failed", invoiceId: null });
    expect(report.problems).toEqual([expect.stringMatching(/^scan\.pdf: \[ocr_failed\] No text was found on the scan's pages/)]);
    const row = (await t.db.knex("received_files").where({ original_name: "scan.pdf" }).first()) as FileRow;
    expect(row.status).toBe("needs_attention");
    expect(row.reason).toMatch(/No text was found/);
    expect((await keptOriginal(t.db, t.dataDir, row.stored_path)).byteLength).toBeGreaterThan(0);
    expect(await t.db.knex("invoices").where({ file_id: row.id }).count({ n: "*" })).toEqual([{ n: "0" }]);
    const listed = await listNeedsAttentionFiles(t.db, { authorityId: 1 });
    expect(listed.map((f) => [f.source_file, f.reason?.slice(0, 26)])).toEqual([["scan.pdf", "No text was found on the s"]]);
  });

  it("re-processes a file after the provider's alias is added, keeping its receipt time", async () => {
    const bytes = await pdfkitLayout(
      layoutSimple({ provider: "Oakfield Foster Homes", number: "OFH-1", date: "02/11/2026", period: "October 2026", lines: [["C1001", "Foster placement", "", "", "31", "£131.00", "£4,061.00"]] }),
    );
    const first = await ingestFiles(t.db, [{ name: "ofh-1.pdf", bytes }], { authorityId: 1, dataDir: t.dataDir });
    expect(first.files[0]).toMatchObject({ status: "needs_attention", reasonCode: "unknown_provider" });
    const fileId = first.files[0]!.fileId!;
    const receivedAt = ((await t.db.knex("received_files").where({ id: fileId }).first()) as FileRow).received_at;

    await t.db.knex("providers").where({ provider_id: "OAK" }).update({ aliases: ["Oakfield Family Placements", "Oakfield Foster Homes"] });
    const again = await reprocessFile(t.db, fileId, { authorityId: 1, dataDir: t.dataDir });
    expect(again).toMatchObject({ status: "stored", providerId: "OAK", invoiceNumber: "OFH-1", reason: null });
    const row = (await t.db.knex("received_files").where({ id: fileId }).first()) as FileRow;
    expect([row.status, row.reason, row.received_at.toISOString()]).toEqual(["processed", null, receivedAt.toISOString()]);
    const invoice = (await t.db.knex("invoices").where({ file_id: fileId }).first()) as { received_at: Date };
    expect(invoice.received_at.toISOString()).toBe(receivedAt.toISOString());
    await expect(reprocessFile(t.db, fileId, { authorityId: 1, dataDir: t.dataDir })).rejects.toMatchObject({ code: "ingest.not_waiting" });
    await expect(reprocessFile(t.db, "999999", { authorityId: 1, dataDir: t.dataDir })).rejects.toMatchObject({ code: "ingest.no_such_file" });
  });

  it("re-processes the queue after a template is added under DATA_DIR/templates", async () => {
    const first = await ingestFiles(t.db, [{ name: "sunrise.pdf", bytes: await pdfLibLayout(layoutUnusual()) }], { authorityId: 1, dataDir: t.dataDir });
    // Its headings are words the reader knows since issue 16's round 4; its "Raised" date label still stops it.
    expect(first.files[0]).toMatchObject({ status: "needs_attention", reasonCode: "no_invoice_date", providerId: "SRG" });

    fs.mkdirSync(path.join(t.dataDir, "templates"), { recursive: true });
    fs.writeFileSync(path.join(t.dataDir, "templates", "sunrise.json"), JSON.stringify(UNUSUAL_TEMPLATE, null, 2));
    const report = await reprocessNeedsAttention(t.db, { authorityId: 1, dataDir: t.dataDir });
    expect(report.files.map((f) => [f.name, f.status])).toEqual([
      ["scan.pdf", "needs_attention"],
      ["sunrise.pdf", "stored"],
    ]);
    const [invoice] = await listExtractedInvoices(t.db, { authorityId: 1, month: "2026-11" }).then((all) => all.filter((i) => i.provider_id === "SRG"));
    expect(invoice).toMatchObject({ invoice_number: "SRG0042", invoice_date: "2026-11-03", total: "8400.00", period_from: "2026-10-01" });
    expect(invoice!.lines).toEqual([
      { child_ref: "SU-17", placement_ref: null, description: "Residential care", item: "placement", from: "2026-10-01", to: "2026-10-31", quantity: "4.00", unit: "week", unit_rate: null, amount: "8400.00" },
    ]);
  });

  it("lists invoices as INTERFACES.md gives them: a credit note positive, lines with the invoice's period", async () => {
    await ingestFiles(t.db, [{ name: "cn.pdf", bytes: await pdfLibLayout(layoutCreditNote()) }], { authorityId: 1, dataDir: t.dataDir });
    const invoices = await listExtractedInvoices(t.db, { authorityId: 1, month: "2026-11" });
    expect(invoices.find((i) => i.invoice_number === "OFP-CN-7")).toEqual({
      provider_id: "OAK",
      invoice_number: "OFP-CN-7",
      invoice_date: "2026-11-05",
      kind: "credit_note",
      credits_invoice: "OFP-1046",
      period_from: "2026-10-01",
      period_to: "2026-10-31",
      subtotal: null,
      vat: null,
      total: "254.00",
      source_file: "cn.pdf",
      lines: [
        { child_ref: "C1001", placement_ref: null, description: "Placement fee overcharge", item: "placement", from: "2026-10-01", to: "2026-10-31", quantity: "31.00", unit: "night", unit_rate: "4.00", amount: "124.00" },
        { child_ref: "C1002", placement_ref: null, description: "Duplicate 1:1 hours", item: "one_to_one_hour", from: "2026-10-01", to: "2026-10-31", quantity: "5.00", unit: "hour", unit_rate: "26.00", amount: "130.00" },
      ],
    });
    const oak = invoices.find((i) => i.invoice_number === "OFP-2001");
    expect(oak?.lines[1]).toEqual({
      child_ref: "C1001", placement_ref: null, description: "Sibling discount", item: "discount", from: "2026-10-01", to: "2026-10-31",
      quantity: null, unit: null, unit_rate: null, amount: "-40.00",
    });
    expect((await listExtractedInvoices(t.db, { authorityId: 1, month: "2026-10" })).length).toBe(0);
    // Audit order: invoice date, then time received (OFP-2002 came in a later ingest than HSL-77).
    expect(invoices.map((i) => i.invoice_number)).toEqual(["OFP-2001", "HSL-77", "OFP-2002", "BCH-77", "OFH-1", "SRG0042", "OFP-CN-7", "OFP-B1", "OFP-B2", "OFP-B3", "OFP-B5"]);
  });
});
