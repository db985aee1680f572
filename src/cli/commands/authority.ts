import { AppError, isAppError } from "../../domain/errors.js";
import { getAuthoritySettings, setAuthoritySettings, SETTING_LABELS, type AuthoritySettings, type AuthoritySettingsChange } from "../../services/authority/settings.js";
import { parseCommandArgs } from "../args.js";
import { EXIT_OK, type Command, type CommandContext } from "../command.js";

function show(settings: AuthoritySettings): string {
  const rows: [keyof AuthoritySettings, string][] = [
    ["name", settings.name],
    ["address", settings.address ?? "(not set)"],
    ["contactName", settings.contactName ?? "(not set)"],
    ["contactEmail", settings.contactEmail ?? "(not set)"],
    ["contactPhone", settings.contactPhone ?? "(not set)"],
    ["queryReplyDays", String(settings.queryReplyDays)],
    ["publicUrl", settings.publicUrl ?? "(not set)"],
  ];
  const width = Math.max(...rows.map(([key]) => SETTING_LABELS[key].length));
  return rows
    .map(([key, value]) => {
      const [first, ...rest] = value.split("\n");
      return [`${SETTING_LABELS[key].padEnd(width)}  ${first ?? ""}`, ...rest.map((line) => `${" ".repeat(width)}  ${line}`)].join("\n");
    })
    .join("\n") + "\n";
}

async function set(args: string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs(args, {
    name: { type: "string" },
    address: { type: "string" },
    "contact-name": { type: "string" },
    "contact-email": { type: "string" },
    "contact-phone": { type: "string" },
    "reply-days": { type: "string" },
    "public-url": { type: "string" },
  });
  const change: AuthoritySettingsChange = {
    ...(values.name !== undefined ? { name: values.name } : {}),
    ...(values.address !== undefined ? { address: values.address } : {}),
    ...(values["contact-name"] !== undefined ? { contactName: values["contact-name"] } : {}),
    ...(values["contact-email"] !== undefined ? { contactEmail: values["contact-email"] } : {}),
    ...(values["contact-phone"] !== undefined ? { contactPhone: values["contact-phone"] } : {}),
    ...(values["reply-days"] !== undefined ? { queryReplyDays: values["reply-days"] } : {}),
    ...(values["public-url"] !== undefined ? { publicUrl: values["public-url"] } : {}),
  };
  if (Object.keys(change).length === 0) throw new AppError("usage", "name at least one setting to change, e.g. --contact-email invoices@council.example");
  const db = await context.database();
  try {
    const settings = await setAuthoritySettings(db, await context.authorityId(), change, "cli");
    context.stdout.write(`Saved. The council's details are now:\n${show(settings)}`);
  } catch (error) {
    if (isAppError(error) && error.code === "validation") throw new AppError("usage", error.message);
    throw error;
  }
  return EXIT_OK;
}

export const authorityCommand: Command = {
  name: "authority",
  help: [
    "authority show",
    "  The council's details as query packs give them to providers.",
    "",
    "authority set [--name TEXT] [--address TEXT] [--contact-name TEXT] [--contact-email ADDRESS]",
    "              [--contact-phone TEXT] [--reply-days N] [--public-url URL]",
    "  --address        the postal address; separate its lines with \";\" (or \\n)",
    "  --contact-*      who providers reply to about an invoice query",
    "  --reply-days N   days from a query pack's date to its reply-by date (default 28)",
    "  --public-url URL where people open this service (links from the savings workbook to each finding)",
    "  An empty value (--contact-phone \"\") clears an optional setting. Each change is audit-logged.",
  ].join("\n"),
  async run(args, context) {
    const [subcommand, ...rest] = args;
    if (subcommand === "set") return set(rest, context);
    if (subcommand === "show" || subcommand === undefined) {
      parseCommandArgs(rest, {});
      context.stdout.write(show(await getAuthoritySettings(await context.database(), await context.authorityId())));
      return EXIT_OK;
    }
    throw new AppError("usage", `unknown subcommand "${subcommand}": use "show" or "set"`);
  },
};
