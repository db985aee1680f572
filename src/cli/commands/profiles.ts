import { AppError, isAppError } from "../../domain/errors.js";
import type { HeaderMapping } from "../../reference/headers.js";
import { describeMapping, listProfiles, parseMapping, profileMappings, removeProfile, saveProfile } from "../../services/reference/import-profiles.js";
import { parseCommandArgs } from "../args.js";
import { EXIT_OK, type Command } from "../command.js";
import { toTable } from "../output.js";

function mappingsOf(specs: readonly string[]): HeaderMapping[] {
  try {
    return specs.map(parseMapping);
  } catch (error) {
    if (isAppError(error)) throw new AppError("usage", `--map: ${error.message}`);
    throw error;
  }
}

export const profilesCommand: Command = {
  name: "profiles",
  help: [
    "An import profile says where the headers of one kind of export go, e.g. for a case system's",
    "placements export \"Care Package Level\" → service_level. `import --profile NAME` uses it.",
    "",
    "  profiles list                      the profiles, with their mappings",
    "  profiles show NAME                 one profile's mappings",
    "  profiles set NAME --map H=C …      create the profile, or replace its mappings",
    "  profiles delete NAME               remove it",
    "A mapping is \"file header=column\" or \"file header=table.column\". Changes go to the audit log.",
  ].join("\n"),
  async run(args, context) {
    const { positionals, values } = parseCommandArgs(args, { map: { type: "string", multiple: true } }, true);
    const [action, name, ...extra] = positionals;
    if (extra.length > 0) throw new AppError("usage", `unexpected argument ${extra[0] ?? ""} (quote a profile name with spaces)`);
    const needName = (): string => {
      if (name === undefined || name.trim() === "") throw new AppError("usage", `profiles ${action ?? ""} needs a profile name`);
      return name;
    };
    const db = await context.database();
    const authorityId = await context.authorityId();
    switch (action) {
      case "list": {
        const rows = (await listProfiles(db, authorityId)).map((p) => ({ profile: p.name, mappings: p.mappings.map(describeMapping).join("; "), "updated by": p.updatedBy }));
        context.stdout.write(rows.length === 0 ? "No import profiles saved yet.\n" : `${toTable(["profile", "mappings", "updated by"], rows)}\n`);
        return EXIT_OK;
      }
      case "show": {
        const mappings = await profileMappings(db, authorityId, needName());
        context.stdout.write(mappings.map((m) => `${describeMapping(m)}\n`).join(""));
        return EXIT_OK;
      }
      case "set": {
        const mappings = mappingsOf(values.map ?? []);
        if (mappings.length === 0) throw new AppError("usage", "profiles set needs at least one --map HEADER=COLUMN");
        const saved = await saveProfile(db, { authorityId: authorityId, name: needName(), mappings, actor: "cli", mode: "replace" });
        context.stdout.write(`Import profile "${needName()}" saved: ${saved.map(describeMapping).join("; ")}\n`);
        return EXIT_OK;
      }
      case "delete":
        await removeProfile(db, authorityId, needName(), "cli");
        context.stdout.write(`Import profile "${needName()}" deleted.\n`);
        return EXIT_OK;
      case undefined:
      default:
        throw new AppError("usage", "profiles needs list, show NAME, set NAME --map HEADER=COLUMN, or delete NAME");
    }
  },
};
