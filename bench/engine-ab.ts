/**
 * Two copies of the engine compared in one process, pass by pass, alternately, on the same
 * generated invoices: on a shared machine the load changes from one run to the next more
 * than a change to the engine moves its figure, so A and B are measured moments apart.
 * Each directory is a checkout of the project (e.g. `git archive <commit> | tar -x -C DIR`,
 * with node_modules linked in). Prints CPU µs per line of each pass and, over the rounds after
 * the first two (JIT warm-up), the medians and the median of B/A per round. Asserts nothing.
 *
 *   npx tsx bench/engine-ab.ts DIR_A DIR_B [--lines 100000] [--rounds 12]
 */
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { argValue } from "./support.js";

type EngineBench = typeof import("./engine.bench.js");

async function engineOf(dir: string): Promise<EngineBench> {
  return (await import(pathToFileURL(path.resolve(dir, "bench/engine.bench.ts")).href)) as EngineBench;
}

function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[(values.length - 1) >> 1] as number;
}

async function main(): Promise<void> {
  const [dirA, dirB] = process.argv.slice(2).filter((a) => !a.startsWith("--") && !/^\d+$/.test(a));
  if (dirA === undefined || dirB === undefined) throw new Error("give two project directories: DIR_A DIR_B");
  const lines = Number(argValue("--lines") ?? 100_000);
  const rounds = Number(argValue("--rounds") ?? 12);
  const a = await engineOf(dirA);
  const b = await engineOf(dirB);
  // Generated once, by A's generator, and audited by both.
  const { invoices, authority } = a.generateInMemory(lines, 1);
  const pass = (engine: EngineBench): number => {
    const started = process.cpuUsage();
    engine.auditEach(authority, invoices, () => undefined);
    const cpu = process.cpuUsage(started);
    return (cpu.user + cpu.system) / lines;
  };
  const timesA: number[] = [];
  const timesB: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const x = pass(a);
    const y = pass(b);
    if (round > 2) {
      timesA.push(x);
      timesB.push(y);
    }
    console.log(`round ${round}: A ${x.toFixed(2)} µs/line, B ${y.toFixed(2)} µs/line${round <= 2 ? " (warm-up)" : ""}`);
  }
  const ratios = timesA.map((x, i) => (timesB[i] as number) / x);
  console.log(
    `A median ${median(timesA).toFixed(2)} µs/line, B median ${median(timesB).toFixed(2)} µs/line; B/A per round, median ${median(ratios).toFixed(3)}; load ${os.loadavg()[0]?.toFixed(1)}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
