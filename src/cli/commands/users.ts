import { AppError, isAppError } from "../../domain/errors.js";
import { formatDate } from "../../domain/dates.js";
import { londonDate } from "../../domain/months.js";
import { ROLE_LABELS } from "../../domain/roles.js";
import { createUser, isRole, listUsers, ROLES, type UserListing } from "../../services/users/users.js";
import { accountStatus, disableUser, enableUser, resetPassword, type AccountActor } from "../../services/users/accounts.js";
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
    status: user.recentFailures > 0 ? `${accountStatus(user)} (${user.recentFailures} failed sign-in(s) in the last hour)` : accountStatus(user),
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

/** `users disable|enable|reset-password USERNAME`: one account, by its username. */
function parseUsername(subcommand: string, args: readonly string[]): string {
  const extra = args.find((a) => a.startsWith("-"));
  if (extra) throw new AppError("usage", `unknown option ${extra}`);
  if (args.length !== 1 || !args[0]) throw new AppError("usage", `users ${subcommand} needs one username`);
  return args[0];
}

/** The command line acts as "cli" in the audit log, as `users add` does: it is no account of the UI. */
async function cliActor(context: CommandContext): Promise<AccountActor> {
  return { authorityId: await context.authorityId(), username: "cli", userId: null };
}

async function changeAccount(subcommand: "disable" | "enable" | "reset-password", args: readonly string[], context: CommandContext): Promise<number> {
  const username = parseUsername(subcommand, args);
  const db = await context.database();
  const actor = await cliActor(context);
  try {
    if (subcommand === "disable") {
      const user = await disableUser(db, actor, { username }, new Date());
      context.stdout.write(`${user.username} is disabled: they cannot sign in, and their sessions have ended.\n`);
    } else if (subcommand === "enable") {
      const user = await enableUser(db, actor, { username });
      context.stdout.write(`${user.username} can sign in again (${accountStatus(user).toLowerCase()}).\n`);
    } else {
      const { user, oneTimePassword } = await resetPassword(db, actor, { username }, new Date());
      context.stdout.write(`One-time password for ${user.username}: ${oneTimePassword}\nIt is shown only now. Give it to them securely; they must change it when they next sign in.\n`);
    }
    return EXIT_OK;
  } catch (error) {
    if (isAppError(error) && error.code === "not_found") {
      context.stderr.write(`placement-audit users: ${error.message}\n`);
      return EXIT_REJECTED;
    }
    throw error;
  }
}

export const usersCommand: Command = {
  name: "users",
  help: [
    "Create, list, disable or enable the users of the review web UI, or reset a password.",
    "",
    "  users add <username> --role finance_officer|commissioner|admin [--password-env VAR]",
    "  users list [--format json|csv|table]   usernames, roles and whether each can sign in, in words",
    "  users disable <username>               no more sign-in; their sessions end now",
    "  users enable <username>                sign-in allowed again",
    "  users reset-password <username>        prints a one-time password, to be changed at the next sign-in",
    "",
    "Accounts are disabled, never deleted: decisions, notes and the audit log keep naming them.",
    "",
    "The password is read from the environment variable VAR when --password-env is given,",
    "otherwise from the first line of standard input, e.g.",
    "  printf '%s\\n' \"$PASSWORD\" | placement-audit users add finance --role finance_officer",
  ].join("\n"),
  async run(args, context) {
    const [subcommand, ...rest] = args;
    if (subcommand === "list") return list(rest, context);
    if (subcommand === "disable" || subcommand === "enable" || subcommand === "reset-password") return changeAccount(subcommand, rest, context);
    if (subcommand !== "add") {
      throw new AppError("usage", subcommand ? `unknown subcommand "${subcommand}" (try: users add, list, disable, enable, reset-password)` : "users needs a subcommand: add, list, disable, enable or reset-password");
    }
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
