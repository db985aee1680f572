import { describe, expect, it } from "vitest";
import { inspectInSandbox } from "../../../src/ingest/sandbox/inspect.js";
import { SANDBOX_LIMITS } from "../../../src/ingest/sandbox/pool.js";
import { oddLayoutPdf } from "../../fixtures/keying/odd-layout.js";
import { streamBombPdf, textOperatorBombPdf } from "../../fixtures/hostile-files.js";

/**
 * The keying screen draws pages and reads layouts in a child process with the parse sandbox's
 * bounds (issue 18): a real invoice comes back as PNG pages and its layout; a hostile PDF costs
 * only the child, which is killed at its memory or time limit, and this process carries on.
 */
const PNG = [0x89, 0x50, 0x4e, 0x47];

describe("inspecting a file in the sandbox", () => {
  it("draws a PDF's pages as PNG images and reads its layout", async () => {
    const pdf = await oddLayoutPdf({ provider: "Oakfield Fostering", code: "OAK-1", raised: "31.10.2026", grandSum: "10.00", lines: [] });
    const response = await inspectInSandbox({ name: "a.pdf", bytes: pdf, drawPages: true, scale: 1, maxPages: 5 });
    expect(response.kind).toBe("inspected");
    if (response.kind !== "inspected") return;
    expect(response.pages).toHaveLength(1);
    expect([...(response.pages[0]?.png.slice(0, 4) ?? [])]).toEqual(PNG);
    expect(response.inspection.layout?.rows.some((r) => r.cells.some((c) => c.text === "Document code"))).toBe(true);
  }, 120_000);

  it("says what a file that is not an invoice format is, without a layout", async () => {
    const response = await inspectInSandbox({ name: "notes.docx", bytes: new TextEncoder().encode("not a document"), drawPages: true, scale: 1, maxPages: 5 });
    expect(response).toMatchObject({ kind: "inspected", pages: [], inspection: { layout: null } });
  }, 120_000);

  it("stops a child that passes its time limit", async () => {
    const response = await inspectInSandbox({ name: "slow.pdf", bytes: await textOperatorBombPdf(), drawPages: true, scale: 1, maxPages: 5 }, { ...SANDBOX_LIMITS, wallMs: 1_000 });
    expect(response).toEqual({ kind: "failed", message: "it took longer than 1 seconds" });
  }, 120_000);

  it("stops a child that passes its memory limit", async () => {
    const response = await inspectInSandbox({ name: "bomb.pdf", bytes: await streamBombPdf(256), drawPages: true, scale: 1, maxPages: 5 }, { ...SANDBOX_LIMITS, rssBytes: 64 * 1024 * 1024 });
    expect(response.kind).toBe("failed");
    // A bound below what a child holds once pdfjs is loaded (~140 MB): the PDF reader's own stream
    // caps would otherwise refuse this bomb before the memory watch sees it. Either bound may come
    // first on a loaded machine; what matters is that the child stopped and this process did not.
    expect(response.kind === "failed" ? response.message : "").toMatch(/memory|longer|stopped/);
  }, 120_000);
});
