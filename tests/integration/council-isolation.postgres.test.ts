import fs from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forAuthority, type Database } from "../../src/db/connection.js";
import { addAuthority } from "../../src/db/repositories/authority.repository.js";
import type { Role } from "../../src/domain/roles.js";
import { ensureConsortium } from "../../src/services/consortium/consortia.js";
import { createUser } from "../../src/services/users/users.js";
import type { RunningServer } from "../../src/web/app.js";
import { ROUTES } from "../../src/web/routes.js";
import { runCli } from "../support/cli.js";
import { openTestDatabase, tempDir, type TestDatabase } from "../support/db.js";
import { startTestServer, WebClient } from "./web-client.js";
import { NOW, PASSWORD, seedReview, type Seeded } from "./web-seed.js";

// Issue 23 "Done when": two councils in one real PostgreSQL, each with its own review data and
// strings found nowhere else (child references, invoice numbers, file names, notes, usernames).
// Every route of the route table and every JSON API call, as every role of each council, and
// the CLI's outputs: no other council's string or id appears, and the other's ids answer 404.

interface Council {
  code: string;
  authorityId: number;
  tag: string;
  seeded: Seeded;
  markers: string[];
  clients: Map<Role, WebClient>;
}

const ROLES: readonly Role[] = ["finance_officer", "commissioner", "admin", "consortium_analyst"];
/** How many of a council's markers are its data (the rest are its users' names). */
const DATA_MARKERS = 7;

function usernameOf(tag: string, role: Role): string {
  return `${tag.toLowerCase()}-${role === "finance_officer" ? "finance" : role === "consortium_analyst" ? "analyst" : role}`;
}
let t: TestDatabase;
let server: RunningServer;
const councils: Council[] = [];

async function markCouncil(db: Database, tag: string, seeded: Seeded): Promise<string[]> {
  const knex = db.knex;
  const invoiceNumber = `${tag}-INV-1001`;
  const childRef = `${tag}-C1001`;
  await knex("invoices").where({ id: seeded.invoices.flagged }).update({ invoice_number: invoiceNumber });
  await knex("invoice_lines").where({ invoice_id: seeded.invoices.flagged }).whereNotNull("child_ref").update({ child_ref: childRef, description: knex.raw("description || ?", [` ${tag}-DESC`]) });
  await knex("findings").where({ invoice_id: seeded.invoices.flagged }).update({ child_ref: childRef, explanation: knex.raw("explanation || ?", [` ${tag}-EXPL`]) });
  await knex("placements").update({ child_ref: childRef });
  await knex("received_files").where({ id: seeded.files.attention }).update({ original_name: `${tag}-acme-october.pdf`, reason: `${tag}-REASON` });
  return [invoiceNumber, childRef, `${tag}-DESC`, `${tag}-EXPL`, `${tag}-acme-october`, `${tag}-REASON`, `${tag}-NOTE`, `${tag}-finance`, `${tag}-commissioner`, `${tag}-admin`];
}

/** The route's path with its parameters filled from one council's seeded ids. */
function pathFor(routePath: string, seeded: Seeded): string | null {
  const filled = routePath
    .replace("/invoices/:id", `/invoices/${seeded.invoices.flagged}`)
    .replace("/findings/:id", `/findings/${seeded.findings.arithmetic}`)
    .replace("/needs-attention/:id", `/needs-attention/${seeded.files.attention}`)
    .replace("/files/:id/pages/:page", `/files/${seeded.files.flagged}/pages/1`)
    .replace("/templates/:id", "/templates/1")
    .replace("/audit-runs/:id", `/audit-runs/${seeded.auditRun}`)
    .replace(":providerId", "P1")
    .replace(":table", "providers");
  return filled.includes(":") || filled.includes("*") ? null : filled;
}

/** A response as text: workbooks unpacked to their cells' values (the XML inside is compressed). */
async function bodyText(client: WebClient, urlPath: string): Promise<{ status: number; text: string }> {
  const cookies = [client.sessionCookie, client.preSessionCookie].filter((c): c is string => c !== null);
  const response = await fetch(`${server.url}${urlPath}`, { redirect: "manual", headers: { cookie: cookies.join("; ") } });
  const bytes = Buffer.from(await response.arrayBuffer());
  const type = response.headers.get("content-type") ?? "";
  if (type.includes("spreadsheetml") || urlPath.endsWith(".xlsx")) return { status: response.status, text: response.status === 200 ? await workbookText(bytes) : bytes.toString("utf8") };
  return { status: response.status, text: bytes.toString("utf8") };
}

async function workbookText(bytes: Buffer): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const cells: string[] = [];
  workbook.eachSheet((sheet) => {
    cells.push(sheet.name);
    sheet.eachRow((row) => row.eachCell((cell) => cells.push(JSON.stringify(cell.value))));
  });
  return cells.join("\n");
}

function leaks(text: string, other: Council): string[] {
  const found = other.markers.filter((m) => text.includes(m));
  for (const id of [other.seeded.invoices.flagged, other.seeded.invoices.clean]) if (text.includes(`/invoices/${id}"`)) found.push(`/invoices/${id}`);
  for (const id of Object.values(other.seeded.findings)) if (text.includes(`/findings/${id}"`)) found.push(`/findings/${id}`);
  return found;
}

beforeAll(async () => {
  t = await openTestDatabase();
  const north = await addAuthority(t.db.knex, { code: "north", name: "North Council" });
  for (const [code, authorityId, tag] of [["default", 1, "QZALPHA"], ["north", north, "QZBRAVO"]] as const) {
    // Each council's data written as the app writes it: through its own scoped handle.
    const scoped = forAuthority(t.db, authorityId);
    const seeded = await seedReview(scoped, t.dataDir);
    const markers = await markCouncil(scoped, tag, seeded);
    const users = new Map<Role, string>();
    for (const role of ROLES) {
      const user = await createUser(scoped, { authorityId, username: usernameOf(tag, role), password: PASSWORD, role }, "test");
      users.set(role, user.id);
    }
    await scoped.knex("finding_notes").insert({ authority_id: authorityId, finding_id: seeded.findings.arithmetic, user_id: users.get("finance_officer"), text: `${tag}-NOTE about the child` });
    councils.push({ code, authorityId, tag, seeded, markers: markers.map((m) => (m.endsWith("-finance") || m.endsWith("-commissioner") || m.endsWith("-admin") ? m.toLowerCase() : m)), clients: new Map() });
  }
  // Both councils commission together, so each council's consortium analyst has a consortium to see.
  await ensureConsortium(t.db, { code: "TWOC", name: "Two Councils", memberCodes: ["default", "north"], actor: "test" });
  server = await startTestServer(t, { now: () => NOW });
  for (const council of councils) {
    for (const role of ROLES) {
      const client = new WebClient(server.url);
      const signed = await client.signIn(usernameOf(council.tag, role));
      if (signed.status !== 303) throw new Error(`sign-in failed for ${council.code} ${role}: ${signed.status}`);
      council.clients.set(role, client);
    }
  }
});

afterAll(async () => {
  await server?.close();
  await t?.dispose();
});

describe("two councils in one database", () => {
  it("each council's users see their own data (the seeded markers are there to be leaked)", async () => {
    for (const council of councils) {
      const finance = council.clients.get("finance_officer");
      const page = await finance?.get(`/invoices/${council.seeded.invoices.flagged}`);
      expect(page?.status).toBe(200);
      expect(page?.text).toContain(`${council.tag}-INV-1001`);
      expect(page?.text).toContain(`${council.tag}-C1001`);
      const finding = await finance?.get(`/findings/${council.seeded.findings.arithmetic}`);
      expect(finding?.text).toContain(`${council.tag}-NOTE`);
      // The header names the user's council (COUNCIL_NAME names a deployment of one council only).
      expect(page?.text).toContain(council.code === "north" ? "North Council" : "The council");
      expect(page?.text).not.toContain(council.code === "north" ? "The council" : "North Council");
    }
  });

  it("no page, API answer or export of every GET route, as every role, shows the other council's rows", async () => {
    const gets = ROUTES.filter((r) => r.method === "GET" && r.kind !== "asset");
    let walked = 0;
    for (const council of councils) {
      const other = councils.find((c) => c !== council);
      if (!other) throw new Error("two councils expected");
      for (const route of gets) {
        const urlPath = pathFor(route.path, council.seeded);
        if (urlPath === null) continue;
        for (const role of ROLES) {
          const client = council.clients.get(role);
          if (!client) continue;
          for (const query of ["", "?month=2026-10"]) {
            const { status, text } = await bodyText(client, `${urlPath}${query}`);
            expect(status, `${role} ${urlPath}${query}`).toBeLessThan(500);
            expect(leaks(text, other), `${council.code} ${role} GET ${urlPath}${query}`).toEqual([]);
            walked++;
          }
        }
      }
    }
    expect(walked).toBeGreaterThan(gets.length * 3);
  }, 600_000);

  it("a consortium analyst of either council sees no child, invoice, finding detail or note of any member on any route", async () => {
    const gets = ROUTES.filter((r) => r.method === "GET" && r.kind !== "asset");
    const everyMembersData = councils.flatMap((c) => c.markers.slice(0, DATA_MARKERS));
    let walked = 0;
    for (const council of councils) {
      const analyst = council.clients.get("consortium_analyst");
      if (!analyst) throw new Error("no analyst client");
      const consortiumPage = await bodyText(analyst, "/consortium/prices");
      expect(consortiumPage.status).toBe(200);
      for (const route of gets) {
        for (const seededBy of councils) {
          const urlPath = pathFor(route.path, seededBy.seeded);
          if (urlPath === null) continue;
          const { status, text } = await bodyText(analyst, urlPath);
          expect(status, `analyst ${urlPath}`).toBeLessThan(500);
          expect(everyMembersData.filter((m) => text.includes(m)), `${council.code} analyst GET ${urlPath}`).toEqual([]);
          walked++;
        }
      }
    }
    expect(walked).toBeGreaterThan(gets.length);
  }, 600_000);

  it("the other council's invoices, findings and files answer 404, to pages, the API and changes alike", async () => {
    for (const council of councils) {
      const other = councils.find((c) => c !== council);
      if (!other) throw new Error("two councils expected");
      const reader = council.clients.get("finance_officer");
      if (!reader) throw new Error("no client");
      const theirs = [
        `/invoices/${other.seeded.invoices.flagged}`, `/invoices/${other.seeded.invoices.flagged}/file`, `/api/invoices/${other.seeded.invoices.flagged}`,
        `/findings/${other.seeded.findings.arithmetic}`, `/api/findings/${other.seeded.findings.arithmetic}`,
        `/files/${other.seeded.files.flagged}/pages/1`, `/needs-attention/${other.seeded.files.attention}/key`, `/api/needs-attention/${other.seeded.files.attention}/key`,
        `/api/audit-runs/${other.seeded.auditRun}/progress`,
      ];
      for (const urlPath of theirs) {
        const response = await bodyText(reader, urlPath);
        expect(response.status, `${council.code} GET ${urlPath}`).toBe(404);
        expect(leaks(response.text, other)).toEqual([]);
      }
      const token = await reader.csrfToken();
      const decided = await reader.post(`/findings/${other.seeded.findings.arithmetic}/decisions`, { action: "confirm" });
      expect(decided.status).toBe(404);
      const noted = await reader.request("POST", `/api/findings/${other.seeded.findings.arithmetic}/notes`, { json: { note: "sneaky" } }, { "x-csrf-token": token });
      expect(noted.status).toBe(404);
      // Several at once: each of the other council's ids is "not found", and none is decided (checked below).
      const bulk = await reader.request("POST", "/api/decisions", { json: { findingIds: [other.seeded.findings.arithmetic], action: "confirm" } }, { "x-csrf-token": token });
      expect(bulk.text).not.toMatch(/"status":"confirmed"/);
      expect(leaks(bulk.text, other)).toEqual([]);
    }
    // Nothing of the other council was changed by those attempts.
    const notes = await t.db.knex("finding_notes").where({ text: "sneaky" }).count<{ n: string }[]>({ n: "*" });
    expect(Number(notes[0]?.n)).toBe(0);
    const confirmed = await t.db.knex("findings").whereIn("id", councils.map((c) => c.seeded.findings.arithmetic)).where({ status: "confirmed" }).count<{ n: string }[]>({ n: "*" });
    expect(Number(confirmed[0]?.n)).toBe(0);
  });

  it("the command line prints one council's findings, invoices and savings report, named by --authority", async () => {
    const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL, LOG_LEVEL: process.env.LOG_LEVEL };
    Object.assign(process.env, { DATA_DIR: t.dataDir, DATABASE_URL: t.databaseUrl ?? "", LOG_LEVEL: "error" });
    const outDir = tempDir("isolation-cli");
    try {
      const ambiguous = await runCli("findings", "--format", "json");
      expect(ambiguous.code).toBe(2);
      expect(ambiguous.err).toContain("--authority CODE (default, north)");
      const listed = await runCli("authorities", "list", "--format", "json");
      expect(JSON.parse(listed.out)).toEqual([{ code: "default", name: "The council" }, { code: "north", name: "North Council" }]);
      for (const council of councils) {
        const other = councils.find((c) => c !== council);
        if (!other) throw new Error("two councils expected");
        const findings = await runCli("findings", "--format", "json", "--authority", council.code);
        expect(findings.code, findings.err).toBe(0);
        expect(findings.out).toContain(`${council.tag}-C1001`);
        expect(leaks(findings.out, other)).toEqual([]);
        const invoices = await runCli("invoices", "--format", "json", "--authority", council.code);
        expect(invoices.code, invoices.err).toBe(0);
        expect(invoices.out).toContain(`${council.tag}-INV-1001`);
        expect(leaks(invoices.out, other)).toEqual([]);
        const attention = await runCli("invoices", "--needs-attention", "--format", "json", `--authority=${council.code}`);
        expect(attention.out).toContain(`${council.tag}-acme-october`);
        expect(leaks(attention.out, other)).toEqual([]);
        const users = await runCli("users", "list", "--format", "json", "--authority", council.code);
        expect(leaks(users.out, other)).toEqual([]);
        const file = path.join(outDir, `${council.code}.xlsx`);
        const report = await runCli("report", "savings", "--from", "2026-08", "--to", "2026-11", "--out", file, "--authority", council.code);
        expect(report.code, report.err).toBe(0);
        const workbook = await workbookText(fs.readFileSync(file));
        expect(workbook).toContain(`${council.tag}-INV-1001`);
        expect(leaks(workbook + report.out, other)).toEqual([]);
      }
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
