import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import winston from "winston";
import { ingestFiles, reprocessNeedsAttention } from "../../src/services/ingest/ingest-files.js";
import { FIXTURE_PROVIDER_ROWS } from "../fixtures/invoices/providers.js";
import { csvText } from "../fixtures/invoices/spreadsheet-builders.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";

/**
 * DESIGN.md "Data protection": logs carry ids and counts, never document text. Invoices with
 * distinctive text are ingested (read in this process and in worker threads, one of them going
 * to "needs attention", whose reason quotes the document) at the most verbose log level, and the
 * captured log output is searched for that text.
 */

const DESCRIPTION = "Quokka zebra respite weekend 7731";
const UNKNOWN_PROVIDER = "Marmalade Unicorn Care Ltd";
const ADDRESS = "14 Pelican Crescent Wolverhampton";

function invoiceCsv(provider: string, number: string): Buffer {
  return Buffer.from(
    csvText(
      [
        ["Supplier", provider],
        ["Address", ADDRESS],
        ["Invoice No", number],
        ["Invoice Date", "01/11/2026"],
        ["Period", "October 2026"],
        [],
        ["Child Ref", "Description", "Nights", "Rate", "Amount"],
        ["C1001", DESCRIPTION, "31", "£131.00", "£4,061.00"],
        ["", "", "", "Total", "£4,061.00"],
      ],
      ",",
    ),
    "utf8",
  );
}

describe("logs carry no document text", () => {
  let t: TestDatabase;
  let captured = "";
  let logger: winston.Logger;

  beforeAll(async () => {
    t = await openTestDatabase();
    await t.db.knex("providers").insert(FIXTURE_PROVIDER_ROWS);
    const stream = new PassThrough();
    stream.on("data", (chunk: Buffer) => {
      captured += chunk.toString("utf8");
    });
    logger = winston.createLogger({ level: "silly", format: winston.format.json(), transports: [new winston.transports.Stream({ stream })] });
  });
  afterAll(async () => {
    logger.close();
    await t.dispose();
  });

  it("ingest, in this process and in worker threads, and re-processing log ids and codes only", async () => {
    const inProcess = await ingestFiles(
      t.db,
      [
        { name: "oak.csv", bytes: invoiceCsv("Oakfield Fostering Ltd", "OFP-7001") },
        { name: "stranger.csv", bytes: invoiceCsv(UNKNOWN_PROVIDER, "MUC-7002") },
      ],
      { authorityId: 1, dataDir: t.dataDir, logger },
    );
    expect(inProcess.files.map((f) => [f.name, f.status, f.reasonCode])).toEqual([
      ["oak.csv", "stored", null],
      ["stranger.csv", "needs_attention", "unknown_provider"],
    ]);
    // The reason shown to people names only the header field it read, the sender's name, so that
    // the alias can be added (issues 16 and 22); never the lines or the address. The log quotes
    // nothing of the document (below).
    const reason = inProcess.files[1]?.reason ?? "";
    expect(reason).toContain(`the name "${UNKNOWN_PROVIDER}" printed on this file`);
    for (const text of [DESCRIPTION, "Quokka", ADDRESS, "Pelican", "4,061"]) expect(reason, text).not.toContain(text);

    const threaded = await ingestFiles(
      t.db,
      [
        { name: "oak-2.csv", bytes: invoiceCsv("Oakfield Fostering Ltd", "OFP-7003") },
        { name: "oak-3.csv", bytes: invoiceCsv("Oakfield Fostering Ltd", "OFP-7004") },
      ],
      { authorityId: 1, dataDir: t.dataDir, logger },
    );
    expect(threaded.stored).toBe(2);
    await reprocessNeedsAttention(t.db, { authorityId: 1, dataDir: t.dataDir, logger });

    await new Promise((resolve) => setImmediate(resolve));
    // The capture works: the lines are there, with their ids and counts.
    expect(captured).toContain('"message":"invoice file ingested"');
    expect(captured).toContain('"message":"invoice file re-processed"');
    expect(captured).toContain('"reason":"unknown_provider"');
    for (const text of [DESCRIPTION, "Quokka", UNKNOWN_PROVIDER, "Marmalade", ADDRESS, "Pelican", "4,061"]) {
      expect(captured, text).not.toContain(text);
    }
  });
});
