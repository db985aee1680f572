import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/web/app.js";
import { UPLOAD_LIMITS } from "../../src/web/body.js";
import { NO_PORTS, type ServicePorts, type UploadedFile } from "../../src/web/service-ports.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { CATALOGUE, checksText, ruleLabel, stageText } from "../../rules/catalogue.js";
import { categoryLabel } from "../../src/web/format.js";
import { signedIn, startTestServer, WebClient } from "./web-client.js";
import { subjectOf } from "../../src/services/users/sign-in-throttle.js";
import { FILE_BYTES, NOW, SCRIPT_NAME, seedReview, seedUsers, type Seeded } from "./web-seed.js";

/** The pages and the JSON API over real HTTP: what they show, and how they treat hostile input. */
let t: TestDatabase;
let server: RunningServer;
let seeded: Seeded;
let finance: WebClient;
let commissioner: WebClient;
let admin: WebClient;
/** What the upload ports received (the real services are exercised by their own tests). */
const received: { kind: string; files: string[] }[] = [];

const recordingPorts: ServicePorts = {
  ...NO_PORTS,
  ingestInvoices: (files: UploadedFile[]) => {
    received.push({ kind: "invoices", files: files.map((f) => `${f.name}:${Buffer.from(f.bytes).toString("utf8")}`) });
    return Promise.resolve({ ok: false, summary: [{ label: "Stored", value: "1" }], problems: [`b.csv: the provider <i>Acme</i> is not known`] });
  },
};

beforeAll(async () => {
  t = await openTestDatabase();
  seeded = await seedReview(t.db, t.dataDir);
  await seedUsers(t.db);
  server = await startTestServer(t, { now: () => NOW, ports: recordingPorts });
  [finance, commissioner, admin] = await Promise.all([signedIn(server.url, "finance"), signedIn(server.url, "commissioner"), signedIn(server.url, "admin")]);
});

afterAll(async () => {
  await server?.close();
  await t?.dispose();
});

/** The text of an element with the given id, tags stripped and spaces collapsed. */
function textOf(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  if (start === -1) return "";
  const open = html.lastIndexOf("<", start);
  const tag = /^<(\w+)/.exec(html.slice(open))?.[1] ?? "div";
  const end = html.indexOf(`</${tag}>`, start);
  return html.slice(html.indexOf(">", start) + 1, end).replace(/<[^>]+>/g, " ").replace(/&amp;/g, "&").replace(/\s+/g, " ").trim();
}

describe("pages", () => {
  it("dashboard: this month's invoices and the money flagged, by category and status", async () => {
    const page = await commissioner.get("/");
    expect(page.status).toBe(200);
    expect(page.text).toContain("November 2026");
    // 4 invoices received in November 2026; 3 audited; 2 with findings; 1 file needing attention; 4 open findings.
    expect(textOf(page.text, "stat-received")).toBe("4");
    expect(textOf(page.text, "stat-audited")).toBe("3");
    expect(textOf(page.text, "stat-with-findings")).toBe("2");
    expect(textOf(page.text, "stat-needs-attention")).toBe("1");
    expect(textOf(page.text, "stat-open-findings")).toBe("4");
    // errors: £100.00 arithmetic + £39.00 total mismatch; fees: £100.00 + £137.14.
    const table = textOf(page.text, "money-by-category");
    expect(table).toContain("Fees and discounts £237.14 £0.00 £0.00 £237.14 £0.00 £0.00");
    expect(table).toContain("Invoice errors £139.00 £0.00 £0.00 £139.00 £0.00 £0.00");
    expect(table).toContain("Total £376.14 £0.00 £0.00 £376.14 £0.00 £0.00");
    const october = await commissioner.get("/?month=2026-10");
    expect(textOf(october.text, "stat-received")).toBe("0");
  });

  it("invoices: money right-aligned with £ and separators, dates as 1 Oct 2026, filters and whitelisted sorting", async () => {
    const page = await commissioner.get("/invoices?sort=total&dir=desc");
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/govuk-table__cell--numeric">£5,461\.00</);
    expect(page.text).toContain("31 Oct 2026");
    const order = [...page.text.matchAll(/href="\/invoices\/\d+">(INV-\d+)/g)].map((m) => m[1]);
    expect(order).toEqual(["INV-1001", "INV-2001", "INV-1002", "INV-2002"]);
    const filtered = await commissioner.get("/invoices?provider=P1&has_findings=yes&month=2026-10");
    expect([...filtered.text.matchAll(/href="\/invoices\/\d+">(INV-\d+)/g)].map((m) => m[1])).toEqual(["INV-1001"]);
    const clean = await commissioner.get("/invoices?has_findings=no&status=cleared");
    expect([...clean.text.matchAll(/href="\/invoices\/\d+">(INV-\d+)/g)].map((m) => m[1])).toEqual(["INV-1002"]);
  });

  it("an invoice: header, lines with their findings inline, charged against expected with the explanation", async () => {
    const page = await finance.get(`/invoices/${seeded.invoices.flagged}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("Invoice INV-1001");
    expect(page.text).toContain("1 Oct 2026 to 31 Oct 2026");
    expect(page.text).toContain("£4,161.00");
    expect(page.text).toContain("Charged £4,161.00, expected £4,061.00");
    expect(page.text).toContain("31 nights × £131.00 = £4,061.00, but the line says £4,161.00: £100.00 too much.");
    expect(page.text).toContain(ruleLabel("extra-quantity-above-agreed"));
    expect(page.text).toContain(`href="/invoices/${seeded.invoices.flagged}/file"`);
    // A finance officer can confirm from the invoice; a commissioner sees no decision form.
    expect(page.text).toContain(`action="/findings/${seeded.findings.arithmetic}/decisions"`);
    const read = await commissioner.get(`/invoices/${seeded.invoices.flagged}`);
    expect(read.text).not.toContain("/decisions\"");
  });

  it("downloads the original file as an attachment that the browser cannot render", async () => {
    const response = await commissioner.get(`/invoices/${seeded.invoices.flagged}/file`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/octet-stream");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="?INV-1001\.pdf"?$/);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.text).toBe(FILE_BYTES.toString("utf8"));
    // A stored path that leads outside DATA_DIR is never served.
    expect((await commissioner.get(`/invoices/${seeded.outsideInvoice}/file`)).status).toBe(404);
    expect((await commissioner.get("/invoices/999999/file")).status).toBe(404);
  });

  it("renders hostile text inert: a provider called <script>, markup in descriptions and explanations", async () => {
    for (const path of ["/invoices", `/invoices/${seeded.invoices.script}`, "/findings", `/findings/${seeded.findings.totalMismatch}`, "/needs-attention"]) {
      const page = await finance.get(path);
      expect(page.status, path).toBe(200);
      expect(page.text, path).not.toContain("<script>document.title");
      expect(page.text, path).not.toContain('<img src=x onerror="alert(1)">');
      expect(page.text, path).not.toContain('<script>alert("x")</script>');
      expect(page.text, path).not.toContain("<b>Care</b>");
    }
    const invoices = await finance.get("/invoices");
    expect(invoices.text).toContain("&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt; Homes");
    const invoice = await finance.get(`/invoices/${seeded.invoices.script}`);
    expect(invoice.text).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; Residential care");
    const api = await finance.get(`/api/invoices/${seeded.invoices.script}`);
    expect(api.headers.get("content-type")).toMatch(/^application\/json/);
    expect(api.json<{ providerName: string }>().providerName).toBe(SCRIPT_NAME);
  });

  it("treats SQL in filters and sort parameters as plain values", async () => {
    const attempts = [
      "/invoices?sort=invoice_date;drop table invoices--&dir=asc;delete from users",
      "/invoices?provider=' OR '1'='1&month=2026-10' OR '1'='1",
      "/invoices?sort=(select pg_sleep(5))&status=cleared' --",
      "/findings?rule=x' OR 1=1 --&sort=amount desc, (select 1)&min_amount=1;drop table findings",
      "/findings?provider=P1' UNION SELECT username, password_hash FROM users --",
      "/audit-log?entity=finding' or 1=1--&entity_id=1 or 1=1",
    ];
    for (const path of attempts) {
      const response = await finance.get(path.replace(/ /g, "%20").replace(/'/g, "%27"));
      expect(response.status, path).toBe(200);
      expect(response.text, path).not.toMatch(/scrypt\$/);
    }
    const injected = await finance.get("/invoices?provider=%27%20OR%20%271%27%3D%271");
    expect(injected.text).toContain("0 invoices");
    const badAmount = await finance.get("/api/findings?min_amount=1;drop%20table%20findings");
    expect(badAmount.status).toBe(400);
    const sorted = await finance.get("/api/invoices?sort=(select%20pg_sleep(5))&dir=sideways");
    expect(sorted.json<{ total: number }>().total).toBe(4);
    const counts = await Promise.all(["invoices", "findings", "users"].map((table) => t.db.knex(table).count<{ n: string }[]>({ n: "*" })));
    expect(counts.map((c) => c[0]?.n)).toEqual(["4", "4", "3"]);
  });

  it("findings: filter by rule, category, status, provider and minimum amount", async () => {
    const ruleOf = (html: string): string[] => [...html.matchAll(/href="\/findings\/\d+(?:\?return_to=[^"]*)?">([^<]+)</g)].map((m) => m[1] ?? "");
    expect(ruleOf((await commissioner.get("/findings?category=fees")).text)).toEqual([ruleLabel("extra-quantity-above-agreed"), ruleLabel("extra-rate-above-agreed")]);
    expect(ruleOf((await commissioner.get("/findings?min_amount=%C2%A3101")).text)).toEqual([ruleLabel("extra-quantity-above-agreed")]);
    expect(ruleOf((await commissioner.get("/findings?provider=P2")).text)).toEqual([ruleLabel("total-mismatch")]);
    expect(ruleOf((await commissioner.get("/findings?rule=arithmetic-error&status=open")).text)).toEqual([ruleLabel("arithmetic-error")]);
    // The rule filter offers every rule of the catalogue, in its order, by its label.
    const filter = /<select[^>]*name="rule"[^>]*>([\s\S]*?)<\/select>/.exec((await commissioner.get("/findings")).text)?.[1] ?? "";
    const options = [...filter.matchAll(/<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g)].map((m) => [m[1], m[2]?.trim()]);
    expect(options).toEqual([["", "Any rule"], ...CATALOGUE.map((entry) => [entry.id, entry.label])]);
    const bad = await commissioner.get("/findings?min_amount=lots");
    expect(bad.text).toContain("Enter an amount in pounds, like 50 or 50.00");
  });
});

describe("deciding from the pages", () => {
  it("shows an error when dismissing without a reason, and dismisses with one", async () => {
    const path = `/findings/${seeded.findings.extraRate}/decisions`;
    const refused = await finance.post(path, { action: "dismiss", reason: "" });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("There is a problem");
    expect(refused.text).toContain('href="#reason">Enter a reason for dismissing the finding');
    const done = await finance.post(path, { action: "dismiss", reason: "Agreed rate rise", return_to: `/invoices/${seeded.invoices.flagged}` });
    expect(done.status).toBe(303);
    expect(done.location).toBe(`/invoices/${seeded.invoices.flagged}`);
    const after = await finance.get(`/invoices/${seeded.invoices.flagged}`);
    expect(after.text).toContain("Finding dismissed.");
    expect(after.text).toContain("Dismissed: Agreed rate rise");
  });

  it("confirms or dismisses several findings at once, with a reason", async () => {
    const ids = [seeded.findings.arithmetic, seeded.findings.totalMismatch];
    const refused = await finance.post("/findings/decisions?status=open", { finding: ids, action: "dismiss" });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("Enter a reason for dismissing the finding");
    const none = await finance.post("/findings/decisions", { action: "confirm" });
    expect(none.text).toContain("Select at least one finding");
    const done = await finance.post("/findings/decisions", { finding: ids, action: "confirm", return_to: "/findings?status=confirmed" });
    expect(done.status).toBe(303);
    expect(done.location).toBe("/findings?status=confirmed");
    const page = await finance.get("/findings?status=confirmed");
    expect(page.text).toContain("2 findings confirmed.");
    expect(textOf(page.text, "result-count")).toBe("2 findings totalling £139.00");
  });

  it("records a partial recovery from the form's date fields", async () => {
    const path = `/findings/${seeded.findings.arithmetic}/decisions`;
    const badDate = await finance.post(path, { action: "recover", amount: "40", "recovered_on-day": "31", "recovered_on-month": "2", "recovered_on-year": "2026" });
    expect(badDate.status).toBe(400);
    expect(badDate.text).toContain('href="#recovered_on-day"');
    const done = await finance.post(path, { action: "recover", amount: "£40.00", "recovered_on-day": "3", "recovered_on-month": "11", "recovered_on-year": "2026", reference: "CN-204" });
    expect(done.status).toBe(303);
    const page = await finance.get(`/findings/${seeded.findings.arithmetic}`);
    // £100.00 finding, £40.00 back: £60.00 still owed.
    expect(page.text).toContain("Partly recovered: £40.00 of £100.00, £60.00 outstanding (last on 3 Nov 2026), reference CN-204");
  });

  it("lists the decisions in the audit log", async () => {
    const log = await commissioner.get("/audit-log?entity=finding");
    expect(log.status).toBe(200);
    const table = textOf(log.text, "audit-log");
    // In words people read: who, the change of status, the invoice's status that followed, the reason.
    expect(table).toContain("finance");
    expect(table).toContain(`Finding ${seeded.findings.arithmetic}: £40.00 recovered (reference CN-204); Confirmed → Recovered`);
    expect(table).toMatch(/Finding \d+: Open → Dismissed/);
    expect(table).toContain("Reason: Agreed rate rise");
    // A commissioner may open findings: each entry links to its finding.
    expect(log.text).toContain(`href="/findings/${seeded.findings.arithmetic}"`);
  });

  it("refuses a commissioner's decision", async () => {
    const response = await commissioner.post(`/findings/${seeded.findings.extraQuantity}/decisions`, { action: "confirm" });
    expect(response.status).toBe(403);
    expect((await t.db.knex("findings").where({ id: seeded.findings.extraQuantity }).first<{ status: string }>("status"))?.status).toBe("open");
  });
});

describe("JSON API", () => {
  it("lists invoices and findings with paging, money as strings", async () => {
    const invoices = (await commissioner.get("/api/invoices?provider=P1")).json<{ items: { invoiceNumber: string; total: string }[]; total: number; page: number; next: string | null }>();
    expect(invoices.total).toBe(2);
    expect(invoices.items.map((i) => [i.invoiceNumber, i.total])).toEqual([["INV-1001", "5461.00"], ["INV-1002", "3930.00"]]);
    expect(invoices.next).toBeNull();
    const finding = (await commissioner.get(`/api/findings/${seeded.findings.extraQuantity}`)).json<{ amount: string; rule: string; decisions: unknown[] }>();
    expect(finding).toMatchObject({ amount: "137.14", rule: "extra-quantity-above-agreed", decisions: [] });
  });

  it("signs in with JSON and decides with the CSRF header", async () => {
    const client = new WebClient(server.url);
    const token = await client.csrfToken();
    const refused = await client.request("POST", "/api/session", { json: { username: "finance", password: "wrong password" } }, { "x-csrf-token": token });
    expect(refused.status).toBe(401);
    const session = await client.request("POST", "/api/session", { json: { username: "finance", password: "correct horse battery staple" } }, { "x-csrf-token": token });
    expect(session.status).toBe(200);
    const { csrfToken } = session.json<{ csrfToken: string }>();
    expect(csrfToken).not.toBe(token);
    const missing = await client.request("POST", `/api/findings/${seeded.findings.extraQuantity}/decisions`, { json: { action: "dismiss" } }, { "x-csrf-token": csrfToken });
    expect(missing.status).toBe(400);
    expect(missing.json()).toEqual({ error: { code: "decision.reason_required", message: "Enter a reason for dismissing the finding", field: "reason" } });
    const bulk = await client.request("POST", "/api/decisions", { json: { findingIds: [seeded.findings.extraQuantity], action: "confirm" } }, { "x-csrf-token": csrfToken });
    expect(bulk.status).toBe(201);
    expect(bulk.json<{ decisions: { after: { status: string; invoice_status: string } }[] }>().decisions[0]?.after).toMatchObject({ status: "confirmed" });
    const conflict = await client.request("POST", `/api/findings/${seeded.findings.extraQuantity}/decisions`, { json: { action: "confirm" } }, { "x-csrf-token": csrfToken });
    expect(conflict.status).toBe(409);
    expect((await client.request("DELETE", "/api/session", undefined, { "x-csrf-token": csrfToken })).status).toBe(204);
    expect((await client.get("/api/invoices")).status).toBe(401);
  });
});

describe("needs attention, uploads, users", () => {
  it("lists files needing attention with their reasons and adds an alias to a provider", async () => {
    const page = await finance.get("/needs-attention");
    expect(page.text).toContain("acme-october.pdf");
    expect(page.text).toContain("The provider could not be recognised from &quot;Acme &lt;b&gt;Care&lt;/b&gt; Ltd&quot;");
    const empty = await finance.post("/providers/aliases", { providerId: "P1", alias: " " });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain("Enter the name the provider uses on its invoices");
    const done = await finance.post("/providers/aliases", { providerId: "P1", alias: "Acme Care Ltd" });
    expect(done.status).toBe(303);
    const provider = await t.db.knex("providers").where({ provider_id: "P1" }).first<{ aliases: string[] }>("aliases");
    expect(provider?.aliases).toEqual(["Oakfield Foster Care", "Acme Care Ltd"]);
    const logged = await t.db.knex("audit_log").where({ entity: "provider", entity_id: "P1", action: "add_alias" }).first<{ actor: string; after: unknown }>("actor", "after");
    expect(logged).toEqual({ actor: "finance", after: { aliases: ["Oakfield Foster Care", "Acme Care Ltd"] } });
  });

  it("takes several invoice files at once and shows the service's summary, within the limits", async () => {
    const csrf = await finance.csrfToken();
    const files = [
      { field: "invoiceFiles", name: "a.csv", bytes: Buffer.from("first") },
      { field: "invoiceFiles", name: "b.csv", bytes: Buffer.from("second") },
    ];
    const response = await finance.request("POST", "/uploads/invoices", { multipart: { fields: { _csrf: csrf }, files } });
    expect(response.status).toBe(200);
    expect(received).toEqual([{ kind: "invoices", files: ["a.csv:first", "b.csv:second"] }]);
    expect(textOf(response.text, "invoice-report")).toContain("Stored 1");
    expect(response.text).toContain("b.csv: the provider &lt;i&gt;Acme&lt;/i&gt; is not known");
    const tooMany = Array.from({ length: UPLOAD_LIMITS.maxFiles + 1 }, (_, i) => ({ field: "invoiceFiles", name: `f${i}.csv`, bytes: Buffer.from("x") }));
    const refused = await finance.request("POST", "/uploads/invoices", { multipart: { fields: { _csrf: csrf }, files: tooMany } });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain(`Select ${UPLOAD_LIMITS.maxFiles} files or fewer at a time`);
    const big = await finance.request("POST", "/uploads/invoices", {
      multipart: { fields: { _csrf: csrf }, files: [{ field: "invoiceFiles", name: "big.pdf", bytes: Buffer.alloc(UPLOAD_LIMITS.maxFileBytes + 1) }] },
    });
    expect(big.status).toBe(400);
    expect(big.text).toContain("big.pdf is larger than 20.0 MB");
    expect(received).toHaveLength(1);
    // Reference data: the service is not wired in this app, and only an admin may upload it.
    const reference = await admin.request("POST", "/uploads/reference", {
      multipart: { fields: { _csrf: await admin.csrfToken() }, files: [{ field: "referenceFiles", name: "providers.csv", bytes: Buffer.from("provider_id") }] },
    });
    expect(reference.status).toBe(503);
    expect(reference.text).toContain("This upload is not available in this version yet.");
  });

  it("lets an admin add a user and clear its sign-in throttling", async () => {
    const weak = await admin.post("/users", { username: "newbie", password: "short", role: "commissioner" });
    expect(weak.status).toBe(400);
    expect(weak.text).toContain("Password must be at least 10 characters");
    const added = await admin.post("/users", { username: "Newbie", password: "a long enough password", role: "commissioner" });
    expect(added.status).toBe(303);
    expect((await new WebClient(server.url).signIn("newbie", "a long enough password")).status).toBe(303);
    expect((await new WebClient(server.url).signIn("newbie", "not the password")).status).toBe(401);
    const user = await t.db.knex("users").where({ username: "newbie" }).first<{ id: string }>("id");
    const list = await admin.get("/users");
    expect(list.text).toContain("1 failed sign-in attempt in the last hour");
    expect((await admin.post(`/users/${user?.id}/unlock`)).status).toBe(303);
    const left = await t.db.knex("sign_in_throttles").where({ subject: subjectOf(1, "newbie") }).count<{ n: string }[]>({ n: "*" });
    expect(Number(left[0]?.n)).toBe(0);
  });

  it("shows the audit rules and their configuration, read-only", async () => {
    const page = await admin.get("/rules");
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/Smallest finding raised\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*£5\.00/);
    const rules = textOf(page.text, "rules");
    // Every rule of the catalogue, in its order, with where it runs and what it checks.
    const unescape = (html: string): string => html.replace(/&#39;/g, "'").replace(/&quot;/g, '"');
    const rows = CATALOGUE.map((entry) => unescape(textOf(page.text, `rule-${entry.id}`)));
    expect(rows).toEqual(CATALOGUE.map((entry) => `${entry.label} (${entry.id}) ${stageText(entry.stage)} ${checksText(entry)} ${categoryLabel(entry.category)} Yes`));
    const positions = CATALOGUE.map((entry) => page.text.indexOf(`id="rule-${entry.id}"`));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(rules).toContain("Rate above agreed (rate-above-agreed) Fee lines, step 7 What is left of the charge");
    expect(textOf(page.text, "items")).toContain("transport mile transport, mileage, travel, miles");
  });

  it("shows the audit run history", async () => {
    const page = await commissioner.get("/audit-runs");
    const table = textOf(page.text, "audit-runs");
    expect(table).toContain("2 Nov 2026, 10:00");
    expect(table).toContain("Fees and discounts: £237.14");
    expect(page.text).not.toContain("Run an audit now");
    const mine = await finance.get("/audit-runs");
    expect(mine.text).toContain("Run an audit now");
    expect(mine.text).toContain("not available in this version yet");
  });

  it("reaches the real services through the service ports: a reference import and a re-processed file", async () => {
    const real = await startTestServer(t, { now: () => NOW });
    try {
      const adminReal = await signedIn(real.url, "admin");
      const csv = "provider_id,name,kind,vat_number,aliases\nP3,Birch Homes,residential,,\n";
      const response = await adminReal.request("POST", "/uploads/reference", {
        multipart: { fields: { _csrf: await adminReal.csrfToken() }, files: [{ field: "referenceFiles", name: "providers.csv", bytes: Buffer.from(csv) }] },
      });
      // First a preview: nothing is stored until the admin applies it.
      expect(response.status).toBe(200);
      expect(textOf(response.text, "preview-file-1")).toContain("providers.csv (providers) 1 to add, 0 to update, 0 unchanged. To add Row 2: P3");
      expect(await t.db.knex("providers").where({ provider_id: "P3" })).toEqual([]);
      const token = /name="token" value="([0-9a-f]{32})"/.exec(response.text)?.[1] ?? "";
      const applied = await adminReal.post("/uploads/reference/apply", { token });
      expect(applied.status).toBe(200);
      expect(textOf(applied.text, "reference-report")).toContain("providers.csv providers: 1 added, 0 updated, 0 unchanged");
      expect(await t.db.knex("providers").where({ provider_id: "P3" }).first<{ name: string }>("name")).toEqual({ name: "Birch Homes" });
      expect(await t.db.knex("audit_log").where({ action: "import", actor: "admin" }).select("entity_id")).toEqual([{ entity_id: "providers.csv" }]);
      // Blank templates, one table each, as downloads.
      const template = await adminReal.get("/uploads/reference/templates/placements");
      expect([template.status, template.headers.get("content-type"), template.headers.get("content-disposition")]).toEqual([
        200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", expect.stringMatching(/^attachment; filename="?placements\.xlsx"?$/),
      ]);
      expect((await adminReal.get("/uploads/reference/templates/children")).status).toBe(404);
      // The staged files are gone once applied.
      expect((await adminReal.post("/uploads/reference/apply", { token })).status).toBe(400);

      const financeReal = await signedIn(real.url, "finance");
      const reprocessed = await financeReal.post(`/needs-attention/${seeded.files.attention}/reprocess`);
      expect(reprocessed.status).toBe(200);
      expect(textOf(reprocessed.text, "report")).toContain("acme-october.pdf Needs attention:");
      expect((await t.db.knex("received_files").where({ id: seeded.files.attention }).first<{ status: string }>("status"))?.status).toBe("needs_attention");

      // While an audit runs, a second "run now" is refused and told which run is running.
      const [busy] = await t.db.knex("audit_runs").insert({ authority_id: 1, scope: "2026-09", trigger: "scheduled", status: "running" }).returning<{ id: string }[]>("id");
      const refused = await financeReal.post("/audit-runs", { scope: "month", month: "2026-10" });
      expect(refused.status).toBe(303);
      const told = await financeReal.get("/audit-runs");
      expect(told.text).toContain(`Not started. An audit is already running (run ${busy?.id}, 2026-09, started `);
      expect(told.text).toContain("Running");
      await t.db.knex("audit_runs").where({ id: busy?.id }).update({ status: "failed", finished_at: t.db.knex.fn.now() });

      // "Run an audit now" starts the real audit and returns at once; the run appears in the history.
      const lastRun = Number((await t.db.knex("audit_runs").max<{ max: string }[]>({ max: "id" }))[0]?.max);
      const started = await financeReal.post("/audit-runs", { scope: "month", month: "2026-10" });
      expect(started.status).toBe(303);
      let run: { status: string; trigger: string } | undefined;
      for (let i = 0; i < 600 && run?.status !== "succeeded" && run?.status !== "failed"; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        run = await t.db.knex("audit_runs").where("id", ">", lastRun).first<{ status: string; trigger: string }>("status", "trigger");
      }
      expect(run).toEqual({ status: "succeeded", trigger: "manual" });
      const history = await financeReal.get("/audit-runs");
      expect(history.text).toMatch(/Audit of 2026-10 started \(run \d+\)\./);
    } finally {
      await real.close();
    }
  });
});
