/**
 * What a newcomer sees on a terminal from `placement-audit demo` (issue 25: only lines people
 * read, each result said once). Runs the real bin on a pseudo-terminal (util-linux `script`)
 * with a fresh DATA_DIR, waits for "Press Ctrl-C", stops it, and prints every line shown with
 * the count of log-style lines (JSON or "HH:MM:SS level …") and the time to ready.
 * Prints figures; asserts nothing. Run alone: `npx tsx bench/cli-terminal.bench.ts`.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BIN = path.join(ROOT, "bin/placement-audit.js");
const LOG_LINE = /^(\d\d:\d\d:\d\d (error|warn|info|debug)\b|\{")/;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pa-demo-tty-"));
const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", DEMO_PASSWORD: "" };
delete env.LOG_LEVEL;
delete env.LOG_FORMAT;
const started = performance.now();
const child = spawn("script", ["-qec", `'${process.execPath}' '${BIN}' demo --port 0`, "/dev/null"], { cwd: ROOT, env, stdio: ["pipe", "pipe", "ignore"], detached: true });
let shown = "";
child.stdout.on("data", (chunk: Buffer) => (shown += chunk.toString()));
const ready = await new Promise<number>((resolve, reject) => {
  const timer = setInterval(() => {
    if (shown.includes("Press Ctrl-C")) {
      clearInterval(timer);
      resolve((performance.now() - started) / 1000);
    }
  }, 100);
  child.on("exit", (code) => {
    clearInterval(timer);
    reject(new Error(`demo exited ${String(code)} before it was ready:\n${shown}`));
  });
});
if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
await new Promise((resolve) => child.on("exit", resolve));
fs.rmSync(dataDir, { recursive: true, force: true });

const lines = shown.split(/\r?\n/).map((l) => l.replace(/\r/g, "")).filter((l) => l.trim() !== "");
const logs = lines.filter((l) => LOG_LINE.test(l));
console.log(`  placement-audit demo on a terminal: ready in ${ready.toFixed(1)} s, ${lines.length} lines shown, ${logs.length} of them log lines (target 0)`);
for (const line of lines) console.log(`    | ${line}`);
