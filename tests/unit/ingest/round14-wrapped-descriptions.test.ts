import { describe, expect, it } from "vitest";
import { item, read } from "../../support/drawn-page.js";

/**
 * Round 14 of the reader (issue 16): what a description's printed lines hold that is not its
 * words, and which line a wrapped fragment of it belongs to. Drawn here another way than the
 * twelfth held-out set printed them (other words, references, columns and positions); the
 * expected values are what the drawn page prints.
 */

describe("a row under a description that prints only a period", () => {
  it("gives the line its period in brackets and nothing to its description", () => {
    const draft = read([
      item(40, 40, "Invoice No RM-4410"), item(40, 55, "Invoice Date 28/02/2027"),
      item(30, 100, "Client Ref"), item(90, 100, "Service"), item(250, 100, "W/C"), item(320, 100, "Qty"), item(380, 100, "Rate"), item(460, 100, "Amount"),
      item(30, 115, "K-7101"), item(90, 115, "Respite stays"), item(250, 115, "01/02/27"), item(320, 115, "7"), item(380, 115, "150.00"), item(460, 115, "1,050.00"),
      item(30, 127, "K-7102"), item(90, 127, "Escorted travel"), item(320, 127, "40"), item(380, 127, "0.45"), item(460, 127, "18.00"),
      item(90, 139, "[03/02/27 to 24/02/27]"),
      item(30, 151, "K-7103"), item(90, 151, "Sessional support"), item(320, 151, "6"), item(380, 151, "22.00"), item(460, 151, "132.00"),
      item(90, 163, "(08/02/27 - 19/02/27)"),
      item(380, 190, "Total"), item(460, 190, "1,200.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.description, l.from, l.to, l.amount?.toFixed(2)])).toEqual([
      ["K-7101", "Respite stays", "2027-02-01", "2027-02-07", "1050.00"],
      ["K-7102", "Escorted travel", "2027-02-03", "2027-02-24", "18.00"],
      ["K-7103", "Sessional support", "2027-02-08", "2027-02-19", "132.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });

  it("under a line that has its own period: the same one adds nothing, another is marked, never words", () => {
    const draft = read([
      item(40, 40, "Invoice No RM-4411"), item(40, 55, "Invoice Date 28/02/2027"),
      item(30, 100, "Client Ref"), item(90, 100, "Service"), item(250, 100, "Date"), item(320, 100, "Qty"), item(380, 100, "Rate"), item(460, 100, "Amount"),
      item(30, 115, "K-7101"), item(90, 115, "Respite stays"), item(250, 115, "01/02/27"), item(320, 115, "7"), item(380, 115, "150.00"), item(460, 115, "1,050.00"),
      item(90, 127, "(01/02/27 - 01/02/27)"),
      item(30, 139, "K-7102"), item(90, 139, "Escorted travel"), item(250, 139, "03/02/27"), item(320, 139, "40"), item(380, 139, "0.45"), item(460, 139, "18.00"),
      item(90, 151, "(03/02/27 - 24/02/27)"),
      item(380, 190, "Total"), item(460, 190, "1,068.00"),
    ]);
    expect(draft.lines.map((l) => [l.description, l.from, l.to])).toEqual([
      ["Respite stays", "2027-02-01", "2027-02-01"],
      ["Escorted travel", "2027-02-03", "2027-02-03"],
    ]);
    expect(draft.uncertain.map((u) => u.field)).toEqual(["line 2 period"]);
  });
});

describe("a subtotal naming a child after its label", () => {
  it("is that child's partial total, never the invoice's subtotal", () => {
    const draft = read([
      item(40, 40, "Invoice No AB-3301"), item(40, 55, "Invoice Date 31/01/2027"),
      item(30, 90, "Child: YP-310"),
      item(30, 105, "Description"), item(250, 105, "Nights"), item(320, 105, "Rate"), item(420, 105, "Amount"),
      item(30, 120, "Foster care - standard"), item(250, 120, "31"), item(320, 120, "40.00"), item(420, 120, "1,240.00"),
      item(30, 140, "Subtotal for YP-310 £1,240.00"),
      item(30, 170, "Child: YP-322"),
      item(30, 185, "Description"), item(250, 185, "Nights"), item(320, 185, "Rate"), item(420, 185, "Amount"),
      item(30, 200, "Foster care - enhanced"), item(250, 200, "31"), item(320, 200, "55.00"), item(420, 200, "1,705.00"),
      item(30, 220, "Total for child YP-322: £1,705.00"),
      item(30, 260, "Balance payable"), item(420, 260, "2,945.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.amount?.toFixed(2)])).toEqual([
      ["YP-310", "1240.00"],
      ["YP-322", "1705.00"],
    ]);
    expect(draft.subtotal).toBeNull();
    expect(draft.total?.toFixed(2)).toBe("2945.00");
    expect(draft.uncertain.map((u) => u.field)).not.toContain("subtotal");
  });
});

describe("a description's wrapped word set flush with the column's cells, far from its centred heading", () => {
  it("goes on with the description, not under the period heading nearer it", () => {
    const draft = read([
      item(40, 40, "Invoice No AB-3310"), item(40, 55, "Invoice Date 31/01/2027"),
      item(30, 80, "Child: YP-410"),
      item(60, 100, "Dates"), item(230, 100, "Service"), item(350, 100, "Nights"), item(400, 100, "Rate"), item(470, 100, "Amount"),
      item(40, 115, "01/01/2027"), item(130, 115, "Short break care with"), item(355, 115, "3"), item(400, 115, "210.00"), item(470, 115, "630.00"),
      item(130, 127, "overnight"),
      item(40, 145, "15/01/2027"), item(130, 145, "Short break care with"), item(355, 145, "2"), item(400, 145, "210.00"), item(470, 145, "420.00"),
      item(130, 157, "overnight"),
      item(400, 190, "Total"), item(470, 190, "1,050.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.description, l.from, l.amount?.toFixed(2)])).toEqual([
      ["YP-410", "Short break care with overnight", "2027-01-01", "630.00"],
      ["YP-410", "Short break care with overnight", "2027-01-15", "420.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });

  it("goes on with the description, not under the reference heading nearer it; a reference stays the reference's", () => {
    const draft = read([
      item(40, 40, "Invoice No AB-3311"), item(40, 55, "Invoice Date 31/01/2027"),
      item(30, 100, "Child"), item(80, 100, "PO"), item(230, 100, "Service"), item(350, 100, "Nights"), item(400, 100, "Rate"), item(470, 100, "Amount"),
      item(30, 115, "YP-410"), item(70, 115, "PO-5521"), item(130, 115, "Residential care -"), item(355, 115, "31"), item(400, 115, "300.00"), item(470, 115, "9,300.00"),
      item(130, 127, "solo"),
      item(30, 145, "YP-411"), item(70, 145, "PO-5522"), item(130, 145, "Residential care"), item(355, 145, "31"), item(400, 145, "280.00"), item(470, 145, "8,680.00"),
      item(400, 190, "Total"), item(470, 190, "17,980.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.description, l.amount?.toFixed(2)])).toEqual([
      ["YP-410", "PO-5521", "Residential care - solo", "9300.00"],
      ["YP-411", "PO-5522", "Residential care", "8680.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });
});

describe("a description wrapped around its middle-aligned row, in a table whose first line does not wrap", () => {
  it("takes the half above and the half below by which row they are nearer, and a line printed only as its figures", () => {
    const draft = read([
      item(40, 40, "Invoice No AB-3320"), item(40, 55, "Invoice Date 31/01/2027"),
      item(30, 100, "Child"), item(80, 100, "Order"), item(150, 100, "Service"), item(300, 100, "Days"), item(350, 100, "Rate"), item(450, 100, "Amount"),
      item(30, 118, "YP-501"), item(80, 118, "PO-8801"), item(150, 118, "Day care"), item(300, 118, "20"), item(350, 118, "90.00"), item(450, 118, "1,800.00"),
      item(150, 131, "Outreach support with"),
      item(30, 137, "YP-502"), item(80, 137, "PO-8802"), item(300, 137, "12"), item(350, 137, "60.00"), item(450, 137, "720.00"),
      item(150, 143, "transport"),
      item(30, 156, "YP-503"), item(80, 156, "PO-8803"), item(150, 156, "Day care"), item(300, 156, "20"), item(350, 156, "90.00"), item(450, 156, "1,800.00"),
      item(150, 169, "Early payment"),
      item(450, 175, "-86.40"),
      item(150, 181, "discount 2%"),
      item(350, 210, "Total"), item(450, 210, "4,233.60"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.description, l.amount?.toFixed(2)])).toEqual([
      ["YP-501", "PO-8801", "Day care", "1800.00"],
      ["YP-502", "PO-8802", "Outreach support with transport", "720.00"],
      ["YP-503", "PO-8803", "Day care", "1800.00"],
      [null, null, "Early payment discount 2%", "-86.40"],
    ]);
  });

  it("a wrapped line as near the line above as the row below stays with the line above", () => {
    const draft = read([
      item(40, 40, "Invoice No AB-3321"), item(40, 55, "Invoice Date 31/01/2027"),
      item(30, 100, "Child"), item(80, 100, "Order"), item(150, 100, "Service"), item(300, 100, "Days"), item(350, 100, "Rate"), item(450, 100, "Amount"),
      item(30, 118, "YP-501"), item(80, 118, "PO-8801"), item(150, 118, "Day care with"), item(300, 118, "20"), item(350, 118, "90.00"), item(450, 118, "1,800.00"),
      item(150, 130, "transport"),
      item(30, 142, "YP-502"), item(80, 142, "PO-8802"), item(300, 142, "12"), item(350, 142, "60.00"), item(450, 142, "720.00"),
      item(150, 154, "outreach"),
      item(350, 190, "Total"), item(450, 190, "2,520.00"),
    ]);
    expect(draft.lines[0]?.description).toBe("Day care with transport");
  });

  it("words nearer a row of figures printing no description, with none mirrored under it: the line above's description is marked", () => {
    const draft = read([
      item(40, 40, "Invoice No AB-3322"), item(40, 55, "Invoice Date 31/01/2027"),
      item(30, 100, "Child"), item(80, 100, "Order"), item(150, 100, "Service"), item(300, 100, "Days"), item(350, 100, "Rate"), item(450, 100, "Amount"),
      item(30, 118, "YP-501"), item(80, 118, "PO-8801"), item(150, 118, "Day care"), item(300, 118, "20"), item(350, 118, "90.00"), item(450, 118, "1,800.00"),
      item(150, 131, "Outreach support"),
      item(30, 137, "YP-502"), item(80, 137, "PO-8802"), item(300, 137, "12"), item(350, 137, "60.00"), item(450, 137, "720.00"),
      item(30, 156, "YP-503"), item(80, 156, "PO-8803"), item(150, 156, "Day care"), item(300, 156, "20"), item(350, 156, "90.00"), item(450, 156, "1,800.00"),
      item(350, 190, "Total"), item(450, 190, "4,320.00"),
    ]);
    expect(draft.uncertain.map((u) => u.field)).toContain("line 1 description");
  });
});
