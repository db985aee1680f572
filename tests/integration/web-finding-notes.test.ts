import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../src/services/users/users.js";
import type { RunningServer } from "../../src/web/app.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { signedIn, startTestServer } from "./web-client.js";
import { NOW, PASSWORD, seedReview, seedUsers, type Seeded } from "./web-seed.js";

/**
 * Notes and "assigned to" on findings, over real HTTP on a real database: notes kept in order
 * with who and when, escaped, audit-logged; assignment to a finance officer of the same council
 * only; the list's "assigned to me" filter; the JSON API; refusals for other roles and without
 * the CSRF token.
 */
let t: TestDatabase;
let server: RunningServer;
let seeded: Seeded;
const SCRIPT_NOTE = `Asked the provider <script>alert("note")</script> & waiting`;

beforeAll(async () => {
  t = await openTestDatabase();
  seeded = await seedReview(t.db, t.dataDir);
  await seedUsers(t.db);
  await createUser(t.db, { authorityId: 1, username: "rita", password: PASSWORD, role: "finance_officer" }, "test");
  await createUser(t.db, { authorityId: 1, username: "sam", password: PASSWORD, role: "finance_officer" }, "test");
  await t.db.knex("users").where({ username: "sam" }).update({ disabled_at: NOW });
  server = await startTestServer(t, { now: () => NOW });
  // A deployment serves one council, found at the first sign-in; a second council's rows come
  // after it (a database shared by two deployments), so that its users are there to be refused.
  await signedIn(server.url, "finance");
  await t.db.knex("authorities").insert({ id: 2, code: "other", name: "Another council" });
  await createUser(t.db, { authorityId: 2, username: "outsider", password: PASSWORD, role: "finance_officer" }, "test");
});

afterAll(async () => {
  await server?.close();
  await t?.dispose();
});

async function userId(username: string, authorityId = 1): Promise<string> {
  const row = await t.db.knex("users").where({ username, authority_id: authorityId }).first<{ id: string | number }>("id");
  return String(row?.id);
}

interface ApiFinding {
  assignedTo: { id: string; username: string } | null;
  notes: { text: string; username: string; at: string }[];
}

describe("notes on a finding", () => {
  it("keeps notes in order with who and when, escaped, and logs each", async () => {
    const finance = await signedIn(server.url, "finance");
    const rita = await signedIn(server.url, "rita");
    const id = seeded.findings.arithmetic;
    const first = await finance.post(`/findings/${id}/notes`, { note: SCRIPT_NOTE, return_to: "/findings?status=open" });
    expect(first.status).toBe(303);
    expect(first.location).toBe(`/findings/${id}?return_to=%2Ffindings%3Fstatus%3Dopen#notes`);
    expect((await rita.post(`/findings/${id}/notes`, { note: "  Provider agreed a credit note.\r\n" })).status).toBe(303);

    const page = await finance.get(`/findings/${id}`);
    expect(page.text).not.toContain(`<script>alert("note")</script>`);
    expect(page.text).toContain("Asked the provider &lt;script&gt;alert(&quot;note&quot;)&lt;/script&gt; &amp; waiting");
    const notes = [...page.text.matchAll(/<p class="govuk-body-s app-secondary app-note__meta">([^<]*)<\/p>\s*<p class="govuk-body app-note__text">([^<]*)<\/p>/g)].map((m) => [m[1], m[2]]);
    expect(notes).toEqual([
      ["finance, 15 Nov 2026, 12:00", "Asked the provider &lt;script&gt;alert(&quot;note&quot;)&lt;/script&gt; &amp; waiting"],
      ["rita, 15 Nov 2026, 12:00", "Provider agreed a credit note."],
    ]);

    const api = (await finance.get(`/api/findings/${id}`)).json<ApiFinding>();
    expect(api.notes.map((n) => [n.username, n.text])).toEqual([["finance", SCRIPT_NOTE], ["rita", "Provider agreed a credit note."]]);
    expect(api.notes[0]?.at).toBe(NOW.toISOString());

    const logged = await t.db.knex("audit_log").where({ entity: "finding", entity_id: id, action: "add_note" }).orderBy("id").select("actor", "after");
    expect(logged).toEqual([{ actor: "finance", after: { note: SCRIPT_NOTE } }, { actor: "rita", after: { note: "Provider agreed a credit note." } }]);
  });

  it("refuses an empty or over-long note on its field, and adds nothing", async () => {
    const finance = await signedIn(server.url, "finance");
    const id = seeded.findings.extraRate;
    const empty = await finance.post(`/findings/${id}/notes`, { note: "   " });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('<a href="#note">Enter a note</a>');
    const long = await finance.post(`/findings/${id}/notes`, { note: "x".repeat(2001) });
    expect(long.status).toBe(400);
    expect(long.text).toContain("Note must be 2000 characters or fewer");
    const api = await finance.request("POST", `/api/findings/${id}/notes`, { json: { note: "" } }, { "x-csrf-token": await finance.csrfToken() });
    expect(api.status).toBe(400);
    expect(api.json<{ error: { code: string; field: string } }>().error).toMatchObject({ code: "note.empty", field: "note" });
    expect(await t.db.knex("finding_notes").where({ finding_id: id }).count<{ n: string }[]>({ n: "*" })).toEqual([{ n: "0" }]);
  });

  it("adds a note through the API", async () => {
    const finance = await signedIn(server.url, "finance");
    const id = seeded.findings.extraQuantity;
    const response = await finance.request("POST", `/api/findings/${id}/notes`, { json: { note: "By the API" } }, { "x-csrf-token": await finance.csrfToken() });
    expect(response.status).toBe(201);
    expect(response.json<{ notes: { text: string; username: string }[] }>().notes.map((n) => [n.username, n.text])).toEqual([["finance", "By the API"]]);
  });
});

describe("assigning a finding", () => {
  it("assigns to a finance officer of the council, filters 'assigned to me', and unassigns", async () => {
    const finance = await signedIn(server.url, "finance");
    const rita = await signedIn(server.url, "rita");
    const mine = seeded.findings.arithmetic;
    const ritas = seeded.findings.extraRate;
    expect((await finance.post(`/findings/${mine}/assignment`, { assignee: await userId("finance") })).status).toBe(303);
    expect((await finance.post(`/findings/${ritas}/assignment`, { assignee: await userId("rita") })).status).toBe(303);

    const page = await finance.get(`/findings/${mine}`);
    expect(page.text).toMatch(/Assigned to\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*finance\s*<\/dd>/);
    expect(page.text).toMatch(/<option value="\d+" selected>finance \(me\)<\/option>/);
    expect(page.text).not.toContain(">sam<"); // disabled: not offered
    expect(page.text).not.toContain(">commissioner<");

    const ids = (html: string): string[] => [...html.matchAll(/name="finding" type="checkbox" value="(\d+)"/g)].map((m) => m[1] ?? "");
    expect(ids((await finance.get("/findings?assigned=me")).text)).toEqual([mine]);
    expect(ids((await rita.get("/findings?assigned=me")).text)).toEqual([ritas]);
    expect(ids((await rita.get("/findings?assigned=nobody")).text).sort()).toEqual([seeded.findings.extraQuantity, seeded.findings.totalMismatch].sort());
    expect((await finance.get("/findings?assigned=me")).text).toContain("Assigned to finance");
    expect((await finance.get("/api/findings?assigned=me")).json<{ items: { id: string; assignedTo: unknown }[] }>().items).toEqual([
      expect.objectContaining({ id: mine, assignedTo: { id: await userId("finance"), username: "finance" } }),
    ]);
    expect((await finance.get(`/api/findings/${ritas}`)).json<ApiFinding>().assignedTo).toEqual({ id: await userId("rita"), username: "rita" });

    // Back to nobody, through the API.
    const unassign = await finance.request("POST", `/api/findings/${ritas}/assignment`, { json: { assignee: "" } }, { "x-csrf-token": await finance.csrfToken() });
    expect(unassign.json()).toEqual({ findingId: ritas, assignedTo: null });
    expect(ids((await rita.get("/findings?assigned=me")).text)).toEqual([]);

    const logged = await t.db.knex("audit_log").where({ entity: "finding", action: "assign" }).orderBy("id").select("actor", "entity_id", "before", "after");
    expect(logged).toEqual([
      { actor: "finance", entity_id: mine, before: { assigned_to: "nobody" }, after: { assigned_to: "finance" } },
      { actor: "finance", entity_id: ritas, before: { assigned_to: "nobody" }, after: { assigned_to: "rita" } },
      { actor: "finance", entity_id: ritas, before: { assigned_to: "rita" }, after: { assigned_to: "nobody" } },
    ]);
  });

  it("refuses a commissioner, a disabled account and a user of another council as assignee", async () => {
    const finance = await signedIn(server.url, "finance");
    const id = seeded.findings.totalMismatch;
    for (const [username, authority] of [["commissioner", 1], ["sam", 1], ["outsider", 2]] as const) {
      const response = await finance.post(`/findings/${id}/assignment`, { assignee: await userId(username, authority) });
      expect(response.status, username).toBe(400);
      expect(response.text, username).toContain("Choose a finance officer of this council whose account is enabled");
    }
    expect((await finance.post(`/findings/${id}/assignment`, { assignee: "not a number" })).status).toBe(400);
    const row = await t.db.knex("findings").where({ id }).first<{ assigned_user_id: unknown }>("assigned_user_id");
    expect(row?.assigned_user_id).toBeNull();
  });
});

describe("who may write notes and assign", () => {
  it("refuses commissioners and admins, and requests without the CSRF token", async () => {
    const id = seeded.findings.totalMismatch;
    for (const username of ["commissioner", "admin"]) {
      const client = await signedIn(server.url, username);
      expect((await client.post(`/findings/${id}/notes`, { note: "not mine to write" })).status, username).toBe(403);
      expect((await client.post(`/findings/${id}/assignment`, { assignee: await userId("finance") })).status, username).toBe(403);
    }
    const commissioner = await signedIn(server.url, "commissioner");
    const page = await commissioner.get(`/findings/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(`action="/findings/${id}/notes"`);
    const finance = await signedIn(server.url, "finance");
    expect((await finance.request("POST", `/findings/${id}/notes`, { form: { note: "no token" } })).status).toBe(403);
    expect((await finance.request("POST", `/api/findings/${id}/assignment`, { json: { assignee: "" } })).status).toBe(403);
    expect(await t.db.knex("finding_notes").where({ finding_id: id }).count<{ n: string }[]>({ n: "*" })).toEqual([{ n: "0" }]);
  });

  it("keeps another council's findings out of reach", async () => {
    // Another council's finance officer, naming this council's finding by its id. (A finding can no
    // longer be made to point across councils: its invoice reference carries the council, migration
    // 20261210_w2401, so the finding stays council 1's and the outsider must not reach it.)
    const outsider = await signedIn(server.url, "outsider");
    const id = seeded.findings.totalMismatch;
    const notesBefore = await t.db.knex("finding_notes").where({ finding_id: id }).count<{ count: string | number }[]>("* as count");
    expect((await outsider.post(`/findings/${id}/notes`, { note: "across councils" })).status).toBe(404);
    const notesAfter = await t.db.knex("finding_notes").where({ finding_id: id }).count<{ count: string | number }[]>("* as count");
    expect(Number(notesAfter[0]?.count)).toBe(Number(notesBefore[0]?.count));
  });
});
