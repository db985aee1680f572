/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by file,
 * the heaviest first. Used to find where the audit spends its time.
 *
 *   npx tsx bench/profile-summary.ts .tmp/prof/CPU.*.cpuprofile [--top 30]
 */
import fs from "node:fs";
import { argValue } from "./support.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv.find((a) => a.endsWith(".cpuprofile"));
if (!file) throw new Error("give a .cpuprofile file");
const top = Number(argValue("--top") ?? 30);
/** Only samples with this function on the stack (e.g. auditInMemory), when given. */
const under = argValue("--under");
const profile = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const inside = (id: number): boolean => {
  if (under === undefined) return true;
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) if (byId.get(at)?.callFrame.functionName === under) return true;
  return false;
};
const selfTime = new Map<number, number>();
profile.samples.forEach((id, i) => {
  if (inside(id)) selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...selfTime.values()].reduce((a, b) => a + b, 0);

const shortUrl = (url: string): string => url.replace(/^file:\/\/.*?\/(node_modules|src|rules|bench)\//, "$1/");
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
for (const [id, time] of selfTime) {
  const node = byId.get(id);
  if (!node) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const key = `${functionName || "(anonymous)"} ${shortUrl(url)}:${lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + time);
  const fileKey = shortUrl(url) || functionName;
  byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + time);
}
const print = (title: string, map: Map<string, number>): void => {
  console.log(`${title} (total ${(total / 1000).toFixed(0)} ms)`);
  for (const [key, time] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${((100 * time) / total).toFixed(1).padStart(5)}%  ${(time / 1000).toFixed(0).padStart(6)} ms  ${key}`);
  }
};
// Inclusive time: a sample counts once for every distinct function on its stack.
const inclusive = new Map<string, number>();
profile.samples.forEach((id, i) => {
  if (!inside(id)) return;
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const frame = byId.get(at)?.callFrame;
    if (!frame) continue;
    const key = `${frame.functionName || "(anonymous)"} ${shortUrl(frame.url)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
});
print("self time by function", byFunction);
if (process.argv.includes("--inclusive")) print("inclusive time by function", inclusive);
print("self time by file", byFile);
