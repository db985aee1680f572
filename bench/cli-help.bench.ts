/**
 * How long `placement-audit --help` and `placement-audit findings --help` take from a cold start
 * of the real bin script (Node, tsx's loader, the command table; issue 25's target: under 1 s).
 * Prints the figures; asserts nothing. Run alone: `npx tsx bench/cli-help.bench.ts`.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../bin/placement-audit.js");
const RUNS = 5;

function timeRun(args: readonly string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`placement-audit ${args.join(" ")} exited ${String(result.status)}: ${result.stderr}`);
  return (performance.now() - started) / 1000;
}

for (const args of [["--help"], ["findings", "--help"]]) {
  const times = Array.from({ length: RUNS }, () => timeRun(args)).sort((a, b) => a - b);
  const median = times[Math.floor(RUNS / 2)] ?? 0;
  console.log(`  placement-audit ${args.join(" ").padEnd(16)} median ${median.toFixed(2)} s of ${RUNS} (fastest ${(times[0] ?? 0).toFixed(2)} s, slowest ${(times[RUNS - 1] ?? 0).toFixed(2)} s); target < 1 s`);
}
