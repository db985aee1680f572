import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  claimInboxFile,
  claimedFiles,
  claimingWorkers,
  ensureInbox,
  inboxPaths,
  listInbox,
  moveToFailed,
  moveToProcessed,
  releaseClaims,
  forgetInterruptions,
  interruptions,
  type InboxPaths,
} from "../../../src/services/ingest/inbox.js";

function write(file: string, content: string, ageMs = 60_000): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  const when = new Date(Date.now() - ageMs);
  fs.utimesSync(file, when, when);
}

describe("inbox files on a real filesystem", () => {
  let dataDir: string;
  let paths: InboxPaths;
  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pa-inbox-"));
    paths = inboxPaths(dataDir);
    await ensureInbox(paths);
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("lists dropped files oldest first, leaving out hidden, partial and still-changing files", async () => {
    write(path.join(paths.inbox, "b.pdf"), "b", 50_000);
    write(path.join(paths.inbox, "a.csv"), "a", 90_000);
    write(path.join(paths.inbox, ".hidden.csv"), "h");
    write(path.join(paths.inbox, "copying.pdf.part"), "p");
    write(path.join(paths.inbox, "~$open.xlsx"), "o");
    write(path.join(paths.inbox, "fresh.pdf"), "f", 100);
    const listed = await listInbox(paths, { settleMs: 2_000 });
    expect(listed.map((c) => c.name)).toEqual(["a.csv", "b.pdf"]);
  });

  it("gives a file to exactly one of two workers claiming it at once", async () => {
    write(path.join(paths.inbox, "inv.csv"), "x");
    const [first, second] = await Promise.all([claimInboxFile(paths, "inv.csv", "w1"), claimInboxFile(paths, "inv.csv", "w2")]);
    const winners = [first, second].filter((c) => c !== null);
    expect(winners).toHaveLength(1);
    expect(fs.existsSync(path.join(paths.inbox, "inv.csv"))).toBe(false);
    expect(fs.readFileSync(winners[0]!.path, "utf8")).toBe("x");
  });

  it("moves a processed file without overwriting an earlier one of the same name", async () => {
    write(path.join(paths.processed, "inv.csv"), "old");
    write(path.join(paths.inbox, "inv.csv"), "new");
    const claimed = await claimInboxFile(paths, "inv.csv", "w1");
    const target = await moveToProcessed(paths, claimed!);
    expect(path.basename(target)).toBe("inv (2).csv");
    expect(fs.readFileSync(path.join(paths.processed, "inv.csv"), "utf8")).toBe("old");
    expect(fs.readFileSync(target, "utf8")).toBe("new");
    expect(await claimedFiles(paths, "w1")).toEqual([]);
  });

  it("puts a failed file in failed/ with <name>.reason.txt beside it", async () => {
    write(path.join(paths.inbox, "scan.pdf"), "%PDF");
    const claimed = await claimInboxFile(paths, "scan.pdf", "w1");
    await moveToFailed(paths, claimed!, "No text layer: a scanned PDF.");
    expect(fs.readdirSync(paths.failed).sort()).toEqual(["scan.pdf", "scan.pdf.reason.txt"]);
    expect(fs.readFileSync(path.join(paths.failed, "scan.pdf.reason.txt"), "utf8")).toBe("No text layer: a scanned PDF.\n");
  });

  it("returns a dead worker's claimed files to the inbox once, even when two workers clean up at once", async () => {
    write(path.join(paths.claimed, "dead", "one.csv"), "1");
    write(path.join(paths.claimed, "dead", "two.csv"), "2");
    expect(await claimingWorkers(paths)).toEqual(["dead"]);
    const [a, b] = await Promise.all([releaseClaims(paths, "dead", "w1"), releaseClaims(paths, "dead", "w2")]);
    expect([...a, ...b].sort()).toEqual(["one.csv", "two.csv"]);
    expect(fs.readdirSync(paths.inbox).filter((n) => !n.startsWith(".") && n.endsWith(".csv")).sort()).toEqual(["one.csv", "two.csv"]);
    expect(fs.existsSync(path.join(paths.claimed, "dead"))).toBe(false);
  });
  it("counts each file a dead worker held, under the name it gets back, across deaths, until it is forgotten", async () => {
    write(path.join(paths.claimed, "dead-1", "bomb.pdf"), "x");
    expect(await releaseClaims(paths, "dead-1", "w1")).toEqual(["bomb.pdf"]);
    expect(await interruptions(paths, "bomb.pdf")).toBe(1);
    // Taken again and its worker died again: the count goes on.
    fs.mkdirSync(path.join(paths.claimed, "dead-2"));
    fs.renameSync(path.join(paths.inbox, "bomb.pdf"), path.join(paths.claimed, "dead-2", "bomb.pdf"));
    expect(await releaseClaims(paths, "dead-2", "w1")).toEqual(["bomb.pdf"]);
    expect(await interruptions(paths, "bomb.pdf")).toBe(2);
    // Another file of the same name already waiting: the returned one comes back as "bomb (2).pdf",
    // counted on from the name's count (which file it belonged to cannot be told: the safe side,
    // at worst a person re-processes it), and the waiting one keeps its own.
    write(path.join(paths.claimed, "dead-3", "bomb.pdf"), "y");
    expect(await releaseClaims(paths, "dead-3", "w1")).toEqual(["bomb (2).pdf"]);
    expect(await interruptions(paths, "bomb (2).pdf")).toBe(3);
    expect(await interruptions(paths, "bomb.pdf")).toBe(2);
    await forgetInterruptions(paths, "bomb.pdf");
    expect(await interruptions(paths, "bomb.pdf")).toBe(0);
    expect(await interruptions(paths, "never-seen.pdf")).toBe(0);
  });
});
