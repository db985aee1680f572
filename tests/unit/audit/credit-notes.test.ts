import { describe, expect, it } from "vitest";
import { resolveCreditNotes, type AuditInvoice } from "../../../src/audit/index.js";

function creditNote(key: string, creditsInvoice: string | null, total: string, lines: { childRef: string | null; amount: string }[] = [], providerId = "PR1"): AuditInvoice {
  return {
    key,
    receivedAt: "2026-11-10T09:00:00Z",
    providerId,
    invoiceNumber: `CN-${key}`,
    invoiceDate: "2026-11-10",
    kind: "credit_note",
    creditsInvoice,
    periodFrom: null,
    periodTo: null,
    subtotal: null,
    vat: null,
    total,
    lines: lines.map((l, i) => ({ lineNo: i + 1, childRef: l.childRef, placementRef: null, description: "Credit", item: "placement", from: null, to: null, quantity: null, unit: null, unitRate: null, amount: l.amount })),
  };
}

const invoices = [
  { key: "a", providerId: "PR1", invoiceNumber: "OAK-1", total: "4873.20" },
  { key: "b", providerId: "PR1", invoiceNumber: "OAK-2", total: "8122.00" },
  { key: "c", providerId: "PR2", invoiceNumber: "OAK-1", total: "100.00" },
];

describe("resolveCreditNotes (AUDIT.md 'Credit notes')", () => {
  it("a credit note for the whole total voids the invoice, whatever sign it prints", () => {
    for (const total of ["4873.20", "-4873.20"]) {
      const result = resolveCreditNotes([creditNote("n1", "OAK-1", total)], invoices);
      expect([...result.voidedInvoiceKeys]).toEqual(["a"]);
      expect(result.voidedBy.get("a")).toBe("n1");
      expect(result.partialCredits).toEqual([]);
    }
  });

  it("only an invoice of the credit note's own provider", () => {
    const result = resolveCreditNotes([creditNote("n1", "OAK-1", "100.00", [], "PR2")], invoices);
    expect([...result.voidedInvoiceKeys]).toEqual(["c"]);
  });

  it("a partial credit is recorded per line by child where lines print one", () => {
    const result = resolveCreditNotes(
      [creditNote("n1", "OAK-2", "-400.00", [{ childRef: "C1001", amount: "-250.00" }, { childRef: null, amount: "-150.00" }])],
      invoices,
    );
    expect(result.voidedInvoiceKeys.size).toBe(0);
    expect(result.partialCredits).toEqual([
      { invoiceKey: "b", childRef: "C1001", amount: "250.00", creditNoteKey: "n1" },
      { invoiceKey: "b", childRef: null, amount: "150.00", creditNoteKey: "n1" },
    ]);
  });

  it("a partial credit whose lines name no child is one whole amount", () => {
    const result = resolveCreditNotes([creditNote("n1", "OAK-2", "-122.00", [{ childRef: null, amount: "122.00" }])], invoices);
    expect(result.partialCredits).toEqual([{ invoiceKey: "b", childRef: null, amount: "122.00", creditNoteKey: "n1" }]);
  });

  it("a credit note naming no known invoice is reported", () => {
    const result = resolveCreditNotes([creditNote("n1", "OAK-9", "10.00"), creditNote("n2", null, "10.00")], invoices);
    expect(result.unmatchedCreditNotes).toEqual(["n1", "n2"]);
    expect(result.voidedInvoiceKeys.size).toBe(0);
    expect(result.partialCredits).toEqual([]);
  });

  it("when the number is on a duplicate, the later copy is voided", () => {
    const twice = [
      { key: "a1", providerId: "PR1", invoiceNumber: "OAK-1", total: "4061.00" },
      { key: "a2", providerId: "PR1", invoiceNumber: "OAK-1", total: "4061.00" },
    ];
    const result = resolveCreditNotes([creditNote("n1", "OAK-1", "4061.00")], twice);
    expect([...result.voidedInvoiceKeys]).toEqual(["a2"]);
    const both = resolveCreditNotes([creditNote("n1", "OAK-1", "4061.00"), creditNote("n2", "OAK-1", "4061.00")], twice);
    expect([...both.voidedInvoiceKeys].sort()).toEqual(["a1", "a2"]);
  });

  describe("several invoices with the number: by date (issue 21)", () => {
    const dated = (key: string, invoiceDate: string) => ({ key, providerId: "PR1", invoiceNumber: "OAK-1", total: "4061.00", invoiceDate });
    const noteOn = (key: string, date: string) => ({ ...creditNote(key, "OAK-1", "4061.00"), invoiceDate: date, receivedAt: `${date}T09:00:00Z` });

    it("the latest dated on or before the credit note, not a re-issue dated after it", () => {
      const result = resolveCreditNotes([noteOn("n1", "2026-11-08")], [dated("a", "2026-11-03"), dated("b", "2026-11-08"), dated("r", "2026-11-10")]);
      expect([...result.voidedInvoiceKeys]).toEqual(["b"]);
    });

    it("not one already voided: a second credit note voids the one before", () => {
      const result = resolveCreditNotes([noteOn("n2", "2026-11-09"), noteOn("n1", "2026-11-08")], [dated("a", "2026-11-03"), dated("b", "2026-11-05"), dated("r", "2026-11-10")]);
      // Taken in audit order: n1 voids b, then n2 voids a; the re-issue r stands.
      expect(result.voidedBy).toEqual(new Map([["b", "n1"], ["a", "n2"]]));
    });

    it("if none is dated on or before it, the earliest after it", () => {
      const result = resolveCreditNotes([noteOn("n1", "2026-11-01")], [dated("a", "2026-11-03"), dated("r", "2026-11-10")]);
      expect([...result.voidedInvoiceKeys]).toEqual(["a"]);
    });

    it("a partial credit goes to the same invoice", () => {
      const note = { ...creditNote("n1", "OAK-1", "100.00"), invoiceDate: "2026-11-08" };
      const result = resolveCreditNotes([note], [dated("a", "2026-11-03"), dated("r", "2026-11-10")]);
      expect(result.partialCredits).toEqual([{ invoiceKey: "a", childRef: null, amount: "100.00", creditNoteKey: "n1" }]);
    });
  });
});
