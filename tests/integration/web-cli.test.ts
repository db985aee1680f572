import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT_OK, EXIT_REJECTED } from "../../src/cli/command.js";
import { parsePort } from "../../src/cli/commands/serve.js";
import { usersCommand } from "../../src/cli/commands/users.js";
import { AppError } from "../../src/domain/errors.js";
import { authenticate } from "../../src/services/users/users.js";
import { commandContext } from "../support/cli.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";

/** `users add` (INTERFACES.md) and the `serve` options, run against a real database. */
let t: TestDatabase;

beforeAll(async () => {
  t = await openTestDatabase();
});

afterAll(async () => {
  await t?.dispose();
});

function context(stdinText: string): ReturnType<typeof commandContext> {
  return commandContext(t.db, t.dataDir, stdinText);
}

describe("users add", () => {
  it("creates a user with the password from standard input (first line)", async () => {
    const run = context("a strong password here\nsecond line ignored\n");
    expect(await usersCommand.run(["add", "Finance.Two", "--role", "finance_officer"], run.context)).toBe(EXIT_OK);
    expect(run.out()).toBe("Created user finance.two (Finance officer).\n");
    expect((await authenticate(t.db, 1, "finance.two", "a strong password here")).ok).toBe(true);
    const logged = await t.db.knex("audit_log").where({ entity: "user", action: "create", actor: "cli" }).first<{ after: unknown }>("after");
    expect(logged?.after).toEqual({ username: "finance.two", role: "finance_officer" });
  });

  it("reads the password from --password-env", async () => {
    process.env.PA_TEST_PASSWORD = "from the environment";
    const run = context("");
    expect(await usersCommand.run(["add", "commish", "--role=commissioner", "--password-env", "PA_TEST_PASSWORD"], run.context)).toBe(EXIT_OK);
    expect((await authenticate(t.db, 1, "commish", "from the environment")).ok).toBe(true);
    delete process.env.PA_TEST_PASSWORD;
  });

  it("rejects a short password or a username taken (exit 1), and usage errors", async () => {
    const short = context("short\n");
    expect(await usersCommand.run(["add", "shorty", "--role", "admin"], short.context)).toBe(EXIT_REJECTED);
    expect(short.err()).toContain("Password must be at least 10 characters");
    const taken = context("another good password\n");
    expect(await usersCommand.run(["add", "COMMISH", "--role", "admin"], taken.context)).toBe(EXIT_REJECTED);
    expect(taken.err()).toContain('A user called "commish" already exists');
    for (const args of [["add", "x"], ["add", "x", "--role", "king"], ["remove", "x"], ["add", "--role", "admin"], ["add", "x", "--role", "admin", "--password-env", "PA_UNSET_VARIABLE"]]) {
      await expect(usersCommand.run(args, context("a strong password here\n").context), args.join(" ")).rejects.toThrow(AppError);
    }
    expect(await t.db.knex("users").count<{ n: string }[]>({ n: "*" })).toEqual([{ n: "2" }]);
  });
});

describe("users list", () => {
  it("lists the users with roles and statuses in words", async () => {
    // Two wrong passwords for commish: accounts are throttled, never locked, so the list counts them.
    for (let i = 0; i < 2; i++) expect(await authenticate(t.db, 1, "commish", "not the password", new Date(), { ip: "127.0.0.9" })).toEqual({ ok: false, reason: "invalid" });
    const run = context("");
    expect(await usersCommand.run(["list", "--format", "csv"], run.context)).toBe(EXIT_OK);
    const lines = run.out().trim().split("\r\n");
    expect(lines[0]).toBe("username,role,status,created");
    expect(lines.slice(1).map((l) => l.split(",").slice(0, 3).join(","))).toEqual(["commish,Commissioner,Active (2 failed sign-in(s) in the last hour)", "finance.two,Finance officer,Active"]);
    expect(run.out()).not.toContain("finance_officer");
  });
});

describe("serve options", () => {
  it("takes --port N or --port=N, else PORT", () => {
    expect(parsePort([], 3000)).toBe(3000);
    expect(parsePort(["--port", "8080"], 3000)).toBe(8080);
    expect(parsePort(["--port=0"], 3000)).toBe(0);
    expect(() => parsePort(["--port", "http"], 3000)).toThrow(/--port needs a port number/);
    expect(() => parsePort(["--verbose"], 3000)).toThrow(/unknown option/);
  });
});
