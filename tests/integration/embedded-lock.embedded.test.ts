import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/connection.js";
import { freshDataDir, tempDir } from "../support/db.js";

const root = path.resolve(import.meta.dirname, "../..");
const holder = path.join(root, "tests/support/hold-database.ts");

// Only meaningful for the embedded database: *.embedded.test.ts files are left out of the
// postgres project by vitest.config.ts.
// The data directories that get opened are copies of the run's migrated template (no initdb,
// no migrations: seconds each); what is tested is the lock, not making a database.
describe("the embedded database is used by one process at a time", () => {
  const dataDir = freshDataDir("lock");
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("refuses a second process, naming the holder, and loses no row", async () => {
    const first = spawn(process.execPath, ["--import", "tsx", holder, "25"], { cwd: root, env: { ...process.env, DATA_DIR: dataDir }, stdio: ["pipe", "pipe", "pipe"] });
    let firstErr = "";
    first.stderr.on("data", (chunk: Buffer) => (firstErr += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      first.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
      first.on("exit", (code) => reject(new Error(`holder exited ${code}: ${firstErr}`)));
    });

    const second = spawnSync(process.execPath, ["--import", "tsx", holder, "5"], { cwd: root, env: { ...process.env, DATA_DIR: dataDir }, encoding: "utf8", timeout: 60_000 });
    expect(second.status).toBe(2);
    expect(second.stderr).toContain("database.in_use");
    expect(second.stderr).toContain(`in use by process ${first.pid}`);

    first.stdin.end();
    await new Promise((resolve) => first.on("exit", resolve));

    const db = await openDatabase({ databaseUrl: null, dataDir });
    try {
      const rows = await db.knex("audit_log").select("actor");
      expect(rows).toHaveLength(25);
      expect(new Set(rows.map((r: { actor: string }) => r.actor))).toEqual(new Set([`pid-${first.pid}`]));
    } finally {
      await db.close();
    }
  });

  it("takes over a lock left by a process that died", async () => {
    const dir = freshDataDir("stale");
    fs.mkdirSync(path.join(dir, "database.locks"), { recursive: true });
    expect(fs.readdirSync(path.join(dir, "database.locks"))).toEqual([]);
    fs.writeFileSync(path.join(dir, "database.locks", "1"), JSON.stringify({ pid: 2 ** 22 + 12345, command: "gone", since: "2026-01-01", token: "x" }));
    const db = await openDatabase({ databaseUrl: null, dataDir: dir });
    expect(fs.readdirSync(path.join(dir, "database.locks")).sort()).toEqual(["1", "2"]);
    await db.close();
    // The dead generation stays (deleting it is what made takeover racy); ours is gone.
    expect(fs.readdirSync(path.join(dir, "database.locks"))).toEqual(["1"]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a data directory made by another PGlite version with a dump-and-restore message", async () => {
    const dir = tempDir("version");
    fs.mkdirSync(path.join(dir, "pgdata"));
    fs.writeFileSync(path.join(dir, "pglite-version.txt"), "0.2.0");
    await expect(openDatabase({ databaseUrl: null, dataDir: dir })).rejects.toThrow(/made by PGlite 0\.2\.0.*dump and restore/s);
    expect(fs.readdirSync(path.join(dir, "database.locks"))).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
