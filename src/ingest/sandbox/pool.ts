import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import type { ReadContext, ReadOutcome } from "../read-invoice-file.js";
import { ocrConcurrency } from "../ocr/ocr-engine.js";
import type { SandboxNotice, SandboxRequest } from "./child.js";

/**
 * Every invoice file is parsed in a child process with hard bounds (issue 22): a file that
 * inflates to gigabytes or keeps a parser busy for a minute costs that child, never the web
 * server or the worker. A worker thread cannot do this: its resourceLimits leave ArrayBuffers
 * (zlib output, decoded PDF streams) uncapped (STACK.md). Each child runs with
 *   - a V8 heap cap (--max-old-space-size), which aborts it on a runaway heap;
 *   - an RSS watch from this side (every RSS_POLL_MS), which kills it when its resident memory,
 *     ArrayBuffers included, passes the limit;
 *   - a wall-clock limit per file, which kills it when one file takes too long.
 * A killed or crashed child's file comes back as "could not be read safely" after that one
 * attempt (never retried: the caller records it and moves on), and a fresh child takes the
 * next file. Children are shared by every caller in the process, kept while files keep coming
 * and stopped when idle; they never keep the process alive.
 *
 * The pool also bounds its children together (SANDBOX_POOL_RSS_BYTES), so that the whole
 * process tree stays bounded however many files are read at once: past it, idle children are
 * stopped first, then the largest busy one is killed and its file reported as above. A child
 * left large by a file (V8 keeps what it grew) is stopped after it, not kept for the next.
 */
export interface SandboxLimits {
  heapMb: number;
  rssBytes: number;
  wallMs: number;
}

export const SANDBOX_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  heapMb: 384,
  rssBytes: 384 * 1024 * 1024,
  wallMs: 30_000,
});

/**
 * A scan is read by OCR, a few seconds a page on a free core (bench/ocr.bench.ts) and a tesseract
 * worker's memory (the model and one page image, ~150–300 MB) on top of the reader's: once its
 * child says "a scan of N pages", the file's wall clock becomes SCAN_BASE_MS + N × SCAN_PAGE_MS
 * and its memory cap SCAN_RSS_BYTES. The time waiting for an OCR place is not counted.
 */
export const SCAN_PAGE_MS = 90_000;
export const SCAN_BASE_MS = 30_000;
export const SCAN_RSS_BYTES = 1024 * 1024 * 1024;

/** The limits of one file once it is known to be a scan of `pages` pages. */
export function scanLimits(pages: number, base: SandboxLimits): SandboxLimits {
  return { heapMb: base.heapMb, rssBytes: Math.max(base.rssBytes, SCAN_RSS_BYTES), wallMs: SCAN_BASE_MS + Math.max(1, pages) * SCAN_PAGE_MS };
}

/** At most `size` files read by OCR at once across the pool's children (OCR_CONCURRENCY). */
class OcrGate {
  private busy = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly size: number) {}
  acquire(): Promise<void> {
    if (this.busy < this.size) {
      this.busy++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy--;
  }
}

/** A scan's progress: page `page` of `pages` read. */
export type PageProgress = (page: number, pages: number) => void;


/**
 * Resident memory of all the pool's children together, a scan's child aside (it has its own
 * bound, SCAN_RSS_BYTES: the whole tree's figure covers files with a text layer). With the process that holds the pool
 * (the web server with the embedded database: 330–470 MB, PGlite's heap most of it) the whole
 * tree stays under about 870 MB, with room under 1 GiB for a poll's overshoot
 * (bench/hostile.bench.ts prints the figures). A parser child starts at about 140 MB.
 */
export const SANDBOX_POOL_RSS_BYTES = 384 * 1024 * 1024;

const RSS_POLL_MS = 20;
const IDLE_STOP_MS = 30_000;
const PAGE_BYTES = 4096;

/** "interrupted": the process that had the file read died while it was read, twice (the inbox). */
export type Breach = "memory" | "time" | "crash" | "interrupted";

/** What a file that broke a bound becomes: it needs a person, and says which bound. */
export function unsafeOutcome(breach: Breach, limits: SandboxLimits): ReadOutcome {
  const why: Record<Breach, string> = {
    memory: `reading it needed more than ${Math.round(limits.rssBytes / (1024 * 1024))} MB of memory`,
    time: `reading it took longer than ${Math.round(limits.wallMs / 1000)} seconds`,
    crash: "its reader stopped",
    interrupted: "the worker reading it stopped before it finished, twice, so it was not read a third time",
  };
  const reason = breach === "crash" || breach === "interrupted" ? "corrupt" : "too_large";
  const message = `The file could not be read safely: ${why[breach]}. It was kept but not read; ask the provider for a plain copy.`;
  return {
    status: "needs_attention",
    format: null,
    reason,
    message,
    evidence: null,
    problems: [{ code: reason, message, evidence: null }],
    providerId: null,
    invoiceNumber: null,
  };
}

/** Resident memory of a child, from /proc (Linux); null where there is none. */
export function residentBytes(pid: number): number | null {
  try {
    const pages = Number(fs.readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]);
    return Number.isFinite(pages) ? pages * PAGE_BYTES : null;
  } catch {
    return null;
  }
}

function childScript(): { script: string; execArgv: string[] } {
  const fromSources = import.meta.url.endsWith(".ts");
  // From the TypeScript sources (tsx, vitest) the child registers tsx itself, after loading
  // pdfjs plainly (child-entry.mjs says why).
  const script = new URL(fromSources ? "./child-entry.mjs" : "./child.js", import.meta.url);
  return { script: script.pathname, execArgv: [] };
}

interface Job {
  id: number;
  name: string;
  bytes: Uint8Array;
  context: ReadContext;
  /** This file's bounds: the pool's, until the child says it is a scan (scanLimits). */
  limits: SandboxLimits;
  onPage?: PageProgress | undefined;
  resolve(outcome: ReadOutcome): void;
  /**
   * Set when the file's child gave way to the pool's budget while other children were busy too:
   * what crossed the budget was the files together, not this file, so it is read again alone.
   */
  giveWayShared?: boolean;
  /** Being read (or waiting to be read) with no other child busy: its second chance. */
  alone?: boolean;
}

/**
 * Asked by a busy child's watch: is the pool over its budget with this child to give way, and
 * were other children busy too ("shared": the file may be fine alone) or not ("alone")?
 */
type BudgetVerdict = "within" | "shared" | "alone";
type BudgetCheck = (slot: Slot) => BudgetVerdict;

class Slot {
  private child: ChildProcess | null = null;
  private ready: Promise<void> | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  busy = false;

  constructor(
    private readonly limits: SandboxLimits,
    private readonly ocrGate: OcrGate,
    private readonly overBudget: BudgetCheck = () => "within",
  ) {}

  /** Reading a scan (holding an OCR place): bounded by the scan's own limits, not the pool's budget. */
  scanning = false;

  /** The child's resident memory now (0 when there is none). */
  residentBytes(): number {
    const pid = this.child?.pid;
    return (pid === undefined ? null : residentBytes(pid)) ?? 0;
  }

  private start(): ChildProcess {
    const { script, execArgv } = childScript();
    const child = fork(script, [], {
      execArgv: [...execArgv, `--max-old-space-size=${this.limits.heapMb}`],
      serialization: "advanced",
      // No pipes: an open pipe would keep this process alive while the child idles, and what a
      // parser prints about a hostile file is not worth a log line.
      stdio: ["ignore", "ignore", "ignore", "ipc"],
    });
    this.ready = new Promise((resolve) => {
      const onReady = (message: { ready?: boolean }): void => {
        if (message.ready) {
          child.off("message", onReady);
          resolve();
        }
      };
      child.on("message", onReady);
      child.once("exit", () => resolve());
    });
    child.once("exit", () => {
      if (this.child === child) this.child = null;
    });
    this.child = child;
    return child;
  }

  private hold(child: ChildProcess, busy: boolean): void {
    if (busy) {
      child.ref();
      child.channel?.ref();
    } else {
      child.unref();
      child.channel?.unref();
    }
  }

  /** Parses one file in this slot's child (started if needed), bounded by the limits. */
  async run(job: Job): Promise<ReadOutcome> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    // A child that died after its last file (its exit may not have been seen yet) is replaced.
    if (this.child && !this.child.connected) this.stop();
    const child = this.child ?? this.start();
    this.busy = true;
    this.hold(child, true);
    await this.ready;
    let killed = false;
    let holdsOcrPlace = false;
    const outcome = await new Promise<ReadOutcome>((resolve) => {
      let settled = false;
      let wall: NodeJS.Timeout | undefined;
      let watch: NodeJS.Timeout | undefined;
      const finish = (outcome: ReadOutcome, kill: boolean): void => {
        if (settled) return;
        settled = true;
        clearTimeout(wall);
        clearInterval(watch);
        child.off("message", onMessage);
        child.off("exit", onExit);
        if (kill) {
          killed = true;
          child.kill("SIGKILL");
        }
        resolve(outcome);
      };
      const bound = (): void => {
        clearTimeout(wall);
        clearInterval(watch);
        wall = setTimeout(() => finish(unsafeOutcome("time", job.limits), true), job.limits.wallMs);
        watch = setInterval(() => {
          const rss = child.pid === undefined ? null : residentBytes(child.pid);
          if (rss !== null && rss > job.limits.rssBytes) {
            finish(unsafeOutcome("memory", job.limits), true);
            return;
          }
          const verdict = this.overBudget(this);
          if (verdict === "within") return;
          if (verdict === "shared") job.giveWayShared = true;
          finish(unsafeOutcome("memory", job.limits), true);
        }, RSS_POLL_MS);
      };
      // A scan: the clock stops while it waits for an OCR place, then restarts with a scan's budget.
      const onScan = (pages: number): void => {
        clearTimeout(wall);
        void this.ocrGate.acquire().then(() => {
          holdsOcrPlace = true;
          this.scanning = true;
          if (settled) return;
          job.limits = scanLimits(pages, job.limits);
          bound();
          child.send({ id: job.id, scanGo: true });
        });
      };
      const onMessage = (message: { id?: number; outcome?: ReadOutcome } | SandboxNotice): void => {
        if (message.id !== job.id) return;
        if ("scan" in message) onScan(message.scan.pages);
        else if ("progress" in message) job.onPage?.(message.progress.page, message.progress.pages);
        else if ("outcome" in message && message.outcome) finish(message.outcome, false);
      };
      const onExit = (): void => finish(unsafeOutcome("crash", job.limits), false);
      bound();
      child.on("message", onMessage);
      child.once("exit", onExit);
      if (child.exitCode !== null || child.signalCode !== null || !child.connected) {
        onExit();
        return;
      }
      const request: SandboxRequest = { id: job.id, name: job.name, bytes: job.bytes, context: job.context };
      child.send(request, (error) => {
        if (error) onExit();
      });
    });
    this.busy = false;
    this.scanning = false;
    if (holdsOcrPlace) this.ocrGate.release();
    // A child that read a scan holds a tesseract worker whose WebAssembly memory never shrinks
    // (one such child passed 640 MB after its scan): it is retired, so the next file has a fresh
    // child under the reader's own memory bound rather than a scan's.
    if (holdsOcrPlace && !killed && this.child === child) {
      killed = true;
      child.kill("SIGKILL");
    }
    // A killed child's exit comes later: the next file must not be sent to it.
    if (killed && this.child === child) this.child = null;
    // A child that a file left large, or that read a file refused for its size (its heap may
    // be full of what it read), gives its memory back by ending; the next file gets a fresh one.
    const heavy = outcome.status === "needs_attention" && outcome.reason === "too_large";
    if (this.child === child && (heavy || !child.connected || this.residentBytes() > this.limits.rssBytes / 2)) this.stop();
    if (this.child === child) {
      this.hold(child, false);
      this.idleTimer = setTimeout(() => this.stop(), IDLE_STOP_MS);
      this.idleTimer.unref();
    }
    return outcome;
  }

  stop(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.child?.kill("SIGKILL");
    this.child = null;
  }
}

/** A few children shared by every caller; files wait their turn. */
export class SandboxPool {
  private readonly slots: Slot[];
  private readonly free: Slot[];
  private readonly waiting: Job[] = [];
  private nextId = 0;

  constructor(
    size: number,
    readonly limits: SandboxLimits = SANDBOX_LIMITS,
    readonly poolRssBytes: number = SANDBOX_POOL_RSS_BYTES,
    ocrPlaces: number = ocrConcurrency(),
  ) {
    const gate = new OcrGate(Math.max(1, ocrPlaces));
    this.slots = Array.from({ length: Math.max(1, size) }, () => new Slot(limits, gate, (slot) => this.overBudget(slot)));
    this.free = [...this.slots];
  }

  /** How many files it reads at once, each in its own child. */
  get children(): number {
    return this.slots.length;
  }

  /** A file is being read with no other child busy (its second chance after giving way). */
  private aloneRunning = false;

  /**
   * The children together over the pool's budget: idle ones are stopped (that costs no file);
   * if still over, the largest busy child gives way. Two ordinary files read side by side can
   * cross the budget together (a child starts at about 140 MB), so a file that gave way while
   * others were busy is read again alone before it is refused (pump); alone, the budget is its own.
   */
  private overBudget(asking: Slot): BudgetVerdict {
    const sizes = this.slots.filter((slot) => !slot.scanning).map((slot) => ({ slot, bytes: slot.residentBytes() }));
    let total = sizes.reduce((sum, s) => sum + s.bytes, 0);
    if (total <= this.poolRssBytes) return "within";
    for (const { slot, bytes } of sizes) {
      if (!slot.busy && bytes > 0) {
        slot.stop();
        total -= bytes;
      }
    }
    if (total <= this.poolRssBytes) return "within";
    const busy = sizes.filter((s) => s.slot.busy).sort((a, b) => b.bytes - a.bytes);
    if (busy[0]?.slot !== asking) return "within";
    return busy.length > 1 ? "shared" : "alone";
  }

  /** Reads one file in a child; `onPage` hears each page of a scan as it is read. */
  parse(name: string, bytes: Uint8Array, context: ReadContext, onPage?: PageProgress): Promise<ReadOutcome> {
    return new Promise((resolve) => {
      this.waiting.push({ id: this.nextId++, name, bytes, context, limits: { ...this.limits }, onPage, resolve });
      this.pump();
    });
  }

  private pump(): void {
    while (this.free.length > 0 && this.waiting.length > 0 && !this.aloneRunning) {
      const head = this.waiting[0] as Job;
      // A second chance is read alone: it waits until every child is done with its file.
      if (head.alone && this.free.length < this.slots.length) return;
      // The slot used last: one stream of files keeps one warm child, not one per slot.
      const slot = this.free.pop() as Slot;
      const job = this.waiting.shift() as Job;
      if (job.alone) this.aloneRunning = true;
      void slot
        .run(job)
        .catch(() => unsafeOutcome("crash", this.limits))
        .then((outcome) => {
          if (job.alone) this.aloneRunning = false;
          this.free.push(slot);
          if (job.giveWayShared && !job.alone) {
            job.giveWayShared = false;
            job.alone = true;
            job.limits = { ...this.limits };
            this.waiting.unshift(job);
          } else {
            job.resolve(outcome);
          }
          this.pump();
        });
    }
  }

  stop(): void {
    for (const slot of this.slots) slot.stop();
  }
}

let shared: SandboxPool | null = null;

/** The default number of children: as many as cores, at most 4 (each may take a limit's memory). */
export const DEFAULT_SANDBOX_CHILDREN = Math.max(1, Math.min(4, os.availableParallelism()));

/** The process's pool, DEFAULT_SANDBOX_CHILDREN children unless `useSandboxChildren` said otherwise. */
export function sharedSandbox(): SandboxPool {
  shared ??= new SandboxPool(DEFAULT_SANDBOX_CHILDREN);
  return shared;
}

/**
 * `ingest --workers N`: read at most N files at once. Called before any file is read (a pool
 * already made is stopped; its idle children cost nothing to lose).
 */
export function useSandboxChildren(children: number): SandboxPool {
  shared?.stop();
  shared = new SandboxPool(children);
  return shared;
}
