import type { InboxJob } from "../src/services/ingest/inbox-pass.js";

/**
 * The inbox: every few seconds, ingest the files dropped into DATA_DIR/inbox/ (each claimed by
 * one worker, then moved to processed/ or failed/; src/services/ingest/inbox-pass.ts).
 */
export const inboxJob: InboxJob = {
  name: "inbox",
  schedule: (settings) => ({ kind: "every", ms: settings.inboxPollMs }),
  run: (_deps, { inbox, settleMs, shouldStop }) => inbox.runOnce({ settleMs, shouldStop }),
};
