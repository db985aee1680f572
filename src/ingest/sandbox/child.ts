import { readInvoiceFile, type ReadContext } from "../read-invoice-file.js";

/**
 * The parser's child process (see pool.ts): reads each file it is sent and answers with the
 * outcome. No database and no disk; it may be killed at any moment, which is the point.
 */
export interface SandboxRequest {
  id: number;
  name: string;
  bytes: Uint8Array;
  context: ReadContext;
}

process.on("message", (request: SandboxRequest) => {
  void readInvoiceFile(request.name, request.bytes, request.context).then((outcome) => process.send?.({ id: request.id, outcome }));
});
process.send?.({ ready: true });
// The process that started this child died (a worker killed with -9, say): nobody is left to
// watch this child's bounds or read its answer, so it stops too.
process.on("disconnect", () => process.exit(0));
