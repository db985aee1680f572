import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockDataDir } from "../../src/db/data-dir-lock.js";
import { tempDir } from "../support/db.js";

/**
 * The embedded database's lock, alone (no PGlite): four processes start together on a
 * directory whose lock was left by a dead process, 200 times; exactly one may win each time
 * (issue 22: two won in 1 of 6 rounds).
 */
const root = path.resolve(import.meta.dirname, "../..");
const contenderScript = path.join(root, "tests/support/lock-contender.ts");
const DEAD_PID = 2 ** 22 + 12345; // above Linux's pid_max: never a running process
const ROUNDS = 200;

interface Contender {
  child: ChildProcessWithoutNullStreams;
  next(): Promise<string>;
}

function startContender(): Contender {
  const child = spawn(process.execPath, ["--import", "tsx", contenderScript], { cwd: root });
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  readline.createInterface({ input: child.stdout }).on("line", (line) => {
    const waiter = waiting.shift();
    if (waiter) waiter(line);
    else lines.push(line);
  });
  return {
    child,
    next: () => {
      const line = lines.shift();
      return line !== undefined ? Promise.resolve(line) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

let contenders: Contender[] = [];
const base = tempDir("lock-race");

beforeAll(() => {
  contenders = Array.from({ length: 4 }, startContender);
});

afterAll(() => {
  for (const c of contenders) c.child.stdin.end();
  fs.rmSync(base, { recursive: true, force: true });
});

function staleLock(dir: string): void {
  fs.mkdirSync(path.join(dir, "database.locks"), { recursive: true });
  fs.writeFileSync(path.join(dir, "database.locks", "1"), JSON.stringify({ pid: DEAD_PID, command: "gone", since: "2026-01-01", token: "dead" }));
}

describe("embedded database lock takeover", () => {
  it(`lets exactly one of four concurrent starters in, ${ROUNDS} rounds, stale lock or none`, async () => {
    const winners: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const dir = path.join(base, String(round));
      fs.mkdirSync(dir);
      if (round % 4 !== 3) staleLock(dir);
      const startAt = Date.now() + 30;
      for (const c of contenders) c.child.stdin.write(`try ${dir} ${startAt}\n`);
      const answers = await Promise.all(contenders.map((c) => c.next()));
      expect(answers.every((a) => a === "got" || a === "refused"), answers.join(",")).toBe(true);
      winners.push(answers.filter((a) => a === "got").length);
      for (const c of contenders) c.child.stdin.write("release\n");
      await Promise.all(contenders.map((c) => c.next()));
    }
    expect(winners.filter((n) => n !== 1)).toEqual([]);
  }, 120_000);

  it("refuses a second holder naming the first, hands over after release, and honours an old-style lock of a live process", () => {
    const dir = tempDir("lock-one");
    const first = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(/already open in this process/);
    first.release();
    const second = lockDataDir(dir);
    second.release();
    // A lock file of the version before generations, held by a running process (this test's parent).
    fs.writeFileSync(path.join(dir, "database.locks", "1"), JSON.stringify({ pid: process.ppid, command: "old version", since: "2026-01-01" }));
    expect(() => lockDataDir(dir)).toThrow(`in use by process ${process.ppid} (old version`);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
