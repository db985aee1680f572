import { AppError, isAppError } from "../../domain/errors.js";
import { formatDate } from "../../domain/dates.js";
import { londonDate } from "../../domain/months.js";
import { ROLE_LABELS } from "../../domain/roles.js";
import { createUser, isRole, listUsers, ROLES, type UserListing } from "../../services/users/users.js";
import { parseCommandArgs, requireFormat } from "../args.js";
import { toCsv, toTable } from "../output.js";
import { EXIT_OK, EXIT_REJECTED, type Command, type CommandContext } from "../command.js";

/** The password: the named environment variable, or the first line of standard input. */
async function readPassword(context: CommandContext, passwordEnv: string | null): Promise<string> {
  if (passwordEnv !== null) {
    const value = process.env[passwordEnv];
    if (value === undefined || value === "") throw new AppError("usage", `the environment variable ${passwordEnv} is not set`);
    return value;
  }
  const stdin = context.stdin as NodeJS.ReadStream;
  if (stdin.isTTY) context.stderr.write("Password (the input is shown; prefer --password-env or a pipe): ");
  let text = "";
  for await (const chunk of stdin) {
    text += typeof chunk === "string" ? chunk : (chunk as Buffer).toString("utf8");
    if (text.includes("\n")) break;
  }
  return text.split(/\r?\n/)[0] ?? "";
}

interface AddArgs {
  username: string;
  role: string;
  passwordEnv: string | null;
}

function parseAdd(args: readonly string[]): AddArgs {
  let username: string | null = null;
  let role: string | null = null;
  let passwordEnv: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    if (flag === "--role" || flag === "--password-env") {
      const value = inline ?? args[++i];
      if (value === undefined || value === "") throw new AppError("usage", `${flag} needs a value`);
      if (flag === "--role") role = value;
      else passwordEnv = value;
    } else if (arg.startsWith("-")) {
      throw new AppError("usage", `unknown option ${arg}`);
    } else if (username === null) {
      username = arg;
    } else {
      throw new AppError("usage", `unexpected argument ${arg}`);
    }
  }
  if (username === null) throw new AppError("usage", "users add needs a username");
  if (role === null) throw new AppError("usage", `users add needs --role (${ROLES.join(", ")})`);
  if (!isRole(role)) throw new AppError("usage", `--role must be one of ${ROLES.join(", ")}, not "${role}"`);
  return { username, role, passwordEnv };
}

/**
 * A user as `users list` prints them, in words: the role, and the failed sign-ins of the last hour
 * (accounts are throttled per address, never locked, so a count is what there is to see).
 */
function userRow(user: UserListing): { username: string; role: string; status: string; created: string } {
  return {
    username: user.username,
    role: ROLE_LABELS[user.role],
    status: user.recentFailures > 0 ? `Active (${user.recentFailures} failed sign-in(s) in the last hour)` : "Active",
    created: formatDate(londonDate(user.createdAt)),
  };
}

async function list(args: readonly string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs([...args], { format: { type: "string" } });
  const format = requireFormat(values.format);
  const users = await listUsers(await context.database(), await context.authorityId());
  const rows = users.map(userRow);
  if (format === "json") context.stdout.write(`${JSON.stringify(users.map((u, i) => ({ username: u.username, role: u.role, ...rows[i], role_code: u.role })), null, 2)}\n`);
  else if (format === "csv") context.stdout.write(toCsv(["username", "role", "status", "created"], rows));
  else context.stdout.write(`${toTable(["username", "role", "status", "created"], rows)}${users.length} user(s)\n`);
  return EXIT_OK;
}

export const usersCommand: Command = {
  name: "users",
  help: [
    "Create or list the users of the review web UI.",
    "",
    "  users add <username> --role finance_officer|commissioner|admin [--password-env VAR]",
    "  users list [--format json|csv|table]   usernames, roles and whether each can sign in, in words",
    "",
    "The password is read from the environment variable VAR when --password-env is given,",
    "otherwise from the first line of standard input, e.g.",
    "  printf '%s\\n' \"$PASSWORD\" | placement-audit users add finance --role finance_officer",
  ].join("\n"),
  async run(args, context) {
    const [subcommand, ...rest] = args;
    if (subcommand === "list") return list(rest, context);
    if (subcommand !== "add") throw new AppError("usage", subcommand ? `unknown subcommand "${subcommand}" (try: users add, users list)` : "users needs a subcommand: add or list");
    const parsed = parseAdd(rest);
    const password = await readPassword(context, parsed.passwordEnv);
    const db = await context.database();
    try {
      const user = await createUser(db, { username: parsed.username, password, role: parsed.role, authorityId: await context.authorityId() }, "cli");
      context.stdout.write(`Created user ${user.username} (${ROLE_LABELS[user.role]}).\n`);
      return EXIT_OK;
    } catch (error) {
      if (isAppError(error) && (error.code === "user.invalid" || error.code === "user.exists")) {
        context.stderr.write(`placement-audit users: ${error.message}\n`);
        return EXIT_REJECTED;
      }
      throw error;
    }
  },
};
