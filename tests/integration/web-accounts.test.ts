import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT_OK, EXIT_REJECTED } from "../../src/cli/command.js";
import { usersCommand } from "../../src/cli/commands/users.js";
import { AppError } from "../../src/domain/errors.js";
import { authenticate, createUser } from "../../src/services/users/users.js";
import type { RunningServer } from "../../src/web/app.js";
import { commandContext } from "../support/cli.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { signedIn, startTestServer, WebClient } from "./web-client.js";
import { NOW, PASSWORD, seedReview, seedUsers } from "./web-seed.js";

/**
 * Accounts over real HTTP and the command line, on a real database: an administrator disables
 * and enables a user (their sessions end at once), resets a password to a one-time one that must
 * be changed before anything else, and everyone changes their own password. Role refusals and
 * CSRF on every new form; statuses and roles in words; every change in the audit log, never a
 * password.
 */
let t: TestDatabase;
let server: RunningServer;

beforeAll(async () => {
  t = await openTestDatabase();
  await seedReview(t.db, t.dataDir);
  await seedUsers(t.db);
  for (const username of ["olivia", "peter", "quinn", "ursula"]) {
    await createUser(t.db, { authorityId: 1, username, password: PASSWORD, role: "finance_officer" }, "test");
  }
  server = await startTestServer(t, { now: () => NOW });
});

afterAll(async () => {
  await server?.close();
  await t?.dispose();
});

async function userId(username: string): Promise<string> {
  const row = await t.db.knex("users").where({ username }).first<{ id: string | number }>("id");
  return String(row?.id);
}

async function auditRows(action: string, username: string): Promise<{ actor: string; before: unknown; after: unknown }[]> {
  return t.db.knex("audit_log").where({ action, entity: "user", entity_id: await userId(username) }).orderBy("id").select("actor", "before", "after");
}

/** What a reader sees: the page without its tags (attribute values such as form values dropped). */
function visibleText(html: string): string {
  return html.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ");
}

function oneTimePasswordIn(html: string): string {
  const match = /<code>([a-z2-9]{4}(?:-[a-z2-9]{4}){3})<\/code>/.exec(html);
  if (!match?.[1]) throw new Error("no one-time password on the page");
  return match[1];
}

describe("disabling and enabling a user", () => {
  it("ends the user's sessions at once, refuses their sign-in, and lets them in again when enabled", async () => {
    const olivia = await signedIn(server.url, "olivia");
    expect((await olivia.get("/findings")).status).toBe(200);
    const admin = await signedIn(server.url, "admin");

    const disabled = await admin.post(`/users/${await userId("olivia")}/disable`);
    expect(disabled.status).toBe(303);
    const page = await admin.get("/users");
    expect(page.text).toContain("olivia is disabled and signed out everywhere.");
    expect(page.text).toMatch(/<tr class="govuk-table__row" id="user-\d+">\s*<td class="govuk-table__cell">olivia<\/td>[\s\S]*?Disabled/);
    // Roles and statuses in words: no code in what the page shows (form values aside).
    expect(visibleText(page.text)).not.toMatch(/finance_officer|must_change|disabled_at/);
    expect(visibleText(page.text)).toMatch(/olivia\s+Finance officer/);

    // The open session is gone: the next page is the sign-in form.
    const after = await olivia.get("/findings");
    expect(after.status).toBe(302);
    expect(after.location).toBe("/sign-in?next=%2Ffindings");
    const sessions = await t.db.knex("sessions").whereRaw("data->>'userId' = ?", [await userId("olivia")]).count<{ n: string }[]>({ n: "*" });
    expect(Number(sessions[0]?.n)).toBe(0);

    // The right password is refused, and says why; a wrong one says nothing more than usual.
    const refused = await new WebClient(server.url).signIn("olivia");
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("This account is disabled. Ask an administrator to enable it.");
    const wrong = await new WebClient(server.url).signIn("olivia", "not the password at all");
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain("disabled");
    expect((await authenticate(t.db, 1, "olivia", PASSWORD)).ok).toBe(false);

    expect((await admin.post(`/users/${await userId("olivia")}/enable`)).status).toBe(303);
    expect((await new WebClient(server.url).signIn("olivia")).status).toBe(303);

    expect(await auditRows("disable", "olivia")).toEqual([{ actor: "admin", before: { username: "olivia", status: "Active" }, after: { status: "Disabled", sessions_ended: 1 } }]);
    expect(await auditRows("enable", "olivia")).toEqual([{ actor: "admin", before: { username: "olivia", status: "Disabled" }, after: { status: "Active" } }]);
  });

  it("refuses to disable your own account or reset your own password", async () => {
    const admin = await signedIn(server.url, "admin");
    const self = await admin.post(`/users/${await userId("admin")}/disable`);
    expect(self.status).toBe(400);
    expect(self.text).toContain("You cannot disable your own account");
    expect((await admin.post(`/users/${await userId("admin")}/reset-password`)).text).toContain("You cannot reset the password of your own account");
    expect((await admin.get("/users")).status).toBe(200);
  });

  it("refuses other roles and requests without the CSRF token", async () => {
    const target = await userId("peter");
    for (const username of ["finance", "commissioner"]) {
      const client = await signedIn(server.url, username);
      for (const action of ["disable", "enable", "reset-password"]) {
        const response = await client.post(`/users/${target}/${action}`);
        expect(response.status, `${username} ${action}`).toBe(403);
      }
      const page = await client.get("/users");
      expect(page.status).toBe(403);
      expect(page.text).toContain(`Your role (${username === "finance" ? "Finance officer" : "Commissioner"}) does not allow this`);
      expect(visibleText(page.text)).not.toContain("finance_officer");
    }
    const admin = await signedIn(server.url, "admin");
    const noToken = await admin.request("POST", `/users/${target}/disable`, { form: {} });
    expect(noToken.status).toBe(403);
    const otherToken = await admin.request("POST", `/users/${target}/reset-password`, { form: { _csrf: await (await signedIn(server.url, "admin")).csrfToken() } });
    expect(otherToken.status).toBe(403);
    expect(await t.db.knex("users").where({ username: "peter" }).first("disabled_at", "must_change_password")).toEqual({ disabled_at: null, must_change_password: false });
  });
});

describe("roles in words", () => {
  it("names the roles in words in the add-user error, never by code", async () => {
    const admin = await signedIn(server.url, "admin");
    const response = await admin.post("/users", { username: "someone", password: "a long enough password", role: "king" });
    expect(response.status).toBe(400);
    expect(response.text).toContain("Select a role: finance officer, commissioner, administrator, consortium analyst");
    expect(visibleText(response.text)).not.toContain("finance_officer");
  });
});

describe("resetting a password", () => {
  it("shows a one-time password once; the user must change it before anything else", async () => {
    const peterBefore = await signedIn(server.url, "peter");
    const admin = await signedIn(server.url, "admin");
    const reset = await admin.post(`/users/${await userId("peter")}/reset-password`);
    expect(reset.status).toBe(200);
    const otp = oneTimePasswordIn(reset.text);
    expect(otp).toHaveLength(19);
    // Shown once: not on the next view of the page, not in the session table, not in the audit log.
    expect((await admin.get("/users")).text).not.toContain(otp);
    expect((await admin.get("/users")).text).toMatch(/peter<\/td>[\s\S]*?Must change password at next sign-in/);
    expect(JSON.stringify(await t.db.knex("sessions").select("data"))).not.toContain(otp);
    expect(JSON.stringify(await t.db.knex("audit_log").select("before", "after"))).not.toContain(otp);
    // Peter's sessions ended; his old password no longer works.
    expect((await peterBefore.get("/findings")).status).toBe(302);
    expect((await new WebClient(server.url).signIn("peter")).status).toBe(401);

    const peter = new WebClient(server.url);
    const signIn = await peter.signIn("peter", otp);
    expect(signIn.status).toBe(303);
    expect(signIn.location).toBe("/account/password");
    for (const path of ["/", "/findings", "/invoices", "/rules"]) {
      const page = await peter.get(path);
      expect(page.status, path).toBe(302);
      expect(page.location, path).toBe("/account/password");
    }
    expect((await peter.get("/api/session")).json<{ mustChangePassword: boolean }>().mustChangePassword).toBe(true);
    const api = await peter.get("/api/findings");
    expect(api.status).toBe(403);
    expect(api.json<{ error: { code: string } }>().error.code).toBe("auth.password_change_required");
    const decide = await peter.post(`/findings/999/decisions`, { action: "confirm" });
    expect(decide.location).toBe("/account/password");
    const form = await peter.get("/account/password");
    expect(form.status).toBe(200);
    expect(form.text).toContain("An administrator has reset your password.");

    // Every rule of the form, each said on the field it is about.
    const wrongCurrent = await peter.post("/account/password", { current_password: "not it at all", new_password: "a brand new password", confirm_password: "a brand new password" });
    expect(wrongCurrent.status).toBe(400);
    expect(wrongCurrent.text).toContain("Your current password is not right");
    const short = await peter.post("/account/password", { current_password: otp, new_password: "too short", confirm_password: "too short" });
    expect(short.text).toContain("New password must be at least 10 characters");
    const same = await peter.post("/account/password", { current_password: otp, new_password: otp, confirm_password: otp });
    expect(same.text).toContain("New password must be different from your current password");
    const mismatch = await peter.post("/account/password", { current_password: otp, new_password: "a brand new password", confirm_password: "a brand new passw0rd" });
    expect(mismatch.text).toContain("The passwords do not match");
    expect((await peter.get("/findings")).location).toBe("/account/password");

    const changed = await peter.post("/account/password", { current_password: otp, new_password: "a brand new password", confirm_password: "a brand new password" });
    expect(changed.status).toBe(303);
    expect(changed.location).toBe("/");
    expect((await peter.get("/findings")).status).toBe(200);
    expect((await new WebClient(server.url).signIn("peter", otp)).status).toBe(401);
    expect((await new WebClient(server.url).signIn("peter", "a brand new password")).location).toBe("/");

    expect(await auditRows("reset_password", "peter")).toEqual([
      { actor: "admin", before: { username: "peter" }, after: { password: "one-time password issued, to be changed at next sign-in", sessions_ended: 1 } },
    ]);
    expect(await auditRows("change_password", "peter")).toEqual([
      { actor: "peter", before: { password: "one-time password" }, after: { password: "changed by its user", other_sessions_ended: 0 } },
    ]);
  });
});

describe("changing your own password", () => {
  it("needs the current password, keeps this session and ends the others; every role may", async () => {
    const elsewhere = await signedIn(server.url, "commissioner");
    const here = await signedIn(server.url, "commissioner");
    const noToken = await here.request("POST", "/account/password", { form: { current_password: PASSWORD, new_password: "commissioner's new one", confirm_password: "commissioner's new one" } });
    expect(noToken.status).toBe(403);
    const changed = await here.post("/account/password", { current_password: PASSWORD, new_password: "commissioner's new one", confirm_password: "commissioner's new one" });
    expect(changed.status).toBe(303);
    expect((await here.get("/")).text).toContain("Your password is changed.");
    expect((await here.get("/reports/savings")).status).toBe(200);
    expect((await elsewhere.get("/reports/savings")).status).toBe(302);
    expect((await authenticate(t.db, 1, "commissioner", PASSWORD)).ok).toBe(false);
    expect((await authenticate(t.db, 1, "commissioner", "commissioner's new one")).ok).toBe(true);
    expect(await auditRows("change_password", "commissioner")).toEqual([{ actor: "commissioner", before: null, after: { password: "changed by its user", other_sessions_ended: expect.any(Number) as unknown } }]);
    // The link is in every page's account bar.
    expect((await here.get("/")).text).toContain('href="/account/password">Change password</a>');
  });
});

describe("guessing the current password", () => {
  it("is throttled like signing in: after a few wrong ones even the right one waits", async () => {
    const ursula = await signedIn(server.url, "ursula");
    const attempt = (current: string): Promise<{ status: number; text: string }> =>
      ursula.post("/account/password", { current_password: current, new_password: "ursula's new passphrase", confirm_password: "ursula's new passphrase" });
    let blocked = false;
    for (let i = 0; i < 10 && !blocked; i++) blocked = (await attempt(`wrong guess ${i}`)).text.includes("Too many wrong passwords. Wait 1 minute, then try again.");
    expect(blocked).toBe(true);
    const right = await attempt(PASSWORD);
    expect(right.status).toBe(400);
    expect(right.text).toContain("Too many wrong passwords.");
    expect((await authenticate(t.db, 1, "ursula", "ursula's new passphrase")).ok).toBe(false);
  });
});

function cliContext(): ReturnType<typeof commandContext> {
  return commandContext(t.db, t.dataDir);
}

describe("users disable|enable|reset-password on the command line", () => {
  it("disables, enables and resets by username, in words, audit-logged as the command line", async () => {
    const quinn = await signedIn(server.url, "quinn");
    const disable = cliContext();
    expect(await usersCommand.run(["disable", "Quinn"], disable.context)).toBe(EXIT_OK);
    expect(disable.out()).toBe("quinn is disabled: they cannot sign in, and their sessions have ended.\n");
    expect((await quinn.get("/findings")).status).toBe(302);
    const list = cliContext();
    expect(await usersCommand.run(["list", "--format", "csv"], list.context)).toBe(EXIT_OK);
    expect(list.out()).toContain("quinn,Finance officer,Disabled,");

    const enable = cliContext();
    expect(await usersCommand.run(["enable", "quinn"], enable.context)).toBe(EXIT_OK);
    expect(enable.out()).toBe("quinn can sign in again (active).\n");

    const reset = cliContext();
    expect(await usersCommand.run(["reset-password", "quinn"], reset.context)).toBe(EXIT_OK);
    const otp = /One-time password for quinn: (\S+)\n/.exec(reset.out())?.[1] ?? "";
    expect(otp).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    const signIn = await new WebClient(server.url).signIn("quinn", otp);
    expect(signIn.location).toBe("/account/password");
    const after = cliContext();
    expect(await usersCommand.run(["list", "--format", "table"], after.context)).toBe(EXIT_OK);
    expect(after.out()).toContain("Must change password at next sign-in");

    expect((await auditRows("disable", "quinn")).map((r) => r.actor)).toEqual(["cli"]);
    expect((await auditRows("reset_password", "quinn")).map((r) => r.actor)).toEqual(["cli"]);

    const unknown = cliContext();
    expect(await usersCommand.run(["disable", "nobody-here"], unknown.context)).toBe(EXIT_REJECTED);
    expect(unknown.err()).toContain('There is no user called "nobody-here"');
    for (const args of [["disable"], ["enable", "a", "b"], ["reset-password", "--force", "quinn"]]) {
      await expect(usersCommand.run(args, cliContext().context), args.join(" ")).rejects.toThrow(AppError);
    }
  });
});
