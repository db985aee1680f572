import type { Logger } from "../../logger.js";

export interface Poller {
  stop(): Promise<void>;
}

/**
 * Runs `pass` every `everyMs` until stopped (one pass at a time; a pass that throws is logged
 * and the next comes as usual). stop() lets the pass in hand finish: `pass` is told through
 * `shouldStop` so it can end early at a safe point.
 */
export function startPolling(name: string, everyMs: number, pass: (shouldStop: () => boolean) => Promise<void>, logger: Logger): Poller {
  let stopping = false;
  let timer: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;

  const once = async (): Promise<void> => {
    try {
      await pass(() => stopping);
    } catch (error) {
      logger.error(`${name} pass failed`, { job: name, error: (error as Error).message });
    }
  };
  const loop = async (): Promise<void> => {
    while (!stopping) {
      await once();
      if (stopping) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, everyMs);
      });
      wake = null;
    }
  };
  const current = loop();
  return {
    stop: async () => {
      stopping = true;
      if (timer) clearTimeout(timer);
      wake?.();
      await current;
    },
  };
}
