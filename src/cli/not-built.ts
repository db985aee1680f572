import { EXIT_USAGE, type Command } from "./command.js";

/** A command of INTERFACES.md that is not built yet: it says so and exits 2. */
export function notBuilt(name: string, synopsis: string, summary: string): Command {
  return {
    name,
    synopsis,
    summary,
    help: `${summary}\n\nThis command is not built yet.`,
    run: (_args, context) => {
      context.stderr.write(`placement-audit ${name}: not built yet in this version.\n`);
      return Promise.resolve(EXIT_USAGE);
    },
  };
}
