import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { arrayLiteral } from "../../src/db/array-literal.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";

/**
 * arrayLiteral writes the columns of the audit's bulk writes: whatever text a finding's
 * explanation or a note holds must reach the database unchanged. Round trips through the
 * database itself (embedded and PostgreSQL), not a comparison with an expected string only.
 */
describe("arrayLiteral", () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await test.dispose();
  });

  /** The values as the database read them into `type`, back as text (no driver's parsing of arrays in between). */
  async function roundTrip(values: readonly (string | number | null)[], type: string): Promise<unknown[]> {
    const result: { rows: { values: unknown[] }[] } = await test.db.knex.raw(`select (?::${type}[])::text[] as values`, [arrayLiteral(values)]);
    return result.rows[0]?.values ?? [];
  }

  it("keeps text with quotes, backslashes, separators and the word NULL, and real NULLs", async () => {
    const values = [
      "plain",
      'a "quoted" word',
      "a back\\slash",
      '\\"both\\"',
      "commas, {braces} and spaces ",
      "NULL",
      null,
      "",
      "£1,135.20 for 7 nights — “curly” quotes",
      "line one\nline two",
    ];
    expect(await roundTrip(values, "text")).toEqual(values);
  });

  it("writes numbers and decimal strings as numbers", async () => {
    expect(await roundTrip([1, 0, -7, 2147483647], "integer")).toEqual(["1", "0", "-7", "2147483647"]);
    // The digits sent are the digits stored (numeric keeps the scale written).
    expect(await roundTrip(["1135.20", "-0.01", null, "12345678901234.56"], "numeric")).toEqual(["1135.20", "-0.01", null, "12345678901234.56"]);
  });

  it("writes the literal PostgreSQL expects, escaping only what needs it", () => {
    expect(arrayLiteral([])).toBe("{}");
    expect(arrayLiteral(["a", null, 3])).toBe('{"a",NULL,"3"}');
    expect(arrayLiteral(['say "hi"', "c:\\dir"])).toBe('{"say \\"hi\\"","c:\\\\dir"}');
  });
});
