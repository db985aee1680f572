/**
 * Consistency of the committed samples/ (the Kestrel Vale demo data): the reference tables
 * carry DATA.md's columns, every invoice has its expected.json, the committed files are what
 * samples/render.ts makes from the data today, PDFs have a text layer, and
 * expected-findings.json covers every AUDIT.md rule with findings of at least £5.00.
 * The audit figures themselves are worked out by hand in expected-findings.json (see
 * samples/README.md); the golden test compares the engine with them.
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { Decimal } from "decimal.js";
import { PDFParse } from "pdf-parse";
import { describe, expect, it } from "vitest";
import { invoices } from "../../samples/invoices.data.js";
import { renderInvoice } from "../../samples/layouts.js";
import { expectedInvoiceJson, invoiceFileName } from "../../samples/render.js";
import { RULE_CATEGORIES } from "../../rules/catalogue.js";
import type { RuleId } from "../../src/domain/finding.js";

const SAMPLES = path.resolve(import.meta.dirname, "../../samples");
const INVOICE_DIR = path.join(SAMPLES, "invoices");
const REFERENCE_DIR = path.join(SAMPLES, "reference");

// DATA.md's tables and columns, copied from the spec.
const DATA_MD_COLUMNS: Record<string, string[]> = {
  providers: ["provider_id", "name", "kind", "vat_number", "aliases"],
  contracts: ["contract_id", "provider_id", "title", "start_date", "end_date", "pay_departure_day", "absence_retainer_pct", "absence_retainer_max_nights", "vat_exempt"],
  rates: ["contract_id", "item", "service_level", "unit", "rate", "effective_from", "effective_to"],
  placements: ["placement_id", "child_ref", "provider_id", "contract_id", "service_level", "start_date", "end_date", "weekly_fee", "sibling_group", "po_number"],
  placement_fees: ["placement_id", "effective_from", "weekly_fee"],
  packages: ["placement_id", "item", "unit", "rate", "max_per_week", "effective_from", "effective_to"],
  discounts: ["discount_id", "provider_id", "contract_id", "kind", "percent", "threshold", "effective_from", "effective_to", "description"],
  absences: ["placement_id", "from_date", "to_date", "reason"],
};

interface ExpectedLine {
  amount: string;
  quantity: string | null;
  unit: string | null;
  item: string;
}
interface ExpectedInvoice {
  provider_id: string;
  invoice_number: string;
  kind: string;
  subtotal: string | null;
  vat: string | null;
  total: string;
  source_file: string;
  lines: ExpectedLine[];
}
interface ExpectedFinding {
  provider_id: string;
  invoice_number: string;
  source_file: string;
  child_ref: string | null;
  rule: string;
  category: string;
  amount: string;
  status: string;
  note: string;
}

const invoiceFiles = readdirSync(INVOICE_DIR).filter((name) => /\.(pdf|xlsx|csv)$/.test(name)).sort();
const readExpected = (file: string): ExpectedInvoice => JSON.parse(readFileSync(path.join(INVOICE_DIR, `${file}.expected.json`), "utf8")) as ExpectedInvoice;
const findings = JSON.parse(readFileSync(path.join(SAMPLES, "expected-findings.json"), "utf8")) as ExpectedFinding[];

describe("samples/reference", () => {
  it("holds each DATA.md table once, with exactly DATA.md's columns", () => {
    const files = readdirSync(REFERENCE_DIR).sort();
    expect(files.map((f) => f.replace(/\.(csv|xlsx)$/, "")).sort()).toEqual(Object.keys(DATA_MD_COLUMNS).sort());
    for (const file of files.filter((f) => f.endsWith(".csv"))) {
      const header = readFileSync(path.join(REFERENCE_DIR, file), "utf8").split("\n")[0];
      expect(header?.split(","), file).toEqual(DATA_MD_COLUMNS[file.replace(".csv", "")]);
    }
    expect(files).toContain("rates.xlsx");
  });
});

describe("samples/invoices", () => {
  it("has the 27 documents samples/README.md lists (18 PDF, 3 XLSX, 6 CSV), each with an expected.json naming it", () => {
    const byFormat = (extension: string): number => invoiceFiles.filter((f) => f.endsWith(extension)).length;
    expect([byFormat(".pdf"), byFormat(".xlsx"), byFormat(".csv")]).toEqual([18, 3, 6]);
    const jsons = readdirSync(INVOICE_DIR).filter((n) => n.endsWith(".expected.json"));
    expect(jsons.map((n) => n.replace(/\.expected\.json$/, "")).sort()).toEqual(invoiceFiles);
    for (const file of invoiceFiles) expect(readExpected(file).source_file).toBe(file);
  });

  it("prints totals that add up, except the one planted total-mismatch", () => {
    const mismatched: string[] = [];
    for (const file of invoiceFiles) {
      const inv = readExpected(file);
      const sum = inv.lines.reduce((acc, l) => acc.plus(l.amount), new Decimal(0));
      if (inv.subtotal !== null) expect(new Decimal(inv.subtotal).eq(sum), file).toBe(true);
      if (!sum.plus(inv.vat ?? 0).eq(inv.total)) mismatched.push(inv.invoice_number);
    }
    expect(mismatched).toEqual(["HSB-0044"]);
  });

  it("contains a credit note, a duplicate invoice number, and every input format asked for", () => {
    const all = invoiceFiles.map(readExpected);
    expect(all.filter((i) => i.kind === "credit_note").map((i) => i.invoice_number)).toEqual(["CN-0042"]);
    const keys = all.map((i) => `${i.provider_id}|${i.invoice_number}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual(["NES|NPC-0119"]);
    const csvs = invoiceFiles.filter((f) => f.endsWith(".csv")).map((f) => readFileSync(path.join(INVOICE_DIR, f)));
    expect(csvs.some((b) => b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf)).toBe(true);
    expect(csvs.some((b) => b.toString("utf8").split("\n")[0]?.includes(";"))).toBe(true);
    const fractionalWeeks = all.flatMap((i) => i.lines).filter((l) => l.unit === "week" && !new Decimal(l.quantity ?? "0").isInteger());
    expect(fractionalWeeks.length).toBeGreaterThan(0);
  });

  it("is what samples/render.ts makes from the data description (re-run it after editing the data)", async () => {
    for (const spec of invoices) {
      const file = invoiceFileName(spec);
      const committed = readFileSync(path.join(INVOICE_DIR, file));
      expect((await renderInvoice(spec)).equals(committed), `${file} is stale`).toBe(true);
      expect(readExpected(file)).toEqual(expectedInvoiceJson(spec));
    }
  });

  it("has PDFs with a text layer, from pdfkit and pdf-lib", async () => {
    const producers = new Set<string>();
    for (const file of invoiceFiles.filter((f) => f.endsWith(".pdf"))) {
      const parser = new PDFParse({ data: readFileSync(path.join(INVOICE_DIR, file)) });
      try {
        const text = (await parser.getText()).text;
        expect(text, file).toContain(readExpected(file).invoice_number);
        const info = await parser.getInfo();
        const producer = (info.info as Record<string, unknown> | undefined)?.Producer;
        producers.add(typeof producer === "string" ? producer : "");
      } finally {
        await parser.destroy();
      }
    }
    expect([...producers].sort()).toEqual(["PDFKit", "pdf-lib (https://github.com/Hopding/pdf-lib)"]);
  });
});

describe("samples/expected-findings.json", () => {
  it("makes every AUDIT.md rule fire, each finding at least £5.00 with its rule's category", () => {
    expect([...new Set(findings.map((f) => f.rule))].sort()).toEqual(Object.keys(RULE_CATEGORIES).sort());
    for (const f of findings) {
      expect(f.category, f.rule).toBe(RULE_CATEGORIES[f.rule as RuleId]);
      expect(new Decimal(f.amount).gte("5.00"), `${f.rule} ${f.amount}`).toBe(true);
      expect(f.amount).toMatch(/^\d+\.\d{2}$/);
      expect(["open", "recovered"]).toContain(f.status);
      const inv = readExpected(f.source_file);
      expect([inv.provider_id, inv.invoice_number]).toEqual([f.provider_id, f.invoice_number]);
    }
  });

  it("leaves at least a third of the invoices entirely clean", () => {
    const billed = invoiceFiles.filter((f) => readExpected(f).kind === "invoice");
    const clean = billed.filter((f) => !findings.some((x) => x.source_file === f));
    expect(clean.length * 3).toBeGreaterThanOrEqual(billed.length);
  });

  it("marks the findings of the invoice voided by credit note CN-0042 recovered, and only those", () => {
    expect([...new Set(findings.filter((f) => f.status === "recovered").map((f) => f.invoice_number))]).toEqual(["CED-2291"]);
  });
});
