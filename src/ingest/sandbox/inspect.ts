import { fork } from "node:child_process";
import type { Inspection } from "../keying/read-so-far.js";
import type { PageImage } from "../keying/page-images.js";
import { residentBytes, SANDBOX_LIMITS, type SandboxLimits } from "./pool.js";

/**
 * The keying screen's work on a stored file (issue 18) — its layout, what the reader made of
 * it and its pages drawn as images — done in a child process with the same bounds as the parse
 * sandbox (pool.ts): a heap cap, a resident-memory watch and a wall-clock limit. One child per
 * request, stopped after it: these requests are rare (a person opening a file), and the images
 * are cached by the caller, so a fresh process costs little and keeps nothing between files.
 */
export interface InspectRequest {
  name: string;
  bytes: Uint8Array;
  /** Draw a PDF's pages too (at this scale, at most this many). */
  drawPages: boolean;
  scale: number;
  maxPages: number;
}

export type InspectResponse = { kind: "inspected"; inspection: Inspection; pages: PageImage[] } | { kind: "failed"; message: string };

const RSS_POLL_MS = 50;

function childScript(): { script: string; args: string[] } {
  const fromSources = import.meta.url.endsWith(".ts");
  // From the sources, through child-entry.mjs: pdfjs loaded before tsx, as for the parse children
  // (through tsx's hooks it alone passed the 384 MB bound).
  if (fromSources) return { script: new URL("./child-entry.mjs", import.meta.url).pathname, args: ["inspect"] };
  return { script: new URL("./inspect-child.js", import.meta.url).pathname, args: [] };
}

export function inspectInSandbox(request: InspectRequest, limits: SandboxLimits = SANDBOX_LIMITS): Promise<InspectResponse> {
  const { script, args } = childScript();
  const child = fork(script, args, {
    execArgv: [`--max-old-space-size=${limits.heapMb}`],
    serialization: "advanced",
    stdio: ["ignore", "ignore", "ignore", "ipc"],
  });
  return new Promise((resolve) => {
    let settled = false;
    const finish = (response: InspectResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(wall);
      clearInterval(watch);
      child.kill("SIGKILL");
      resolve(response);
    };
    const wall = setTimeout(() => finish({ kind: "failed", message: `it took longer than ${Math.round(limits.wallMs / 1000)} seconds` }), limits.wallMs);
    const watch = setInterval(() => {
      const rss = child.pid === undefined ? null : residentBytes(child.pid);
      if (rss !== null && rss > limits.rssBytes) finish({ kind: "failed", message: `it needed more than ${Math.round(limits.rssBytes / (1024 * 1024))} MB of memory` });
    }, RSS_POLL_MS);
    child.on("message", (message: { ready: true } | InspectResponse) => {
      if ("ready" in message) {
        child.send(request, (error) => {
          if (error) finish({ kind: "failed", message: "its reader could not be started" });
        });
        return;
      }
      finish(message);
    });
    child.once("exit", () => finish({ kind: "failed", message: "its reader stopped" }));
    child.once("error", () => finish({ kind: "failed", message: "its reader could not be started" }));
  });
}
