import fs from "node:fs";
import path from "node:path";
import nunjucks from "nunjucks";
import { afterAll, describe, expect, it } from "vitest";
import { annualise, rollUp, type FigureRow } from "../../../src/reports/figures.js";
import { savingsParams } from "../../../src/reports/params.js";
import { evidenceNightRanges, nightRangesText, queryPackView, type QueryPack, type QueryPackLine } from "../../../src/reports/query-pack.js";
import { REPORT_VIEWS_DIR, renderQueryPackPage } from "../../../src/reports/render.js";
import { savingsPageView } from "../../../src/reports/savings.view.js";
import { tempDir } from "../../support/temp-dir.js";
import { ruleLabel } from "../../../rules/catalogue.js";

// The web UI's layout.njk is stood in for by a minimal one with the same block.
const layoutDir = tempDir("layout");
fs.writeFileSync(path.join(layoutDir, "layout.njk"), "<html><head><title>{% if errors and (errors | length) %}Error: {% endif %}{{ pageTitle }}</title></head><body>{% block content %}{% endblock %}</body></html>");
const env = new nunjucks.Environment(new nunjucks.FileSystemLoader([REPORT_VIEWS_DIR, layoutDir]), { autoescape: true });
afterAll(() => fs.rmSync(layoutDir, { recursive: true, force: true }));

function row(partial: Partial<FigureRow> & Pick<FigureRow, "month" | "category" | "rule" | "providerId" | "providerName">): FigureRow {
  return { identified: "0", realised: "0", atRisk: "0", dismissed: "0", identifiedCount: 0, recoveredCount: 0, atRiskCount: 0, dismissedCount: 0, ...partial };
}

const rows = [
  row({ month: "2026-08", providerId: "P1", providerName: "Oakfield Fostering", category: "fees", rule: "discount-not-applied", identified: "80.00", realised: "50.00", identifiedCount: 1, recoveredCount: 1 }),
  row({ month: "2026-10", providerId: "P2", providerName: "<script>alert(1)</script>", category: "errors", rule: "vat-overcharge", identified: "812.20", identifiedCount: 1 }),
  row({ month: "2026-10", providerId: "P2", providerName: "<script>alert(1)</script>", category: "query", rule: "unmatched-line", atRisk: "250.00", atRiskCount: 1 }),
];
const figures = rollUp({
  period: { from: "2026-08", to: "2026-10" },
  providerId: null,
  rows,
  yearToDate: { from: "2026-04", to: "2026-10" },
  yearToDateRows: rows,
  annualised: annualise({ from: "2025-11", to: "2026-10" }, 8, "892.20", "50.00"),
});
const providers = [{ providerId: "P1", name: "Oakfield Fostering" }, { providerId: "P2", name: "<script>alert(1)</script>" }];

describe("savings.njk", () => {
  it("renders the headline figures, both charts, the tables and query pack links", () => {
    const view = savingsPageView(figures, { providers, generatedOn: "2026-11-15" });
    const html = env.render("savings.njk", view);
    expect(html).toContain("<title>Savings</title>");
    expect(html).toContain("Savings: Aug 2026 to Oct 2026");
    expect(html).toMatch(/id="headline-identified">[\s\S]*?£892\.20[\s\S]*?£892\.20[\s\S]*?£1,338\.30/); // 892.20 × 12 / 8
    expect(html).toMatch(/id="headline-realised">[\s\S]*?£50\.00/);
    expect(html).toMatch(/id="headline-at-risk">[\s\S]*?£250\.00/);
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(html).toContain('aria-labelledby="chart-savings-by-month-title chart-savings-by-month-desc"');
    expect(html).toContain('aria-labelledby="chart-savings-by-provider-title chart-savings-by-provider-desc"');
    expect(html).toContain('href="/reports/savings.xlsx?from=2026-08&amp;to=2026-10"');
    expect(html).toContain('href="/reports/query-pack/P1"');
    expect(html).toContain('href="/reports/query-pack/P2.xlsx"');
    // Only providers with something still owed are offered a query pack.
    const onlyP1 = env.render("savings.njk", savingsPageView(figures, { providers, generatedOn: "2026-11-15", queryable: new Set(["P1"]) }));
    expect(onlyP1).toContain('href="/reports/query-pack/P1"');
    expect(onlyP1).not.toContain("/reports/query-pack/P2");
    expect(onlyP1).toContain("Nothing to query");
    expect(html).toContain("Needs a person: money at risk, not yet a saving: £250.00 at risk in 1 finding");
    expect(html).toContain(ruleLabel("vat-overcharge"));
    // Outside text is escaped everywhere, in the page and inside the SVG.
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("shows form errors with links to the fields", () => {
    const params = savingsParams({ from: "2026-13", to: "2026-10", provider: "NOPE" }, { now: new Date("2026-11-15T10:00:00Z"), providerIds: new Set(["P1", "P2"]) });
    expect(params.period).toEqual({ from: "2026-04", to: "2026-10" });
    expect(params.providerId).toBeNull();
    const view = savingsPageView(figures, { providers, generatedOn: "2026-11-15", errors: params.errors, input: params.input });
    const html = env.render("savings.njk", view);
    expect(html).toContain("<title>Error: Savings</title>");
    expect(html).toContain('<a href="#from">Enter the first month as year and month, like 2026-04</a>');
    expect(html).toContain('<a href="#provider">Choose a provider from the list</a>');
    expect(html).toContain('id="from" name="from" type="text" value="2026-13"');
    expect(html).toContain("govuk-input--error");
  });
});

describe("savingsParams", () => {
  const now = new Date("2026-11-15T10:00:00Z");
  it("defaults blanks and keeps a valid provider", () => {
    expect(savingsParams({}, { now })).toMatchObject({ period: { from: "2026-04", to: "2026-10" }, providerId: null, errors: [] });
    expect(savingsParams({ from: "2026-08", to: "2026-09", provider: "P1" }, { now, providerIds: new Set(["P1"]) })).toMatchObject({
      period: { from: "2026-08", to: "2026-09" }, providerId: "P1", errors: [],
    });
  });
  it("reports a period back to front", () => {
    const params = savingsParams({ from: "2026-10", to: "2026-08" }, { now });
    expect(params.errors.map((e) => e.field)).toEqual(["from"]);
    expect(params.period).toEqual({ from: "2026-04", to: "2026-10" });
  });
});

describe("query-pack.njk", () => {
  const line: QueryPackLine = {
    findingId: "1", invoiceNumber: "OF-1001", invoiceDate: "2026-08-15", lineNo: 1, childRef: "C1001", service: "Fostering <standard>", rule: "rate-above-agreed",
    nights: 31, nightRanges: [{ from: "2026-08-01", to: "2026-08-31", nights: 31 }], charged: "4185.00", expected: "4061.00", queried: "124.00", recovered: "0.00", outstanding: "124.00",
  };
  const pack: QueryPack = {
    council: { name: "Kestrel Vale & District Council", addressLines: ["1 High Street", "Kestrel Vale KV1 1AA"], contactName: null, contactEmail: "invoices@kestrel.example", contactPhone: null },
    provider: { providerId: "P1", name: "Oakfield & Sons" },
    reference: "Q-20261115-ABC123",
    generatedOn: "2026-11-15",
    replyBy: "2026-12-13",
    invoiceCount: 1,
    queried: "124.00",
    recovered: "0.00",
    total: "124.00",
    lines: [line],
    sections: [{ rule: "rate-above-agreed", title: "Fees above the agreed fee", explanation: "The fee charged…", lines: [line], outstanding: "124.00" }],
  };

  it("renders a standalone printable page", () => {
    const html = renderQueryPackPage(pack);
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain("<title>Invoice query from Kestrel Vale &amp; District Council to Oakfield &amp; Sons</title>");
    expect(html).toContain("size: A4");
    expect(html).toContain('<th scope="col" class="num">Still owed</th>');
    expect(html).toContain("<td>31: 1 Aug 2026 to 31 Aug 2026</td>");
    expect(html).toContain('<td class="num">£4,185.00</td>');
    expect(html).toContain('<td class="num">£4,061.00</td>');
    expect(html).toContain("<td>Fostering &lt;standard&gt;</td>");
    expect(html).toContain("1 item on 1 invoice");
    expect(html).toContain("13 Dec 2026");
  });

  it("reads nights from evidence defensively", () => {
    expect(evidenceNightRanges({ ranges: [{ from: "2026-10-01", to: "2026-10-31", nights: 31 }] })).toEqual([{ from: "2026-10-01", to: "2026-10-31", nights: 31 }]);
    expect(evidenceNightRanges('{"ranges":[{"from":"2026-10-03","to":"2026-10-04"}]}')).toEqual([{ from: "2026-10-03", to: "2026-10-04", nights: 2 }]);
    expect(evidenceNightRanges({ ranges: [{ from: "2026-02-30", to: "2026-03-01" }, { from: "2026-10-05", to: "2026-10-01" }, null, 3] })).toEqual([]);
    expect(evidenceNightRanges({})).toEqual([]);
    expect(evidenceNightRanges(null)).toEqual([]);
    expect(evidenceNightRanges("not json")).toEqual([]);
    expect(nightRangesText([{ from: "2026-10-05", to: "2026-10-05", nights: 1 }, { from: "2026-10-07", to: "2026-10-08", nights: 2 }])).toBe("5 Oct 2026; 7 Oct 2026 to 8 Oct 2026");
    expect(queryPackView({ ...pack, sections: [{ ...pack.sections[0]!, lines: [{ ...line, nights: null, nightRanges: [] }] }] }).sections[0]?.lines[0]).toMatchObject({ nights: "", nightDates: "" });
  });
});
