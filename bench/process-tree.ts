import fs from "node:fs";

/**
 * Resident memory of a process and all its descendants, from /proc (Linux): what "the whole
 * process" costs the machine, parser children (and their children, such as tsx's esbuild
 * service) included. Zero where there is no /proc.
 */
const PAGE_BYTES = 4096;

function residentBytes(pid: number): number {
  try {
    return Number(fs.readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]) * PAGE_BYTES || 0;
  } catch {
    return 0; // gone between listing and reading
  }
}

/** Direct children of a process: a child started from any of its threads is listed under that thread. */
function childrenOf(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const task of tasks) {
    try {
      for (const child of fs.readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim().split(/\s+/)) if (child) children.push(Number(child));
    } catch {
      // the thread ended
    }
  }
  return children;
}

export interface TreeMemory {
  /** The process itself. */
  selfBytes: number;
  /** Every descendant together. */
  descendantsBytes: number;
  /** The largest single descendant. */
  largestDescendantBytes: number;
}

/** `pid` and its descendants, leaving out `exclude` and its own (a sampler started by `pid`). */
export function treeMemory(pid = process.pid, exclude: number | null = null): TreeMemory {
  const result: TreeMemory = { selfBytes: residentBytes(pid), descendantsBytes: 0, largestDescendantBytes: 0 };
  const pending = childrenOf(pid);
  const seen = new Set<number>();
  while (pending.length > 0) {
    const next = pending.pop() as number;
    if (seen.has(next) || next === exclude) continue;
    seen.add(next);
    const bytes = residentBytes(next);
    result.descendantsBytes += bytes;
    result.largestDescendantBytes = Math.max(result.largestDescendantBytes, bytes);
    pending.push(...childrenOf(next));
  }
  return result;
}

export interface TreePeaks {
  treePeakBytes: number;
  selfPeakBytes: number;
  descendantsPeakBytes: number;
  largestDescendantPeakBytes: number;
}

/**
 * Samples treeMemory(pid) every `everyMs` in a process of its own: reading /proc for every
 * thread of the tree 50 times a second took the event loop of the process being measured (the
 * web server) tens of milliseconds at a time, which its latency figures then showed. The
 * sampler is a child of the process it measures, and leaves itself out.
 */
export async function startTreeSampler(pid = process.pid, everyMs = 20): Promise<{ reset(): Promise<void>; peaks(): Promise<TreePeaks>; stop(): void }> {
  const { spawn } = await import("node:child_process");
  const child = spawn(process.execPath, ["--import", "tsx", new URL(import.meta.url).pathname, "--sample", String(pid), String(everyMs)], { stdio: ["pipe", "pipe", "inherit"] });
  const { createInterface } = await import("node:readline");
  const lines = createInterface({ input: child.stdout });
  const waiting: ((line: string) => void)[] = [];
  lines.on("line", (line) => waiting.shift()?.(line));
  const ask = (command: string): Promise<string> =>
    new Promise((resolve) => {
      waiting.push(resolve);
      child.stdin.write(`${command}\n`);
    });
  await ask("ready");
  return {
    reset: async () => void (await ask("reset")),
    peaks: async () => JSON.parse(await ask("peaks")) as TreePeaks,
    stop: () => child.kill(),
  };
}

if (process.argv[2] === "--sample") {
  const pid = Number(process.argv[3]);
  const everyMs = Number(process.argv[4]);
  let peaks: TreePeaks = { treePeakBytes: 0, selfPeakBytes: 0, descendantsPeakBytes: 0, largestDescendantPeakBytes: 0 };
  const sample = (): void => {
    const now = treeMemory(pid, process.pid);
    peaks = {
      treePeakBytes: Math.max(peaks.treePeakBytes, now.selfBytes + now.descendantsBytes),
      selfPeakBytes: Math.max(peaks.selfPeakBytes, now.selfBytes),
      descendantsPeakBytes: Math.max(peaks.descendantsPeakBytes, now.descendantsBytes),
      largestDescendantPeakBytes: Math.max(peaks.largestDescendantPeakBytes, now.largestDescendantBytes),
    };
  };
  setInterval(sample, everyMs);
  const { createInterface } = await import("node:readline");
  createInterface({ input: process.stdin }).on("line", (command) => {
    sample();
    if (command === "reset") peaks = { treePeakBytes: 0, selfPeakBytes: 0, descendantsPeakBytes: 0, largestDescendantPeakBytes: 0 };
    process.stdout.write(`${command === "peaks" ? JSON.stringify(peaks) : "ok"}\n`);
  });
  process.stdin.on("end", () => process.exit(0));
}
