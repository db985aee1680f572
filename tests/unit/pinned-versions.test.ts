import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { PGLITE_VERSION } from "../../src/db/connection.js";

describe("pinned versions", () => {
  it("pins PGlite exactly, to the version the data directories are stamped with", () => {
    const pkg = JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { dependencies: Record<string, string> };
    expect(pkg.dependencies["@electric-sql/pglite"]).toBe(PGLITE_VERSION);
    const installed = JSON.parse(fs.readFileSync(new URL("../../node_modules/@electric-sql/pglite/package.json", import.meta.url), "utf8")) as { version: string };
    expect(installed.version).toBe(PGLITE_VERSION);
  });
});
