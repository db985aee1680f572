/**
 * Sign-in timing (issue 22): how long `authenticate` takes for a known user with a wrong
 * password, an unknown user, a throttled source, a very long password and the right password.
 * scrypt runs once in every case (tests/integration/sign-in-throttle.test.ts counts it), so the
 * medians should agree within the machine's noise. Prints medians and quartiles; asserts nothing.
 *
 *   npx tsx bench/sign-in.bench.ts [--samples 30]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../src/db/connection.js";
import { migrateLatest } from "../src/db/migrate.js";
import { THROTTLE } from "../src/services/users/sign-in-throttle.js";
import { authenticate, createUser } from "../src/services/users/users.js";
import { argValue, loadText } from "./support.js";

const SAMPLES = Number(argValue("--samples") ?? 30);
const PASSWORD = "correct horse battery";

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pa-sign-in-bench-"));
const db = await openDatabase({ databaseUrl: null, dataDir });
try {
  await migrateLatest(db.knex);
  await createUser(db, { authorityId: 1, username: "timed", password: PASSWORD, role: "commissioner" }, "bench");
  const now = new Date();
  for (let i = 0; i <= THROTTLE.pairFreeFailures; i++) await authenticate(db, 1, "timed", "wrong", now, { ip: "10.0.0.5" });
  let spread = 0;
  const cases: Record<string, () => Promise<unknown>> = {
    "known user, wrong password": () => authenticate(db, 1, "timed", "wrong password", now, { ip: `10.1.${spread}.1` }),
    "unknown user": () => authenticate(db, 1, "nobody-at-all", "wrong password", now, { ip: `10.2.${spread}.1` }),
    "throttled source": () => authenticate(db, 1, "timed", PASSWORD, now, { ip: "10.0.0.5" }),
    "100,000-character password": () => authenticate(db, 1, "timed", "x".repeat(100_000), now, { ip: `10.3.${spread}.1` }),
    "right password": () => authenticate(db, 1, "timed", PASSWORD, now, { ip: `10.4.${spread}.1` }),
  };
  const times = new Map<string, number[]>(Object.keys(cases).map((name) => [name, []]));
  // Interleaved, so that the machine's other work falls on every case alike; each sample from a
  // fresh address, so that only the throttled case is throttled.
  for (let i = 0; i < SAMPLES; i++, spread++) {
    for (const [name, run] of Object.entries(cases)) {
      const started = performance.now();
      await run();
      times.get(name)?.push(performance.now() - started);
    }
  }
  console.log(`sign-in timing, ${SAMPLES} samples a case (${loadText()})`);
  console.log("case | median ms | 25th–75th percentile ms");
  for (const [name, values] of times) console.log(`${name} | ${quantile(values, 0.5).toFixed(0)} | ${quantile(values, 0.25).toFixed(0)}–${quantile(values, 0.75).toFixed(0)}`);
  const medians = [...times.values()].map((v) => quantile(v, 0.5));
  console.log(`largest median / smallest: ${(Math.max(...medians) / Math.min(...medians)).toFixed(2)}`);
} finally {
  await db.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
