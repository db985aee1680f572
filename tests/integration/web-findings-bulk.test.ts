import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import type { RunningServer } from "../../src/web/app.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { BULK, seedBulkFindings } from "./bulk-seed.js";
import { signedIn, startTestServer, type WebClient } from "./web-client.js";
import { NOW, seedReview, seedUsers, type Seeded } from "./web-seed.js";

/** Reviewing at scale over real HTTP: search, filtered totals, export, confirm all matching, refusals named. */
let t: TestDatabase;
let server: RunningServer;
let seeded: Seeded;
let finance: WebClient;
let commissioner: WebClient;

beforeAll(async () => {
  t = await openTestDatabase();
  seeded = await seedReview(t.db, t.dataDir);
  await seedBulkFindings(t.db, 30);
  await seedUsers(t.db);
  server = await startTestServer(t, { now: () => NOW });
  [finance, commissioner] = await Promise.all([signedIn(server.url, "finance"), signedIn(server.url, "commissioner")]);
});

afterAll(async () => {
  await server?.close();
  await t?.dispose();
});

function resultCount(html: string): string {
  return (/id="result-count">([\s\S]*?)<\/p>/.exec(html)?.[1] ?? "").replace(/<[^>]+>/g, "").replace(/\s+/g, " ").trim();
}

async function download(client: WebClient, path: string): Promise<{ status: number; type: string; bytes: Buffer }> {
  const response = await fetch(`${server.url}${path}`, { headers: { cookie: client.sessionCookie ?? "" } });
  return { status: response.status, type: response.headers.get("content-type") ?? "", bytes: Buffer.from(await response.arrayBuffer()) };
}

describe("the findings list at scale", () => {
  it("finds by invoice number, child's reference or provider, and totals what matches", async () => {
    // Seeded: 4 findings (£100.00 + £100.00 + £137.14 + £39.00 = £376.14) and 30 × £12.50 = £375.00.
    expect(resultCount((await commissioner.get("/findings")).text)).toBe("34 findings totalling £751.14");
    expect(resultCount((await commissioner.get("/findings?q=INV-1001")).text)).toBe("3 findings totalling £337.14");
    expect(resultCount((await commissioner.get("/findings?q=br-0002")).text)).toBe("10 findings totalling £125.00");
    expect(resultCount((await commissioner.get("/findings?q=C9011")).text)).toBe("1 finding totalling £12.50");
    expect(resultCount((await commissioner.get("/findings?q=brookside")).text)).toBe("30 findings totalling £375.00");
    // LIKE's wildcards are searched for as themselves.
    expect(resultCount((await commissioner.get("/findings?q=%25")).text)).toBe("0 findings totalling £0.00");
    const tooLong = await commissioner.get(`/findings?q=${"x".repeat(101)}`);
    expect(tooLong.text).toContain("Enter 100 characters or fewer to search for");
  });

  it("exports the filtered findings as CSV and XLSX with the CLI's columns, the id and a link; totals equal the page's", async () => {
    const csv = await download(commissioner, "/findings.csv?provider=P1");
    expect(csv.status).toBe(200);
    expect(csv.type).toContain("text/csv");
    const rows = parse<Record<string, string>>(csv.bytes.toString("utf8"), { columns: true });
    expect(Object.keys(rows[0] ?? {})).toEqual([
      "provider_id", "invoice_number", "child_ref", "rule", "category", "amount", "status", "explanation", "id", "invoice_date", "line", "recovered_amount", "outstanding", "link",
    ]);
    expect(rows.map((r) => r.amount).sort()).toEqual(["100.00", "100.00", "137.14"]);
    expect(rows.find((r) => r.id === seeded.findings.extraQuantity)?.link).toBe(`${server.url}/findings/${seeded.findings.extraQuantity}`);

    const xlsx = await download(commissioner, "/findings.xlsx?q=brookside");
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet("Findings");
    const amounts: number[] = [];
    sheet?.eachRow((row, n) => {
      if (n > 1) amounts.push(Number(row.getCell(6).value));
    });
    expect(amounts).toHaveLength(30);
    expect(amounts.reduce((a, b) => a + b, 0)).toBeCloseTo(375, 2);
  });

  it("neutralises formulas in exported text", async () => {
    await t.db.knex("findings").where({ id: seeded.findings.totalMismatch }).update({ explanation: "=HYPERLINK(\"http://x\")" });
    const csv = (await download(commissioner, `/findings.csv?q=INV-2001`)).bytes.toString("utf8");
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
  });

  it("names every finding refused in a mixed selection, and decides none of them", async () => {
    const [first, second] = await t.db.knex("findings").where({ provider_id: BULK.providerId }).orderBy("id").limit(2).pluck<string[]>("id");
    await t.db.knex("findings").whereIn("id", [String(first), String(second)]).update({ status: "dismissed", dismissed_reason: "test" });
    const ids = [seeded.findings.arithmetic, String(first), String(second)];
    const refused = await finance.post("/findings/decisions", { finding: ids, action: "confirm" });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain(`2 of the 3 selected findings cannot be confirmed, so none was: finding ${first} is dismissed, finding ${second} is dismissed`);
    expect((await t.db.knex("findings").where({ id: seeded.findings.arithmetic }).first<{ status: string }>("status"))?.status).toBe("open");
  });

  it("goes on to the next finding in the list after a decision, and links the previous and next", async () => {
    const list = "/findings?provider=P3&status=open";
    // Equal amounts: the list (amount, biggest first) orders them by id, latest first.
    const [a, b, c] = (await t.db.knex("findings").where({ provider_id: BULK.providerId, status: "open" }).orderBy("id", "desc").limit(3).pluck<string[]>("id")).map(String);
    const link = (id: string | undefined): string => `/findings/${id}?return_to=${encodeURIComponent(list)}`.replace(/&/g, "&amp;");
    const page = await finance.get(link(b).replace(/&amp;/g, "&"));
    expect(page.text).toContain(`href="${link(a)}" rel="prev"`);
    expect(page.text).toContain(`href="${link(c)}" rel="next"`);
    expect(page.text).toContain("Back to the findings");
    const done = await finance.post(`/findings/${b}/decisions`, { action: "confirm", return_to: list });
    expect(done.status).toBe(303);
    expect(done.location).toBe(`/findings/${c}?return_to=${encodeURIComponent(list)}`);
    const next = await finance.get(done.location ?? "");
    expect(next.text).toContain("Finding confirmed. The invoice is now awaiting review. This is the next finding in the list.");
    // The confirmed finding has left the list of open ones: the one before it is now the previous.
    expect(next.text).toContain(`href="${link(a)}" rel="prev"`);
    await finance.post(`/findings/${b}/decisions`, { action: "reopen" });
  });

  it("confirms every open finding matching the filter after showing how many and how much", async () => {
    const list = await finance.get("/findings?provider=P3");
    expect(list.text).toContain("Confirm all 28 open findings matching these filters (£350.00)");
    const page = await finance.get("/findings/confirm-all?provider=P3");
    expect(page.status).toBe(200);
    expect(page.text).toContain("28 open findings</span> totalling <span data-amount=\"350.00\">£350.00</span>");
    // The figures changed since the page was shown: nothing is confirmed.
    const stale = await finance.post("/findings/confirm-all?provider=P3", { expected_count: "29", expected_amount: "362.50" });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain("now 28 totalling £350.00, not 29 totalling £362.50");
    expect(Number((await t.db.knex("findings").where({ status: "confirmed" }).count<{ n: string }[]>({ n: "*" }))[0]?.n)).toBe(0);

    const confirmDecisions = async (): Promise<number> => Number((await t.db.knex("finding_decisions").where({ action: "confirm" }).count<{ n: string }[]>({ n: "*" }))[0]?.n);
    const confirmedBefore = await confirmDecisions();
    const done = await finance.post("/findings/confirm-all?provider=P3", { expected_count: "28", expected_amount: "350.00" });
    expect(done.status).toBe(303);
    expect(done.location).toBe("/findings?provider=P3");
    expect((await finance.get(done.location ?? "")).text).toContain("28 findings confirmed.");
    const statuses = await t.db.knex("findings").where({ provider_id: BULK.providerId }).pluck<string[]>("status");
    expect(statuses.filter((s) => s === "confirmed")).toHaveLength(28);
    expect(await confirmDecisions()).toBe(confirmedBefore + 28);
    // Nothing open is left to confirm: no link, and the page says so.
    expect((await finance.get("/findings?provider=P3")).text).not.toContain("confirm-all-link");
    expect((await finance.get("/findings/confirm-all?provider=P3")).text).toContain("No open findings match these filters.");
  });

  it("offers select-all only to those who decide", async () => {
    expect((await commissioner.get("/findings")).text).not.toContain("confirm-all-link");
    expect((await commissioner.get("/findings/confirm-all")).status).toBe(403);
  });
});
