import { describe, expect, it } from "vitest";
import { compareForAudit, sortForAudit } from "../../../src/audit/index.js";

describe("audit order: invoice date, time received, invoice number", () => {
  it("sorts by date first, then time received, then number", () => {
    const invoices = [
      { key: "1", invoiceDate: "2026-11-03", receivedAt: "2026-11-03T09:00:00Z", invoiceNumber: "B" },
      { key: "2", invoiceDate: "2026-11-01", receivedAt: "2026-11-05T09:00:00Z", invoiceNumber: "Z" },
      { key: "3", invoiceDate: "2026-11-03", receivedAt: "2026-11-03T08:00:00Z", invoiceNumber: "C" },
      { key: "4", invoiceDate: "2026-11-03", receivedAt: "2026-11-03T09:00:00Z", invoiceNumber: "A" },
    ];
    expect(sortForAudit(invoices).map((i) => i.key)).toEqual(["2", "3", "4", "1"]);
  });

  it("compares times received as instants, whatever their offset", () => {
    const a = { invoiceDate: "2026-11-03", receivedAt: "2026-11-03T10:30:00+01:00", invoiceNumber: "B" };
    const b = { invoiceDate: "2026-11-03", receivedAt: "2026-11-03T10:00:00Z", invoiceNumber: "A" };
    expect(compareForAudit(a, b)).toBeLessThan(0);
  });

  it("does not change the list it is given", () => {
    const invoices = [
      { invoiceDate: "2026-11-03", receivedAt: "x", invoiceNumber: "B" },
      { invoiceDate: "2026-11-01", receivedAt: "x", invoiceNumber: "A" },
    ];
    sortForAudit(invoices);
    expect(invoices[0]?.invoiceNumber).toBe("B");
  });
});
