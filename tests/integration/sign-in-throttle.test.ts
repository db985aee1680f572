import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { THROTTLE } from "../../src/services/users/sign-in-throttle.js";
import { authenticate, createUser, scryptWorkSoFar } from "../../src/services/users/users.js";
import type { RunningServer } from "../../src/web/app.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { startTestServer, WebClient, type WebResponse } from "./web-client.js";
import { NOW, PASSWORD, seedUsers } from "./web-seed.js";

/**
 * Sign-in that cannot be abused (issue 22), over real HTTP. Clients on other loopback
 * addresses (127.0.0.2 …) are other machines as far as the server can tell.
 */
let t: TestDatabase;
let server: RunningServer;
let now = NOW;

beforeAll(async () => {
  t = await openTestDatabase();
  await seedUsers(t.db);
  server = await startTestServer(t, { now: () => now });
});

afterAll(async () => {
  await server?.close();
  await t?.dispose();
});

function later(seconds: number): void {
  now = new Date(now.getTime() + seconds * 1000);
}

async function attemptFrom(address: string, username: string, password: string): Promise<WebResponse> {
  return new WebClient(server.url, address).signIn(username, password);
}

describe("sign-in throttling", () => {
  it("backs off one address's guesses at an account with doubling waits, and never confirms a password while it waits", async () => {
    await createUser(t.db, { authorityId: 1, username: "target", password: PASSWORD, role: "commissioner" }, "test");
    for (let i = 1; i <= THROTTLE.pairFreeFailures; i++) expect((await attemptFrom("127.0.0.2", "target", "wrong password")).status).toBe(401);
    expect((await attemptFrom("127.0.0.2", "target", "wrong password")).status).toBe(401); // the first counted beyond the free ones
    const waiting = await attemptFrom("127.0.0.2", "target", PASSWORD);
    expect(waiting.status).toBe(429);
    expect(waiting.headers.get("retry-after")).toBe("1");
    expect(waiting.text).toContain("Too many failed sign-in attempts. Wait 1 second, then try again.");
    expect(waiting.text).not.toContain("password is not right");
    later(2);
    expect((await attemptFrom("127.0.0.2", "target", "wrong password")).status).toBe(401);
    expect((await attemptFrom("127.0.0.2", "target", "wrong password")).headers.get("retry-after")).toBe("2");
    later(3);
    expect((await attemptFrom("127.0.0.2", "target", "wrong password")).status).toBe(401);
    expect((await attemptFrom("127.0.0.2", "target", "wrong password")).headers.get("retry-after")).toBe("4");
  });

  it("lets the account's owner in from their own address while a stranger is being throttled", async () => {
    expect((await attemptFrom("127.0.0.2", "target", PASSWORD)).status).toBe(429);
    expect((await attemptFrom("127.0.0.1", "target", PASSWORD)).status).toBe(303);
    // A wrong password from the owner's address is an ordinary refusal, not a lock.
    expect((await attemptFrom("127.0.0.1", "target", "wrong password")).status).toBe(401);
  });

  it("throttles password spraying across accounts from one address, not other addresses", async () => {
    const names = Array.from({ length: THROTTLE.ipFreeFailures + 1 }, (_, i) => `sprayed${i}`);
    for (const name of names) expect((await attemptFrom("127.0.0.3", name, "Password1!")).status).toBe(401);
    const blocked = await attemptFrom("127.0.0.3", "finance", PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toBe("1");
    expect((await attemptFrom("127.0.0.4", "finance", PASSWORD)).status).toBe(303);
  });

  it("gives each address one free failure at an account under attack from many addresses, so its owner still gets in", async () => {
    await createUser(t.db, { authorityId: 1, username: "besieged", password: PASSWORD, role: "commissioner" }, "test");
    const guesses = Array.from({ length: THROTTLE.usernameUnderAttackAfter + 1 }, (_, i) =>
      authenticate(t.db, 1, "besieged", "guess", now, { ip: `10.0.${Math.floor(i / 256)}.${i % 256}` }),
    );
    expect((await Promise.all(guesses)).every((r) => !r.ok && r.reason === "invalid")).toBe(true);
    const fresh = "10.9.9.9";
    expect(await authenticate(t.db, 1, "besieged", "guess", now, { ip: fresh })).toEqual({ ok: false, reason: "invalid" });
    expect(await authenticate(t.db, 1, "besieged", "guess", now, { ip: fresh })).toEqual({ ok: false, reason: "invalid" });
    expect(await authenticate(t.db, 1, "besieged", PASSWORD, now, { ip: fresh })).toMatchObject({ ok: false, reason: "throttled" });
    expect(await authenticate(t.db, 1, "besieged", PASSWORD, now, { ip: "10.9.9.10" })).toMatchObject({ ok: true });
  }, 120_000);

  it("shows an admin the recent failures and clears them", async () => {
    const admin = new WebClient(server.url);
    expect((await admin.signIn("admin", PASSWORD)).status).toBe(303);
    const list = await admin.get("/users");
    expect(list.text).toMatch(/\d+ failed sign-in attempts in the last hour/);
    const user = await t.db.knex("users").where({ username: "target" }).first<{ id: string }>("id");
    expect((await admin.post(`/users/${user?.id}/unlock`)).status).toBe(303);
    expect((await attemptFrom("127.0.0.2", "target", PASSWORD)).status).toBe(303);
  });
});

describe("sign-in timing", () => {
  it("runs the same scrypt derivation exactly once for an unknown user, a known one, a throttled one, a very long password and the right one", async () => {
    // What an attempt's time is made of, counted rather than timed (no test times anything):
    // the medians are printed by bench/sign-in.bench.ts.
    await createUser(t.db, { authorityId: 1, username: "timed", password: PASSWORD, role: "commissioner" }, "test");
    // Throttle "timed" from 127.0.0.5 only.
    for (let i = 0; i <= THROTTLE.pairFreeFailures; i++) await authenticate(t.db, 1, "timed", "wrong", now, { ip: "127.0.0.5" });
    const cases = {
      known: () => authenticate(t.db, 1, "timed", "wrong password", now, { ip: "127.0.0.6" }),
      unknown: () => authenticate(t.db, 1, "nobody-at-all", "wrong password", now, { ip: "127.0.0.7" }),
      throttled: () => authenticate(t.db, 1, "timed", PASSWORD, now, { ip: "127.0.0.5" }),
      longPassword: () => authenticate(t.db, 1, "timed", "x".repeat(100_000), now, { ip: "127.0.0.8" }),
      right: () => authenticate(t.db, 1, "timed", PASSWORD, now, { ip: "127.0.0.9" }),
    };
    const work: Record<string, { runs: number; cost: number }> = {};
    const results: Record<string, unknown> = {};
    for (const [name, run] of Object.entries(cases)) {
      const before = scryptWorkSoFar();
      results[name] = await run();
      const after = scryptWorkSoFar();
      work[name] = { runs: after.runs - before.runs, cost: after.cost - before.cost };
    }
    expect(results).toMatchObject({ known: { reason: "invalid" }, unknown: { reason: "invalid" }, throttled: { reason: "throttled" }, longPassword: { reason: "invalid" }, right: { ok: true } });
    // N = 32768, r = 8, p = 1, a 64-byte key: the stored hashes' cost and the dummy hash's alike.
    const one = { runs: 1, cost: 32768 * 8 * 1 * 64 };
    expect(work).toEqual({ known: one, unknown: one, throttled: one, longPassword: one, right: one });
  });
});

describe("anonymous requests", () => {
  it("store no session row: the sign-in form, the API's session and refused sign-ins", async () => {
    const count = async (): Promise<number> => Number((await t.db.knex("sessions").count<{ n: string }[]>({ n: "*" }))[0]?.n);
    const before = await count();
    for (let i = 0; i < 10; i++) {
      const client = new WebClient(server.url);
      expect((await client.get("/sign-in")).status).toBe(200);
      expect((await client.get("/api/session")).status).toBe(200);
      expect((await client.get("/findings")).status).toBe(302);
      expect((await client.post("/sign-in", { username: `nobody${i}`, password: "wrong password" })).status).toBe(401);
    }
    expect(await count()).toBe(before);
  });

  it("refuses a sign-in form whose signed token does not match this browser's cookie", async () => {
    const victim = new WebClient(server.url);
    const token = await victim.csrfToken();
    const attacker = new WebClient(server.url);
    await attacker.get("/sign-in");
    const forged = await attacker.request("POST", "/sign-in", { form: { _csrf: token, username: "finance", password: PASSWORD } });
    expect(forged.status).toBe(403);
    const noCookie = new WebClient(server.url);
    expect((await noCookie.request("POST", "/sign-in", { form: { _csrf: token, username: "finance", password: PASSWORD } })).status).toBe(403);
  });

  it("are limited per address (429 with the limit in the headers)", async () => {
    const limited = await startTestServer(t, { anonymousRequestsPerMinute: 5 });
    try {
      const client = new WebClient(limited.url, "127.0.0.9");
      for (let i = 0; i < 5; i++) expect((await client.get("/sign-in")).status).toBe(200);
      const refused = await client.get("/sign-in");
      expect(refused.status).toBe(429);
      expect(refused.text).toContain("Too many requests from your address");
      expect(refused.headers.get("ratelimit-policy")).toContain("5");
      expect((await new WebClient(limited.url, "127.0.0.10").get("/sign-in")).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
