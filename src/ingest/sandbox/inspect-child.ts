import { inspectInvoiceFile } from "../keying/read-so-far.js";
import { renderPdfPages } from "../keying/page-images.js";
import type { InspectRequest, InspectResponse } from "./inspect.js";

/**
 * The child process of inspect.ts: reads one file's layout and draws its pages, answers, and is
 * then stopped. No database and no disk; a hostile file costs this process only.
 */
async function inspect(request: InspectRequest): Promise<InspectResponse> {
  const inspection = await inspectInvoiceFile(request.name, request.bytes, null);
  const pages = request.drawPages && inspection.layout?.format === "pdf" ? await renderPdfPages(request.bytes, request.scale, request.maxPages) : [];
  return { kind: "inspected", inspection, pages };
}

process.on("message", (request: InspectRequest) => {
  void inspect(request)
    .catch((error: unknown) => ({ kind: "failed" as const, message: error instanceof Error ? error.message : String(error) }))
    .then((response) => process.send?.(response));
});
process.send?.({ ready: true });
