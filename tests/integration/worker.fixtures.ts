import fs from "node:fs";
import path from "node:path";
import type { Knex } from "knex";
export { freshDataDir } from "../support/db.js";

/**
 * Reference data and CSV invoices for the worker tests, with findings worked out by hand
 * (AUDIT.md): one IFA provider, child C20nn placed from 6 Jan 2020 at £917.00 a week (nightly
 * £131.00). Invoice n bills one whole month of D nights (October 2026 unless said: D = 31) for
 * child C20nn, dated the month's last day:
 * - n a multiple of 5: D × £135.00 → rate-above-agreed D × £4.00 (fees; £124.00 in October);
 * - else n a multiple of 3: printed D × £131.00 + £100.00 → arithmetic-error £100.00 (errors);
 * - the others: D × £131.00, no finding.
 * So 20 October invoices give 4 × £124.00 = £496.00 of fees (5, 10, 15, 20) and
 * 5 × £100.00 = £500.00 of errors (3, 6, 9, 12, 18): 9 findings.
 */
export const PROVIDER_NAME = "Oakfield Fostering Ltd";
export const OCTOBER = "2026-10";

export interface ExpectedFinding {
  invoice_number: string;
  child_ref: string;
  rule: string;
  category: string;
  amount: string;
}

export function childRef(n: number): string {
  return `C${2000 + n}`;
}

export function invoiceNumber(n: number): string {
  return `OFP-${1000 + n}`;
}

function daysIn(month: string): number {
  const [year, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(year, m, 0)).getUTCDate();
}

function monthDates(month: string): { first: string; last: string; firstUk: string; lastUk: string; nights: number } {
  const nights = daysIn(month);
  const [year, m] = month.split("-") as [string, string];
  return { first: `${month}-01`, last: `${month}-${String(nights)}`, firstUk: `01/${m}/${year}`, lastUk: `${String(nights)}/${m}/${year}`, nights };
}

export async function seedReference(knex: Knex, placements: number): Promise<void> {
  await knex("providers").insert({ provider_id: "P1", name: PROVIDER_NAME, kind: "ifa", vat_number: null });
  await knex("contracts").insert({ contract_id: "K1", provider_id: "P1", title: "IFA 2020", start_date: "2020-01-01", absence_retainer_pct: "80", absence_retainer_max_nights: 14, vat_exempt: true });
  const rows = Array.from({ length: placements }, (_, i) => ({
    placement_id: `PL${i + 1}`, child_ref: childRef(i + 1), provider_id: "P1", contract_id: "K1", start_date: "2020-01-06", weekly_fee: "917.00",
  }));
  for (let i = 0; i < rows.length; i += 1000) await knex("placements").insert(rows.slice(i, i + 1000));
}

/** Quantity, rate and printed amount of invoice n's line (see above). */
export function invoiceLine(n: number, month = OCTOBER): { nights: number; rate: string; amount: string } {
  const { nights } = monthDates(month);
  if (n % 5 === 0) return { nights, rate: "135.00", amount: `${nights * 135}.00` };
  if (n % 3 === 0) return { nights, rate: "131.00", amount: `${nights * 131 + 100}.00` };
  return { nights, rate: "131.00", amount: `${nights * 131}.00` };
}

export function expectedFindings(count: number, month = OCTOBER): ExpectedFinding[] {
  const { nights } = monthDates(month);
  const findings: ExpectedFinding[] = [];
  for (let n = 1; n <= count; n++) {
    if (n % 5 === 0) findings.push({ invoice_number: invoiceNumber(n), child_ref: childRef(n), rule: "rate-above-agreed", category: "fees", amount: `${nights * 4}.00` });
    else if (n % 3 === 0) findings.push({ invoice_number: invoiceNumber(n), child_ref: childRef(n), rule: "arithmetic-error", category: "errors", amount: "100.00" });
  }
  return findings.sort((a, b) => (a.invoice_number < b.invoice_number ? -1 : a.invoice_number > b.invoice_number ? 1 : 0));
}

/** A CSV invoice as a provider's accounts package exports it: header block, line table, totals. */
export function csvInvoice(n: number, month = OCTOBER): string {
  const { rate, amount, nights } = invoiceLine(n, month);
  const { firstUk, lastUk } = monthDates(month);
  return [
    PROVIDER_NAME,
    `Invoice No,${invoiceNumber(n)}`,
    `Invoice Date,${lastUk}`,
    `Period,${firstUk} to ${lastUk}`,
    "",
    "Child Ref,Description,From,To,Qty,Unit,Rate,Amount",
    `${childRef(n)},Foster care placement fee,${firstUk},${lastUk},${nights},night,${rate},${amount}`,
    "",
    `Subtotal,,,,,,,${amount}`,
    "VAT,,,,,,,0.00",
    `Total Due,,,,,,,${amount}`,
    "",
  ].join("\r\n");
}

/** Drops a file into the inbox the way a careful copy does: written under a hidden name, then renamed. */
export function dropIntoInbox(inbox: string, name: string, content: string | Buffer, mtime?: Date): void {
  fs.mkdirSync(inbox, { recursive: true });
  const temporary = path.join(inbox, `.${name}.part`);
  fs.writeFileSync(temporary, content);
  if (mtime) fs.utimesSync(temporary, mtime, mtime);
  fs.renameSync(temporary, path.join(inbox, name));
}

export interface FindingRow {
  invoice_number: string;
  child_ref: string | null;
  rule: string;
  category: string;
  amount: string;
  status: string;
}

export async function findingsOf(knex: Knex): Promise<FindingRow[]> {
  return knex("findings as f")
    .join("invoices as i", "i.id", "f.invoice_id")
    .whereNot("f.status", "superseded")
    .orderBy([{ column: "i.invoice_number" }, { column: "f.rule" }])
    .select("i.invoice_number", "f.child_ref", "f.rule", "f.category", "f.amount", "f.status");
}

/**
 * Invoices inserted directly (no files), for a run long enough to be killed in the middle:
 * invoice n as csvInvoice(n, month) describes, in bulk.
 */
export async function seedInvoicesDirectly(knex: Knex, count: number, month = OCTOBER): Promise<void> {
  const { first, last } = monthDates(month);
  const chunk = 1000;
  for (let start = 1; start <= count; start += chunk) {
    const ns = Array.from({ length: Math.min(chunk, count - start + 1) }, (_, i) => start + i);
    const files: { id: string; sha256: string }[] = await knex("received_files")
      .insert(ns.map((n) => ({ sha256: `seed-${n}`, original_name: `${invoiceNumber(n)}.csv`, stored_path: "seed", size_bytes: 1, status: "processed", received_at: new Date(Date.UTC(2026, 10, 1, 0, 0, 0, n)).toISOString() })))
      .returning(["id", "sha256"]);
    const fileBySha = new Map(files.map((f) => [f.sha256, f.id]));
    const invoices: { id: string; invoice_number: string }[] = await knex("invoices")
      .insert(ns.map((n) => ({
        file_id: fileBySha.get(`seed-${n}`), provider_id: "P1", invoice_number: invoiceNumber(n), invoice_date: last, kind: "invoice",
        period_from: first, period_to: last, subtotal: invoiceLine(n, month).amount, vat: "0.00", total: invoiceLine(n, month).amount,
        received_at: new Date(Date.UTC(2026, 10, 1, 0, 0, 0, n)).toISOString(),
      })))
      .returning(["id", "invoice_number"]);
    const invoiceByNumber = new Map(invoices.map((i) => [i.invoice_number, i.id]));
    await knex("invoice_lines").insert(ns.map((n) => ({
      invoice_id: invoiceByNumber.get(invoiceNumber(n)), line_no: 1, child_ref: childRef(n), description: "Foster care placement fee", item: "placement",
      from_date: first, to_date: last, quantity: String(invoiceLine(n, month).nights), unit: "night", unit_rate: invoiceLine(n, month).rate, amount: invoiceLine(n, month).amount,
    })));
  }
}

export interface SpawnedWorker {
  child: import("node:child_process").ChildProcess;
  /** Everything the worker logged so far (JSON lines on stderr). */
  log(): string;
  /** Resolves when a log line matches; rejects if the worker exits first or after timeoutMs. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export const ROOT = path.resolve(import.meta.dirname, "../..");

/** `placement-audit worker` in a child process, as an operator runs it. */
export async function spawnWorker(env: Record<string, string>, args: string[] = []): Promise<SpawnedWorker> {
  return spawnCommand("worker", env, args);
}

/** Any command of the CLI as its own process (`audit`, `ingest`…), its output gathered as a worker's. */
export async function spawnCommand(command: string, env: Record<string, string>, args: string[] = []): Promise<SpawnedWorker> {
  const { spawn } = await import("node:child_process");
  const child = spawn(process.execPath, [path.join(ROOT, "bin/placement-audit.js"), command, ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stderr.on("data", onData);
  child.stdout.on("data", onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const waitForLog = (pattern: RegExp, timeoutMs = 90_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (pattern.test(output)) {
          listeners.delete(check);
          clearTimeout(timer);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`worker did not log ${pattern} within ${timeoutMs} ms:\n${output.slice(-4000)}`));
      }, timeoutMs);
      void exited.then(({ code, signal }) => {
        if (!pattern.test(output)) {
          clearTimeout(timer);
          reject(new Error(`worker exited (${code ?? signal}) before logging ${pattern}:\n${output.slice(-4000)}`));
        }
      });
      listeners.add(check);
      check();
    });
  return { child, log: () => output, waitForLog, exited };
}

/** Polls until `condition` holds (or fails the test after timeoutMs). */
export async function eventually<T>(what: string, read: () => Promise<T>, condition: (value: T) => boolean, timeoutMs = 90_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!condition(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    last = await read();
  }
  return last;
}


/** Names of the files in a directory (none when it does not exist). */
export function filesIn(directory: string): string[] {
  try {
    return fs.readdirSync(directory, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

/** Rows as the tests read them (pg returns bigint ids as strings, jsonb parsed). */
export interface AuditRunRow {
  id: string;
  run_key: string | null;
  trigger: string;
  scope: string;
  status: string;
  started_at: Date;
  invoices_audited: number;
  lines_audited: number;
  findings_raised: number;
  flagged_by_category: Record<string, string>;
  error: string | null;
  finished_at: Date | null;
  owner_id: string | null;
}

export interface SlotRow {
  slot_key: string;
  job: string;
  period: string;
  status: string;
  attempts: number;
  owner_id: string;
  result: Record<string, unknown>;
  error: string | null;
}

export interface WorkerRow {
  worker_id: string;
  hostname: string;
  pid: number;
  stopped_at: Date | null;
}
