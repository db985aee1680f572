import { Writable } from "node:stream";
import winston from "winston";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAudit, type RunAuditOptions } from "../../src/services/audit/run-audit.js";
import { generateAuthority } from "../../bench/generate/authority.js";
import { insertInvoices, insertReference } from "../../bench/generate/insert.js";
import { invoiceStream } from "../../bench/generate/invoices.js";
import { placementsFor } from "../../bench/generate/sizing.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";

// An audit shared among threads (PostgreSQL only), or loading its reference data a few
// providers at a time, must store exactly what one thread loading everything stores:
// every finding with its amounts, explanation and evidence, and every invoice's status and
// notes. The synthetic authority has 8 providers, errors of every kind, and credit notes.
const LINES = 4_000;
const SEED = 7;

async function seeded(): Promise<TestDatabase> {
  const t = await openTestDatabase();
  const authority = generateAuthority(placementsFor(LINES), SEED);
  await insertReference(t.db.knex, authority.reference);
  await insertInvoices(t.db.knex, invoiceStream(authority, LINES, SEED).invoices);
  return t;
}

interface Stored {
  findings: unknown[];
  invoices: unknown[];
}

async function stored(t: TestDatabase): Promise<Stored> {
  const findings = await t.db.knex("findings")
    .select("invoice_id", "line_no", "rule", "category", "provider_id", "child_ref", "amount", "charged", "expected", "explanation", "evidence", "status")
    .orderBy(["invoice_id", "line_no", "rule"]);
  const invoices = await t.db.knex("invoices").select("id", "status", "audit_notes").orderBy("id");
  return { findings, invoices };
}

describe("an audit shared among threads", () => {
  const opened: TestDatabase[] = [];
  const open = async (): Promise<TestDatabase> => {
    const t = await seeded();
    opened.push(t);
    return t;
  };
  let single: { result: Awaited<ReturnType<typeof runAudit>>; stored: Stored };
  const audit = async (options: Partial<RunAuditOptions>): Promise<{ result: Awaited<ReturnType<typeof runAudit>>; stored: Stored }> => {
    const t = await open();
    const result = await runAudit(t.db, { authorityId: 1, scope: { kind: "all" }, ...options });
    return { result, stored: await stored(t) };
  };

  beforeAll(async () => {
    single = await audit({ threads: 1, providersPerLoad: 1_000 });
  });
  afterAll(async () => {
    for (const t of opened) await t.dispose();
  });

  it("the single-thread run found errors of many kinds (the comparison means something)", () => {
    const rules = new Set((single.stored.findings as { rule: string }[]).map((f) => f.rule));
    expect(rules.size).toBeGreaterThanOrEqual(10);
    expect(single.result.linesAudited).toBeGreaterThan(3_000);
  });

  it("three threads store the same findings and invoice statuses, and report the same figures", async () => {
    const threaded = await audit({ threads: 3 });
    expect(threaded.stored.findings).toEqual(single.stored.findings);
    expect(threaded.stored.invoices).toEqual(single.stored.invoices);
    const { runId: _a, ...singleFigures } = single.result;
    const { runId: _b, ...threadedFigures } = threaded.result;
    expect(threadedFigures).toEqual(singleFigures);
  });

  it("loading the reference data a few providers at a time changes nothing (one thread, and three)", async () => {
    for (const threads of [1, 3]) {
      const grouped = await audit({ threads, providersPerLoad: 3 });
      expect(grouped.stored.findings).toEqual(single.stored.findings);
      expect(grouped.stored.invoices).toEqual(single.stored.invoices);
    }
  });

  it("a thread that runs out of memory has its providers audited again in the main thread, with the same result", async () => {
    let logged = "";
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged += chunk.toString("utf8");
        done();
      },
    });
    const logger = winston.createLogger({ level: "info", format: winston.format.json(), transports: [new winston.transports.Stream({ stream })] });
    // A 4 MB heap cannot even load the audit's modules.
    const starved = await audit({ threads: 2, threadHeapMb: 4, logger });
    expect(logged.match(/ran out of memory/g)).toHaveLength(2);
    expect(starved.stored.findings).toEqual(single.stored.findings);
    expect(starved.stored.invoices).toEqual(single.stored.invoices);
    expect(starved.result.findingsRaised).toBe(single.result.findingsRaised);
  });
});
