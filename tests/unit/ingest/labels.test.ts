import { describe, expect, it } from "vitest";
import { columnFieldOf, isCarryRow, labelRank, matchHeaderLabel, totalsFieldOf, unitFromHeading } from "../../../src/ingest/text/labels.js";

describe("DATA.md header labels, with trailing colons, # and No.", () => {
  it.each([
    ["Invoice No: INV-1", "invoiceNumber"], ["Invoice No. INV-1", "invoiceNumber"], ["INVOICE NUMBER INV-1", "invoiceNumber"], ["Invoice # INV-1", "invoiceNumber"],
    ["Invoice#: INV-1", "invoiceNumber"], ["Inv No INV-1", "invoiceNumber"], ["Invoice Ref: INV-1", "invoiceNumber"], ["Credit Note No: CN-1", "invoiceNumber"],
    ["Invoice Date: 1 Oct 2026", "invoiceDate"], ["Date: 1 Oct 2026", "invoiceDate"], ["Tax Point 1 Oct 2026", "invoiceDate"], ["Date of Issue: 1 Oct 2026", "invoiceDate"],
    ["Period: October 2026", "period"], ["Billing Period: October 2026", "period"], ["Period Covered: October 2026", "period"],
    ["Credit for Invoice: OFP-1", "creditsInvoice"], ["Original Invoice: OFP-1", "creditsInvoice"], ["Against Invoice OFP-1", "creditsInvoice"],
    ["Re Invoice OFP-1", "creditsInvoice"], ["Invoice Credited: OFP-1", "creditsInvoice"],
    ["VAT Reg No: GB1", "vatNumber"], ["VAT Registration Number GB1", "vatNumber"], ["VAT No. GB1", "vatNumber"],
    ["Subtotal £1", "subtotal"], ["Sub-total £1", "subtotal"], ["Net Total £1", "subtotal"], ["Total Net £1", "subtotal"],
    ["VAT £1", "vat"], ["VAT @ 20% £1", "vat"], ["Tax £1", "vat"],
    ["Total £1", "total"], ["Total Due £1", "total"], ["Amount Due: £1", "total"], ["Balance Due £1", "total"], ["Invoice Total £1", "total"],
  ])("%s → %s", (text, field) => {
    expect(matchHeaderLabel(text)?.field).toBe(field);
  });

  it("the longest label wins, and a label must end at a word edge", () => {
    expect(matchHeaderLabel("Invoice Date: 01/10/2026")).toMatchObject({ field: "invoiceDate", rest: "01/10/2026" });
    expect(matchHeaderLabel("Due Date: 01/10/2026")).toBeNull();
    expect(matchHeaderLabel("Taxation advice")).toBeNull();
    expect(matchHeaderLabel("Original Invoice No: OFP-1")).toMatchObject({ field: "creditsInvoice", rest: "OFP-1" });
  });
});

describe("other words providers use", () => {
  it.each([
    ["Client", "child"], ["Service User", "child"], ["Resident", "child"], ["Order No", "placement"], ["Your Ref", "placement"], ["PO #", "placement"],
    ["Period of Service", "period"], ["Service Dates", "period"], ["Gross", "amount"],
  ])("heading %s → %s", (text, field) => {
    expect(columnFieldOf(text)).toBe(field);
  });

  it("a statement's number names the invoice, more weakly than an invoice number label", () => {
    expect(matchHeaderLabel("Statement No: ST-1")).toMatchObject({ field: "invoiceNumber", rest: "ST-1" });
    expect(labelRank("invoiceNumber", "Statement No")).toBeGreaterThan(labelRank("invoiceNumber", "Invoice No"));
  });
});

describe("DATA.md column headings", () => {
  it.each([
    ["Child Ref", "child"], ["Child ID", "child"], ["Child", "child"], ["Young Person", "child"], ["YP Ref", "child"], ["Client Ref", "child"], ["LA Ref", "child"],
    ["Placement Ref", "placement"], ["Placement ID", "placement"], ["PO", "placement"], ["PO Number", "placement"], ["Purchase Order", "placement"], ["P.O. Number", "placement"],
    ["Description", "description"], ["Service", "description"], ["Details", "description"], ["Item", "description"],
    ["From", "from"], ["Start", "from"], ["Period From", "from"], ["Date From", "from"],
    ["To", "to"], ["End", "to"], ["Period To", "to"], ["Date To", "to"],
    ["Qty", "quantity"], ["Quantity", "quantity"], ["Nights", "quantity"], ["Days", "quantity"], ["Weeks", "quantity"], ["Hours", "quantity"], ["Units", "quantity"], ["No. of nights", "quantity"],
    ["Unit", "unit"], ["UoM", "unit"], ["Per", "unit"],
    ["Rate", "rate"], ["Unit Price", "rate"], ["Unit Rate", "rate"], ["Weekly Rate", "rate"], ["Nightly Rate", "rate"], ["Price", "rate"], ["Fee", "rate"], ["Rate (£)", "rate"],
    ["Amount", "amount"], ["Line Total", "amount"], ["Total", "amount"], ["Net", "amount"], ["Value", "amount"], ["Cost", "amount"], ["Amount (£):", "amount"],
  ])("%s → %s", (heading, field) => {
    expect(columnFieldOf(heading)).toBe(field);
  });

  it("units implied by quantity and rate headings", () => {
    expect(unitFromHeading("Nights")).toBe("night");
    expect(unitFromHeading("No. of nights")).toBe("night");
    expect(unitFromHeading("Weeks")).toBe("week");
    expect(unitFromHeading("Weekly Rate")).toBe("week");
    expect(unitFromHeading("Hours")).toBe("hour");
    expect(unitFromHeading("Miles")).toBe("mile");
    expect(unitFromHeading("Qty")).toBeNull();
  });

  it("totals rows and carried-forward rows", () => {
    expect(totalsFieldOf("VAT @ 20%")).toBe("vat");
    expect(totalsFieldOf("Total Due:")).toBe("total");
    expect(totalsFieldOf("Sub-total")).toBe("subtotal");
    expect(totalsFieldOf("Total care package")).toBeNull();
    for (const text of ["Carried forward", "Brought forward", "c/f", "b/f", "Continued", "Continued overleaf", "Balance b/f", "(continued)"]) {
      expect(isCarryRow(text), text).toBe(true);
    }
    expect(isCarryRow("Continued placement from September")).toBe(false);
  });
});
