import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/connection.js";
import { migrateLatest } from "../../src/db/migrate.js";
import { modelDir } from "../../src/ingest/ocr/ocr-engine.js";
import { loadSampleReference } from "../fixtures/layouts/score.js";
import { freshDataDir, tempDir } from "../support/db.js";

/**
 * Issue 17 "Done when": `ingest` of a scanned PDF works with no network and nothing installed
 * beyond `npm install`. The English model comes from the @tesseract.js-data/eng package and the
 * engine from tesseract.js-core, both under node_modules; nothing is fetched. The command runs
 * in a child process with every outgoing connection refused and recorded (tests/support/
 * no-network.cjs, preloaded into the command, its OCR worker thread and its sandbox children),
 * and proxies pointed at a closed port; the scan must still be read and stored.
 */
const ROOT = path.resolve(import.meta.dirname, "../..");
const SCAN = path.join(ROOT, "tests/fixtures/scans/2026-08-cedar-house-CED-2248.scan300.pdf");
const PRELOAD = path.join(ROOT, "tests/support/no-network.cjs");

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["bin/placement-audit.js", ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

describe("a scan is read offline", () => {
  it("the guard does refuse and record outgoing connections (so its empty log below means something)", async () => {
    const dir = tempDir("offline-guard");
    dirs.push(dir);
    const networkLog = path.join(dir, "network.log");
    const script = "try { require('node:net').connect(80, '192.0.2.1').on('error', () => {}); } catch {} fetch('https://example.com/eng.traineddata').catch(() => {});";
    await new Promise((resolve) => spawn(process.execPath, ["--require", PRELOAD, "-e", script], { env: { ...process.env, NO_NETWORK_LOG: networkLog }, stdio: "ignore" }).on("close", resolve));
    expect(fs.readFileSync(networkLog, "utf8").split("\n").filter((l) => l.startsWith("refused"))).toEqual(["refused connection to 192.0.2.1:80", "refused fetch of https://example.com/eng.traineddata"]);
  });

  it("the model is a local directory shipped by npm, never a URL", () => {
    expect(path.isAbsolute(modelDir())).toBe(true);
    expect(modelDir().startsWith(path.join(ROOT, "node_modules"))).toBe(true);
    expect(fs.existsSync(path.join(modelDir(), "eng.traineddata.gz"))).toBe(true);
  });

  it("placement-audit ingest stores a scanned PDF with every outgoing connection refused", async () => {
    const dataDir = freshDataDir("offline-data"); // already migrated: a copy of the run's template
    const inbox = tempDir("offline-inbox");
    dirs.push(dataDir, inbox);
    const db = await openDatabase({ databaseUrl: null, dataDir });
    await migrateLatest(db.knex);
    await loadSampleReference(db);
    await db.close();
    fs.copyFileSync(SCAN, path.join(inbox, path.basename(SCAN)));
    const networkLog = path.join(dataDir, "network.log");

    const { code, out, err } = await run(["ingest", inbox], {
      ...process.env,
      DATA_DIR: dataDir,
      DATABASE_URL: "",
      LOG_LEVEL: "error",
      OCR_CONCURRENCY: "1",
      NODE_OPTIONS: `${process.env["NODE_OPTIONS"] ?? ""} --require ${PRELOAD}`.trim(),
      NO_NETWORK_LOG: networkLog,
      HTTP_PROXY: "http://127.0.0.1:9",
      HTTPS_PROXY: "http://127.0.0.1:9",
      http_proxy: "http://127.0.0.1:9",
      https_proxy: "http://127.0.0.1:9",
    });
    expect({ code, err }).toEqual({ code: 0, err: "" });
    expect(out).toMatch(/^stored +2026-08-cedar-house-CED-2248\.scan300\.pdf +CED invoice CED-2248 \(3 lines\)$/m);
    const log = fs.readFileSync(networkLog, "utf8").split("\n").filter((l) => l !== "");
    expect(log.filter((l) => l.startsWith("refused"))).toEqual([]);
    // The guard was in place where OCR ran: in a worker thread (tesseract.js's) of a sandbox child.
    expect(log.some((l) => /^loaded pid=\d+ thread=\d+$/.test(l))).toBe(true);
  }, 300_000);
});
