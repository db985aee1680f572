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

export function treeMemory(pid = process.pid): TreeMemory {
  const result: TreeMemory = { selfBytes: residentBytes(pid), descendantsBytes: 0, largestDescendantBytes: 0 };
  const pending = childrenOf(pid);
  const seen = new Set<number>();
  while (pending.length > 0) {
    const next = pending.pop() as number;
    if (seen.has(next)) continue;
    seen.add(next);
    const bytes = residentBytes(next);
    result.descendantsBytes += bytes;
    result.largestDescendantBytes = Math.max(result.largestDescendantBytes, bytes);
    pending.push(...childrenOf(next));
  }
  return result;
}

/** Samples treeMemory every `everyMs` until stopped; keeps the peaks. */
export function sampleTreeMemory(everyMs = 20): { stop(): { treePeakBytes: number; selfPeakBytes: number; descendantsPeakBytes: number; largestDescendantPeakBytes: number } } {
  const peaks = { treePeakBytes: 0, selfPeakBytes: 0, descendantsPeakBytes: 0, largestDescendantPeakBytes: 0 };
  const sample = (): void => {
    const now = treeMemory();
    peaks.treePeakBytes = Math.max(peaks.treePeakBytes, now.selfBytes + now.descendantsBytes);
    peaks.selfPeakBytes = Math.max(peaks.selfPeakBytes, now.selfBytes);
    peaks.descendantsPeakBytes = Math.max(peaks.descendantsPeakBytes, now.descendantsBytes);
    peaks.largestDescendantPeakBytes = Math.max(peaks.largestDescendantPeakBytes, now.largestDescendantBytes);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peaks;
    },
  };
}
