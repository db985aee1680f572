import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../src/domain/roles.js";
import { createUser } from "../../src/services/users/users.js";
import type { RunningServer } from "../../src/web/app.js";
import { ROUTES, type RouteSpec } from "../../src/web/routes.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { signedIn, startTestServer, WebClient, type Body, type WebResponse } from "./web-client.js";
import { NOW, PASSWORD, seedReview, seedUsers, type Seeded } from "./web-seed.js";

/**
 * Authentication, authorisation and the defences of the web UI, over real HTTP against a real
 * database. The walk covers EVERY route of the route table with every role and with no session.
 */
let t: TestDatabase;
let server: RunningServer;
let seeded: Seeded;
const now = NOW;

beforeAll(async () => {
  t = await openTestDatabase();
  seeded = await seedReview(t.db, t.dataDir);
  await seedUsers(t.db);
  // The consortium analyst (no consortium here: its own page answers 404, every council page 403).
  await createUser(t.db, { authorityId: 1, username: "analyst", password: PASSWORD, role: "consortium_analyst" }, "test");
  server = await startTestServer(t, { now: () => now });
});

afterAll(async () => {
  await server?.close();
  await t?.dispose();
});

const ROLES: readonly Role[] = ["finance_officer", "commissioner", "admin", "consortium_analyst"];
const USERNAME: Record<Role, string> = { finance_officer: "finance", commissioner: "commissioner", admin: "admin", consortium_analyst: "analyst" };

/** A concrete request for each route: ids of seeded rows, and a body that passes validation where cheap. */
function requestFor(route: RouteSpec, csrf: string): { path: string; body?: Body; headers?: Record<string, string> } {
  const key = `${route.method} ${route.path}`;
  const form = (fields: Record<string, string | string[]> = {}): Body => ({ form: { _csrf: csrf, ...fields } });
  const json = (value: Record<string, unknown>): Body => ({ json: value });
  const csrfHeader = { "x-csrf-token": csrf };
  switch (key) {
    case "GET /stylesheets/govuk-frontend.css":
    case "GET /javascripts/govuk-frontend.min.js":
    case "GET /stylesheets/app.css":
    case "GET /javascripts/app.mjs":
    case "GET /javascripts/keying.mjs":
    case "GET /favicon.ico":
    case "GET /sign-in":
    case "GET /":
    case "GET /invoices":
    case "GET /findings":
    case "GET /needs-attention":
    case "GET /uploads":
    case "GET /audit-runs":
    case "GET /audit-log":
    case "GET /audit-log.csv":
    case "GET /users":
    case "GET /settings":
    case "GET /rules":
    case "GET /consortium/prices":
    case "GET /consortium/prices.xlsx":
    case "GET /api/session":
    case "GET /api/invoices":
    case "GET /api/findings":
    case "GET /reports/savings":
    case "GET /reports/savings.xlsx":
    case "GET /reference/providers":
    case "GET /reference/contracts":
    case "GET /reference/placements":
    case "GET /reference/discounts":
      return { path: route.path };
    case "GET /reports/query-pack/:providerId":
      return { path: "/reports/query-pack/P1" };
    case "GET /reports/query-pack/:providerId.xlsx":
      return { path: "/reports/query-pack/P1.xlsx" };
    case "GET /assets/*path":
      return { path: "/assets/images/favicon.svg" };
    case "POST /sign-in":
      return { path: route.path, body: form({ username: "nobody", password: "not the password" }) };
    case "POST /sign-out":
      return { path: route.path, body: form() };
    case "GET /invoices/:id":
      return { path: `/invoices/${seeded.invoices.flagged}` };
    case "GET /api/audit-runs/:id/progress":
      return { path: `/api/audit-runs/${seeded.auditRun}/progress` };
    case "GET /invoices/:id/file":
      return { path: `/invoices/${seeded.invoices.flagged}/file` };
    case "POST /findings/decisions":
      return { path: route.path, body: form({ action: "confirm" }) };
    case "GET /findings.csv":
    case "GET /findings.xlsx":
    case "GET /findings/confirm-all":
      return { path: route.path };
    case "POST /findings/confirm-all":
      return { path: `${route.path}?provider=nobody`, body: form({ expected_count: "1", expected_amount: "1.00" }) };
    case "GET /findings/:id":
      return { path: `/findings/${seeded.findings.extraRate}` };
    case "POST /findings/:id/decisions":
      return { path: `/findings/${seeded.findings.extraRate}/decisions`, body: form({ action: "dismiss" }) };
    case "POST /findings/:id/notes":
      return { path: `/findings/${seeded.findings.extraRate}/notes`, body: form({ note: "" }) };
    case "POST /findings/:id/assignment":
      return { path: `/findings/${seeded.findings.extraRate}/assignment`, body: form({ assignee: "999999" }) };
    case "POST /api/findings/:id/notes":
      return { path: `/api/findings/${seeded.findings.extraRate}/notes`, body: json({ note: "" }), headers: csrfHeader };
    case "POST /api/findings/:id/assignment":
      return { path: `/api/findings/${seeded.findings.extraRate}/assignment`, body: json({ assignee: "999999" }), headers: csrfHeader };
    case "POST /users/:id/disable":
    case "POST /users/:id/enable":
    case "POST /users/:id/reset-password":
      return { path: route.path.replace(":id", "999999"), body: form() };
    case "GET /account/password":
      return { path: route.path };
    case "POST /account/password":
      return { path: route.path, body: form({ current_password: "", new_password: "", confirm_password: "" }) };
    case "POST /needs-attention/:id/reprocess":
      return { path: "/needs-attention/999999/reprocess", body: form() };
    case "POST /providers/aliases":
      return { path: route.path, body: form({ providerId: "P1", alias: "" }) };
    case "POST /uploads/invoices":
    case "POST /uploads/reference":
      return { path: route.path, body: { multipart: { fields: { _csrf: csrf }, files: [] } } };
    case "GET /uploads/reference/templates/:table":
      return { path: "/uploads/reference/templates/placements" };
    case "POST /uploads/reference/preview":
    case "POST /uploads/reference/apply":
      return { path: route.path, body: form({ token: "" }) };
    case "POST /audit-runs":
      return { path: route.path, body: form({ scope: "month", month: "not a month" }) };
    case "POST /users":
      return { path: route.path, body: form({ username: "", password: "", role: "" }) };
    case "POST /settings":
      return { path: route.path, body: form({ name: "" }) };
    case "POST /users/:id/unlock":
      return { path: "/users/999999/unlock", body: form() };
    case "POST /api/session":
      return { path: route.path, body: json({ username: "nobody", password: "wrong password" }), headers: csrfHeader };
    case "DELETE /api/session":
      return { path: route.path, headers: csrfHeader };
    case "GET /api/invoices/:id":
      return { path: `/api/invoices/${seeded.invoices.flagged}` };
    case "GET /api/findings/:id":
      return { path: `/api/findings/${seeded.findings.extraRate}` };
    case "POST /api/findings/:id/decisions":
      return { path: `/api/findings/${seeded.findings.extraRate}/decisions`, body: json({ action: "dismiss" }), headers: csrfHeader };
    case "POST /api/decisions":
      return { path: route.path, body: json({ findingIds: [], action: "confirm" }), headers: csrfHeader };
    // Keying (issue 18): the waiting file of the seed; changes aimed at rows that do not exist.
    case "GET /needs-attention/:id/key":
    case "GET /api/needs-attention/:id/key":
      return { path: route.path.replace(":id", seeded.files.attention) };
    case "POST /needs-attention/:id/key":
    case "POST /needs-attention/:id/discard":
    case "POST /needs-attention/:id/restore":
      return { path: route.path.replace(":id", "999999"), body: form({ action: "check" }) };
    case "GET /invoices/:id/verify":
    case "GET /api/invoices/:id/verify":
    case "GET /templates/:id":
      return { path: route.path.replace(":id", "999999") };
    case "POST /invoices/:id/verify":
    case "POST /templates/:id/remove":
      return { path: route.path.replace(":id", "999999"), body: form({ action: "check" }) };
    case "GET /files/:id/pages/:page":
      return { path: `/files/${seeded.files.attention}/pages/1` };
    case "GET /templates":
    case "GET /api/templates":
    case "GET /api/invoices-to-verify":
      return { path: route.path };
    case "POST /api/needs-attention/:id/key":
    case "POST /api/needs-attention/:id/discard":
    case "POST /api/needs-attention/:id/restore":
    case "POST /api/invoices/:id/verify":
      return { path: route.path.replace(":id", "999999"), body: json({ reason: "not_an_invoice" }), headers: csrfHeader };
    case "DELETE /api/templates/:id":
      return { path: "/api/templates/999999", headers: csrfHeader };
    default:
      throw new Error(`the authorisation walk has no request for ${key}: add one`);
  }
}

function allowedTo(route: RouteSpec, role: Role): boolean {
  return route.access === "public" || route.access.includes(role);
}

function isSignInRedirect(response: WebResponse): boolean {
  return (response.status === 302 || response.status === 303) && (response.location ?? "").startsWith("/sign-in");
}

/** Sign-out routes end the session: walk them last. */
const WALK = [...ROUTES].sort((a, b) => Number(a.path.includes("sign-out") || a.method === "DELETE") - Number(b.path.includes("sign-out") || b.method === "DELETE"));

describe("authorisation: every route, every role, and no session", () => {
  it("refuses an anonymous visitor everything but the public routes", async () => {
    const anonymous = new WebClient(server.url);
    for (const route of WALK) {
      const csrf = await anonymous.csrfToken();
      const request = requestFor(route, csrf);
      const response = await anonymous.request(route.method, request.path, request.body, request.headers);
      const label = `${route.method} ${route.path}`;
      if (route.access === "public") {
        expect(isSignInRedirect(response), label).toBe(false);
        expect(response.status, label).not.toBe(403);
        expect(response.status, label).toBeLessThan(500);
      } else if (route.kind === "api") {
        expect(response.status, label).toBe(401);
      } else {
        expect(isSignInRedirect(response), `${label} → ${response.status} ${response.location}`).toBe(true);
        if (route.method === "GET") expect(response.location, label).toBe(request.path === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(request.path)}`);
      }
    }
  });

  for (const role of ROLES) {
    it(`lets ${role} use exactly the routes the table gives it`, async () => {
      let client = await signedIn(server.url, USERNAME[role]);
      for (const route of WALK) {
        const csrf = await client.csrfToken();
        const request = requestFor(route, csrf);
        const response = await client.request(route.method, request.path, request.body, request.headers);
        const label = `${role}: ${route.method} ${route.path} → ${response.status}`;
        const allowed = allowedTo(route, role);
        if (route.path === "/sign-out") expect(response.location, label).toBe(allowedTo(route, role) ? "/sign-in?signed_out=1" : null);
        else expect(isSignInRedirect(response), label).toBe(false);
        // POST /sign-in and POST /api/session are sent wrong credentials on purpose (401).
        const wrongCredentials = route.method === "POST" && (route.path === "/sign-in" || route.path === "/api/session");
        if (allowed) {
          if (!wrongCredentials) expect(response.status, label).not.toBe(401);
          expect(response.status, label).not.toBe(403);
          expect(response.status, label).toBeLessThan(500);
        } else {
          expect(response.status, label).toBe(403);
        }
        // Signing in (with wrong credentials) and signing out end or replace the session: start a new one.
        if (route.method !== "GET" && route.path.startsWith("/sign-") || route.method === "DELETE") client = await signedIn(server.url, USERNAME[role]);
      }
    });
  }

  it("answers unknown paths with sign-in when anonymous and 404 when signed in", async () => {
    expect(isSignInRedirect(await new WebClient(server.url).get("/no/such/page"))).toBe(true);
    expect((await new WebClient(server.url).get("/api/nothing")).status).toBe(401);
    const client = await signedIn(server.url, "commissioner");
    expect((await client.get("/no/such/page")).status).toBe(404);
    expect((await client.get("/api/nothing")).status).toBe(404);
  });
});

describe("CSRF", () => {
  const changing = ROUTES.filter((r) => r.method !== "GET");

  it("refuses every state-changing route without the session's token, or with another one", async () => {
    const clients = new Map<Role, WebClient>();
    const foreign = await (await signedIn(server.url, "commissioner")).csrfToken();
    for (const route of changing) {
      const role = route.access === "public" ? "finance_officer" : (route.access[0] as Role);
      const client = clients.get(role) ?? (await signedIn(server.url, USERNAME[role]));
      clients.set(role, client);
      const foreignToken = foreign;
      const auditRowsBefore = await t.db.knex("audit_log").count<{ n: string }[]>({ n: "*" });
      for (const token of ["", foreignToken]) {
        const request = requestFor(route, token);
        const response = await client.request(route.method, request.path, request.body, token === "" ? {} : request.headers);
        expect(response.status, `${route.method} ${route.path} with ${token === "" ? "no token" : "another session's token"}`).toBe(403);
      }
      // Still signed in (sign-out refused too), and nothing was written.
      expect((await client.get("/api/session")).json<{ signedIn: boolean }>().signedIn).toBe(true);
      expect(await t.db.knex("audit_log").count<{ n: string }[]>({ n: "*" })).toEqual(auditRowsBefore);
    }
  });

  it("accepts the token from the X-CSRF-Token header for the JSON API", async () => {
    const client = await signedIn(server.url, "finance");
    const token = await client.csrfToken();
    const response = await client.request("POST", `/api/findings/${seeded.findings.totalMismatch}/decisions`, { json: { action: "confirm" } }, { "x-csrf-token": token });
    expect(response.status).toBe(201);
    expect(response.json<{ after: { status: string } }>().after.status).toBe("confirmed");
  });
});

describe("signing in", () => {
  it("shows the form of INTERFACES.md", async () => {
    const page = await new WebClient(server.url).get("/sign-in");
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<label class="govuk-label" for="username">\s*Username\s*<\/label>/);
    expect(page.text).toMatch(/<label class="govuk-label" for="password">\s*Password\s*<\/label>/);
    expect(page.text).toMatch(/<button[^>]*>\s*Sign in\s*<\/button>/);
  });

  it("gives a new session id at sign-in and forgets the old one", async () => {
    const client = new WebClient(server.url);
    await client.get("/sign-in");
    expect(client.sessionCookie).toBeNull(); // no session before sign-in (issue 22)
    expect((await client.post("/sign-in", { username: "commissioner", password: PASSWORD })).status).toBe(303);
    const before = client.sessionCookie;
    expect(before).not.toBeNull();
    const response = await client.post("/sign-in", { username: "finance", password: PASSWORD, next: "/findings" });
    expect(response.status).toBe(303);
    expect(response.location).toBe("/findings");
    expect(client.sessionCookie).not.toBeNull();
    expect(client.sessionCookie).not.toBe(before);
    const oldSid = decodeURIComponent((before ?? "").slice("pa.sid=".length)).replace(/^s:/, "").split(".")[0];
    expect(await t.db.knex("sessions").where({ sid: oldSid }).first()).toBeUndefined();
    const stale = new WebClient(server.url);
    stale.sessionCookie = before;
    expect(isSignInRedirect(await stale.get("/findings"))).toBe(true);
    expect((await client.get("/findings")).status).toBe(200);
  });

  it("never sends a visitor to another site after signing in", async () => {
    const client = new WebClient(server.url);
    await client.get("/sign-in");
    const response = await client.post("/sign-in", { username: "finance", password: PASSWORD, next: "//evil.example/" });
    expect(response.location).toBe("/");
  });

  it("signs out: the session is gone", async () => {
    const client = await signedIn(server.url, "commissioner");
    const response = await client.post("/sign-out");
    expect(response.status).toBe(303);
    expect(response.location).toBe("/sign-in?signed_out=1");
    expect(isSignInRedirect(await client.get("/"))).toBe(true);
  });

  it("stores passwords as salted scrypt hashes, never in clear", async () => {
    const rows = await t.db.knex("users").whereIn("username", ["finance", "commissioner"]).select<{ password_hash: string }[]>("password_hash");
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{86}$/);
      expect(row.password_hash).not.toContain(PASSWORD);
    }
    expect(rows[0]?.password_hash).not.toBe(rows[1]?.password_hash);
  });
});

describe("security headers", () => {
  it("sends helmet's headers with a self-only CSP, and a hardened session cookie", async () => {
    const client = new WebClient(server.url);
    const page = await client.get("/sign-in");
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(page.headers.get("referrer-policy")).toBe("same-origin");
    expect(page.headers.get("strict-transport-security")).toContain("max-age=");
    expect(page.headers.get("x-powered-by")).toBeNull();
    const nonce = page.headers.getSetCookie().find((c) => c.startsWith("pa.pre=")) ?? "";
    expect(nonce).toMatch(/HttpOnly/i);
    expect(nonce).toMatch(/SameSite=Lax/i);
    const signedIn = await client.post("/sign-in", { username: "finance", password: PASSWORD });
    const cookie = signedIn.headers.getSetCookie().find((c) => c.startsWith("pa.sid=")) ?? "";
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it("is branded as the council's service, not GOV.UK, and serves no GOV.UK font or crown", async () => {
    const page = await new WebClient(server.url).get("/sign-in");
    expect(page.text).toContain("<title>Sign in – Placement Audit — Testshire County Council</title>");
    expect(page.text).not.toMatch(/GOV\.UK|Crown copyright|govuk-header__logotype|govuk-footer__crown|govuk-crest/);
    const css = await new WebClient(server.url).get("/stylesheets/govuk-frontend.css");
    expect(css.status).toBe(200);
    expect(css.text).not.toContain("@font-face");
    expect(css.text).not.toContain("/assets/fonts/");
    expect((await new WebClient(server.url).get("/assets/fonts/bold-b542beb274-v2.woff2")).status).toBe(404);
    expect((await new WebClient(server.url).get("/assets/images/govuk-crest.svg")).status).toBe(404);
    expect((await new WebClient(server.url).get("/assets/..%2F..%2Fpackage.json")).status).toBe(404);
  });
});
