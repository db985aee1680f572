import { readInvoiceFile, type ReadContext } from "../read-invoice-file.js";

/**
 * The parser's child process (see pool.ts): reads each file it is sent and answers with the
 * outcome. No database and no disk; it may be killed at any moment, which is the point.
 * A scan tells the parent its page count first and waits for a scan's budget (more time and
 * memory, and one of the few OCR places) before its pages are read; each page read is reported.
 */
export interface SandboxRequest {
  id: number;
  name: string;
  bytes: Uint8Array;
  context: ReadContext;
}

/** Child → parent, besides the outcome. */
export type SandboxNotice = { id: number; scan: { pages: number } } | { id: number; progress: { page: number; pages: number } };

const granted = new Map<number, () => void>();

process.on("message", (message: SandboxRequest | { id: number; scanGo: true }) => {
  if ("scanGo" in message) {
    granted.get(message.id)?.();
    granted.delete(message.id);
    return;
  }
  const request = message;
  const scan = {
    beforeOcr: (pages: number): Promise<void> =>
      new Promise<void>((resolve) => {
        granted.set(request.id, resolve);
        process.send?.({ id: request.id, scan: { pages } } satisfies SandboxNotice);
      }),
    onPage: (page: number, pages: number): void => {
      process.send?.({ id: request.id, progress: { page, pages } } satisfies SandboxNotice);
    },
  };
  void readInvoiceFile(request.name, request.bytes, request.context, { scan }).then((outcome) => process.send?.({ id: request.id, outcome }));
});
process.send?.({ ready: true });
// The process that started this child died (a worker killed with -9, say): nobody is left to
// watch this child's bounds or read its answer, so it stops too.
process.on("disconnect", () => process.exit(0));
