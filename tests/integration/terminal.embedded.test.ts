import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../support/db.js";

const root = path.resolve(import.meta.dirname, "../..");
const bin = path.join(root, "bin/placement-audit.js");

/** A log line as the text logger writes it ("05:29:42 info  …") or as JSON. */
const LOG_LINE = /^(\d\d:\d\d:\d\d (error|warn|info|debug)\b|\{")/;

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs the real bin on a pseudo-terminal, as a person at a shell does (util-linux `script`
 * gives the command a terminal for stdout and stderr), and returns what the terminal showed.
 */
function onTerminal(args: readonly string[], env: Record<string, string>): string[] {
  const command = [process.execPath, bin, ...args].map(quote).join(" ");
  const result = spawnSync("script", ["-qec", command, "/dev/null"], { cwd: root, env: { ...cleanEnv(), ...env }, encoding: "utf8", timeout: 120_000 });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.split(/\r?\n/).map((l) => l.replace(/\r/g, "")).filter((l) => l.trim() !== "");
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.LOG_LEVEL;
  delete env.LOG_FORMAT;
  return env;
}

describe("on a terminal the commands print lines people read, each result once (issue 25)", () => {
  const dataDir = tempDir("terminal");
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("audit says its result once and prints no log line", () => {
    const lines = onTerminal(["audit", "--all"], { DATA_DIR: dataDir, DATABASE_URL: "" });
    expect(lines.filter((l) => LOG_LINE.test(l))).toEqual([]);
    expect(lines.filter((l) => /Audited|audit finished/i.test(l))).toHaveLength(1);
    expect(lines[0]).toMatch(/^Audited 0 invoice\(s\), 0 line\(s\) \(all invoices\): 0 finding\(s\)/);
  }, 180_000);

  it("gives JSON logs when asked (LOG_FORMAT=json) or when not on a terminal", () => {
    const asked = onTerminal(["audit", "--all"], { DATA_DIR: dataDir, DATABASE_URL: "", LOG_FORMAT: "json", LOG_LEVEL: "info" });
    expect(asked.some((l) => l.startsWith('{"'))).toBe(true);
    const piped = spawnSync(process.execPath, [bin, "audit", "--all"], { cwd: root, env: { ...cleanEnv(), DATA_DIR: dataDir, DATABASE_URL: "" }, encoding: "utf8", timeout: 120_000 });
    expect(piped.status).toBe(0);
    expect(piped.stdout.trim().split("\n")).toHaveLength(1);
    const logs = piped.stderr.trim().split("\n").filter((l) => l !== "");
    expect(logs.length).toBeGreaterThan(0);
    for (const line of logs) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
  }, 180_000);
});
