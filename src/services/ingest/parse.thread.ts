import { parentPort, workerData } from "node:worker_threads";
import { readInvoiceFile, type ReadContext } from "../../ingest/read-invoice-file.js";

/**
 * A parse worker (see ingest-parse.ts): reads the files it is sent with the providers and
 * templates it was started with, and answers each with its outcome. No database, no disk.
 */
export interface ParseRequest {
  id: number;
  name: string;
  bytes: Uint8Array;
}

const port = parentPort;
if (port) {
  const context = workerData as ReadContext;
  port.on("message", (request: ParseRequest) => {
    void readInvoiceFile(request.name, request.bytes, context).then((outcome) => port.postMessage({ id: request.id, outcome }));
  });
}
