import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addAuthority, authorityByCode } from "../../src/db/repositories/authority.repository.js";
import { councilNameOf, deploymentAuthorityId } from "../../src/services/authority/authority.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";

// The authority a command or a signed-out request acts for: the only one in the database.
describe("the deployment's authority", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("is the one authority the migrations create, with its name", async () => {
    expect(await deploymentAuthorityId(t.db)).toBe(1);
    expect(await councilNameOf(t.db, 1)).toBe("The council");
    expect(await councilNameOf(t.db, 2)).toBeNull();
  });

  it("is refused, not guessed, when the database holds two: a usage error naming their codes", async () => {
    await t.db.knex("authorities").insert({ id: 2, code: "second", name: "A second council" });
    await expect(deploymentAuthorityId(t.db)).rejects.toMatchObject({ code: "usage", message: expect.stringMatching(/2 authorities.*--authority CODE \(default, second\)/) as unknown });
    await t.db.knex("authorities").where({ id: 2 }).del();
    expect(await deploymentAuthorityId(t.db)).toBe(1);
  });

  it("adds a council with a fresh id (the sequence is past the id migration 0001 gave) and finds it by code", async () => {
    const id = await addAuthority(t.db.knex, { code: "north", name: "North Council" });
    expect(id).toBeGreaterThan(1);
    expect(await authorityByCode(t.db.knex, "north")).toEqual({ id, code: "north", name: "North Council" });
    expect(await authorityByCode(t.db.knex, "south")).toBeNull();
    await expect(addAuthority(t.db.knex, { code: "north", name: "Another" })).rejects.toThrow();
    await t.db.knex("authorities").where({ id }).del();
  });
});
