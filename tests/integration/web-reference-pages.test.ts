import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/web/app.js";
import { importReference } from "../../src/services/reference/import-reference.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { signedIn, startTestServer, type WebClient } from "./web-client.js";
import { seedUsers } from "./web-seed.js";

/**
 * "See what was loaded" over real HTTP: samples/reference imported as an admin would, then the
 * read-only pages of each table, their search, who may see which, and escaping. Expected values
 * are read from samples/reference by eye (providers.csv, rates.xlsx, placements.csv, …).
 */
const SAMPLE_REFERENCE = path.resolve("samples/reference");
const HOSTILE = `<script>alert("ref")</script> Care`;

let t: TestDatabase;
let server: RunningServer;
let finance: WebClient;
let commissioner: WebClient;
let admin: WebClient;

beforeAll(async () => {
  t = await openTestDatabase();
  const files = fs.readdirSync(SAMPLE_REFERENCE).map((name) => ({ name, bytes: fs.readFileSync(path.join(SAMPLE_REFERENCE, name)) }));
  const report = await importReference(t.db, files, { authorityId: 1 });
  expect(report.outcome).toBe("applied");
  await t.db.knex("providers").insert({ provider_id: "EVIL", name: HOSTILE, kind: "other", aliases: [`<img src=x onerror="alert(1)">`] });
  await seedUsers(t.db);
  server = await startTestServer(t);
  [finance, commissioner, admin] = await Promise.all([signedIn(server.url, "finance"), signedIn(server.url, "commissioner"), signedIn(server.url, "admin")]);
  // Another authority's provider must never show (added once signing in has fixed the
  // deployment's authority: a deployment of one authority refuses to start with two).
  await t.db.knex("authorities").insert({ id: 2, code: "elsewhere", name: "Another council" });
  await t.db.knex("providers").insert({ authority_id: 2, provider_id: "BRF", name: "Elsewhere Fostering", kind: "ifa" });
});

afterAll(async () => {
  await server?.close();
  await t?.dispose();
});

/** The page's text, tags stripped and spaces collapsed (entities left as sent). */
const textOf = (html: string): string => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

describe("reference data pages", () => {
  it("providers: every provider of the authority with its aliases, searchable by name, id or alias", async () => {
    const page = await commissioner.get("/reference/providers");
    expect(page.status).toBe(200);
    const text = textOf(page.text);
    for (const name of ["Brightfield Fostering Ltd", "Oakleaf Family Placements CIC", "Hillcrest Children&#39;s Homes Ltd", "Cedar House Care Ltd"]) expect(text).toContain(name);
    expect(text).toContain("Brightfield Foster Care");
    expect(text).toContain("BFC Fostering");
    expect(text).toContain("GB284619307");
    expect(text).not.toContain("Elsewhere Fostering");
    expect(page.text).toContain(`href="/reference/providers" aria-current="page"`);

    const byAlias = textOf((await finance.get("/reference/providers?q=bfc")).text);
    expect(byAlias).toContain("Brightfield Fostering Ltd");
    expect(byAlias).not.toContain("Oakleaf");
    expect(byAlias).toContain("1 row matching “bfc”");
    // LIKE's wildcards are taken literally: "%" matches nothing here.
    expect(textOf((await finance.get("/reference/providers?q=%25")).text)).toContain("Nothing matches “%”");
  });

  it("providers: the reading templates this deployment uses for each provider are listed", async () => {
    const dir = path.join(t.dataDir, "templates");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "hillcrest-statement.json"), JSON.stringify({ provider_id: "HIL", keywords: ["Statement"] }));
    try {
      const page = await admin.get("/reference/providers?q=hillcrest");
      expect(page.status).toBe(200);
      expect(textOf(page.text)).toContain("hillcrest-statement.json");
      expect(textOf((await admin.get("/reference/providers?q=oakleaf")).text)).toContain("None (read by the generic reader)");
      // A broken template file is said on the page; the providers are still listed.
      fs.writeFileSync(path.join(dir, "broken.json"), "{ not json");
      const broken = textOf((await admin.get("/reference/providers")).text);
      expect(broken).toContain("The reading templates could not be listed: Provider template broken.json: (file): is not valid JSON");
      expect(broken).not.toContain(t.dataDir);
      expect(broken).toContain("Brightfield Fostering Ltd");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("contracts: each with its rates over time, money with £ and separators right-aligned, dates as 1 Apr 2026", async () => {
    const page = await commissioner.get("/reference/contracts?q=CON-HIL");
    expect(page.status).toBe(200);
    const text = textOf(page.text);
    expect(text).toContain("CON-HIL-25: Residential Children&#39;s Homes Spot Purchase 2025");
    expect(text).not.toContain("CON-BRF-24");
    expect(page.text).toMatch(/govuk-table__cell--numeric">£5,250\.00</);
    expect(text).toContain("1 Apr 2025");
    expect(text).toContain("31 Mar 2026");

    const brf = await admin.get("/reference/contracts?q=brightfield");
    const brfText = textOf(brf.text);
    expect(brfText).toContain("CON-BRF-24");
    // rates.xlsx: standard £875.00 to 31 Mar 2026 then £903.00; transport £0.45 a mile.
    expect(brf.text).toMatch(/govuk-table__cell--numeric">£875\.00</);
    expect(brf.text).toMatch(/govuk-table__cell--numeric">£903\.00</);
    expect(brf.text).toMatch(/govuk-table__cell--numeric">£0\.45</);
    expect(brfText).toContain("80%, for at most 14 nights");
  });

  it("placements: fees, packages and absences with each placement, children by reference only, searchable", async () => {
    const page = await finance.get("/reference/placements?q=PL-4003");
    expect(page.status).toBe(200);
    const text = textOf(page.text);
    expect(text).toContain("PL-4003: child C3003");
    expect(text).toContain("16 Mar 2026");
    expect(page.text).toContain("£6,900.00");
    // placement_fees.csv: £7,140.00 from 1 Apr 2026, £7,350.00 from 1 Nov 2026.
    expect(page.text).toMatch(/govuk-table__cell--numeric">£7,140\.00</);
    expect(page.text).toMatch(/govuk-table__cell--numeric">£7,350\.00</);
    expect(text).toContain("1 Nov 2026");
    expect(text).not.toContain("PL-4001");

    const byChild = textOf((await admin.get("/reference/placements?q=C3002")).text);
    expect(byChild).toContain("PL-4002: child C3002");
    expect(byChild).toContain("therapy_session");
    expect(byChild).toContain("£95.00");

    const absence = textOf((await admin.get("/reference/placements?q=PL-4005")).text);
    expect(absence).toContain("10 Oct 2026 12 Oct 2026 missing");

    const all = textOf((await admin.get("/reference/placements")).text);
    expect(all).toContain("PL-2001: child C1001");
    expect(all).toContain("PL-6003");
  });

  it("discounts: every discount, searchable by kind or description", async () => {
    const page = await admin.get("/reference/discounts");
    expect(page.status).toBe(200);
    const text = textOf(page.text);
    for (const id of ["D-BRF-SIB", "D-OAK-LOS", "D-HIL-VOL3", "D-HIL-VOL5"]) expect(text).toContain(id);
    const volume = textOf((await finance.get("/reference/discounts?q=volume")).text);
    expect(volume).toContain("D-HIL-VOL3");
    expect(volume).toContain("D-HIL-VOL5");
    expect(volume).not.toContain("D-BRF-SIB");
    expect(volume).toContain("2 rows matching “volume”");
    expect(volume).toMatch(/D-HIL-VOL5 .* 4% 5 1 Apr 2026 to no end date/);
  });

  it("refuses commissioners placements and discounts, and lists only what the role may open", async () => {
    expect((await commissioner.get("/reference/placements")).status).toBe(403);
    expect((await commissioner.get("/reference/discounts")).status).toBe(403);
    const page = await commissioner.get("/reference/contracts");
    expect(page.text).not.toContain(`href="/reference/placements"`);
    expect((await finance.get("/reference/contracts")).text).toContain(`href="/reference/placements"`);
    expect((await admin.get("/")).text).toContain(`href="/reference/providers"`);
  });

  it("escapes what was loaded and what was searched for", async () => {
    const page = await admin.get(`/reference/providers?q=${encodeURIComponent(`<script>`)}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(`<script>alert`);
    expect(page.text).not.toContain(`<img src=x`);
    expect(page.text).toContain("&lt;script&gt;alert(&quot;ref&quot;)&lt;/script&gt; Care");
    expect(page.text).toContain(`value="&lt;script&gt;"`);
  });
});
