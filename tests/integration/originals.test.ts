import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Of } from "../../src/services/ingest/ingest-storage.js";
import { originalsStore } from "../../src/services/originals/originals.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(async () => t.dispose());

describe("the originals store (one port, two homes)", () => {
  it("keeps a content once, reads it back, and keeps nothing of it in DATA_DIR on a server", async () => {
    const store = originalsStore(t.db, t.dataDir);
    const bytes = Buffer.from("invoice,OFP-1\n1,2\n");
    const sha = sha256Of(bytes);
    expect(await store.has(sha, "a.csv")).toBe(false);
    const first = await store.keep(sha, "a.csv", bytes);
    const again = await store.keep(sha, "a.csv", bytes);
    expect(again).toBe(first);
    expect(await store.has(sha, "a.csv")).toBe(true);
    expect((await store.read({ sha256: sha, storedPath: first })).equals(bytes)).toBe(true);
    if (t.db.kind === "postgres") {
      expect(store.kind).toBe("database");
      expect(first).toBe(`database:${sha}`);
      expect(await t.db.knex("original_files").where({ sha256: sha }).count({ n: "*" })).toEqual([{ n: "1" }]);
      expect(fs.existsSync(path.join(t.dataDir, "files"))).toBe(false);
    } else {
      expect(store.kind).toBe("data_dir");
      expect(fs.readFileSync(path.join(t.dataDir, first)).equals(bytes)).toBe(true);
    }
    // No received file refers to it: forgetting removes it, and reading it then is "not found".
    await store.forget(sha, first);
    await expect(store.read({ sha256: sha, storedPath: first })).rejects.toMatchObject({ code: "not_found" });
  });
});
