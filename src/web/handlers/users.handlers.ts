import type { Request, Response } from "express";
import { isAppError } from "../../domain/errors.js";
import { createUser, listUsers, MIN_PASSWORD_LENGTH, ROLES, unlockUser, validateNewUser } from "../../services/users/users.js";
import { accountStatus, disableUser, enableUser, resetPassword } from "../../services/users/accounts.js";
import { field } from "../body.js";
import { actorOf, type WebContext } from "../context.js";
import type { FieldErrors } from "../params.js";
import { render } from "../views.js";

/** A one-time password, shown once on the page that issued it (never kept in the session or a log). */
interface IssuedPassword {
  username: string;
  password: string;
}

async function showUsers(ctx: WebContext, req: Request, res: Response, errors: FieldErrors = {}, status = 200, issued: IssuedPassword | null = null): Promise<void> {
  const actor = actorOf(req);
  const users = (await listUsers(ctx.db, actor.authorityId, ctx.now())).map((u) => ({ ...u, status: accountStatus(u), self: u.id === actor.userId }));
  await render(
    ctx, req, res, "users.njk",
    { users, roles: ROLES, errors, issued, minPasswordLength: MIN_PASSWORD_LENGTH, values: { username: field(req, "username"), role: field(req, "role") } },
    status,
  );
}

export function usersPage(ctx: WebContext, req: Request, res: Response): Promise<void> {
  return showUsers(ctx, req, res);
}

export async function addUser(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const input = { username: field(req, "username"), password: field(req, "password"), role: field(req, "role"), authorityId: actorOf(req).authorityId };
  const errors: FieldErrors = { ...validateNewUser(input) };
  if (Object.keys(errors).length === 0) {
    try {
      const user = await createUser(ctx.db, input, actorOf(req).username);
      req.session.flash = { kind: "success", text: `User ${user.username} added.` };
      res.redirect(303, "/users");
      return;
    } catch (error) {
      if (!isAppError(error) || (error.code !== "user.exists" && error.code !== "user.invalid")) throw error;
      errors.username = error.message;
    }
  }
  await showUsers(ctx, req, res, errors, 400);
}

export async function unlock(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const actor = actorOf(req);
  await unlockUser(ctx.db, String(req.params.id), actor.username, actor.authorityId);
  req.session.flash = { kind: "success", text: "Sign-in throttling for the account is cleared." };
  res.redirect(303, "/users");
}

/** An account change refused by the service (your own account, no such user): said on the page. */
async function refusedOnPage(ctx: WebContext, req: Request, res: Response, error: unknown): Promise<void> {
  if (!isAppError(error) || error.code !== "user.self") throw error;
  await showUsers(ctx, req, res, { users: error.message }, 400);
}

export async function disable(ctx: WebContext, req: Request, res: Response): Promise<void> {
  try {
    const user = await disableUser(ctx.db, actorOf(req), { id: String(req.params.id) }, ctx.now());
    req.session.flash = { kind: "success", text: `${user.username} is disabled and signed out everywhere.` };
    res.redirect(303, "/users");
  } catch (error) {
    await refusedOnPage(ctx, req, res, error);
  }
}

export async function enable(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const user = await enableUser(ctx.db, actorOf(req), { id: String(req.params.id) });
  req.session.flash = { kind: "success", text: `${user.username} can sign in again.` };
  res.redirect(303, "/users");
}

/** Shows the one-time password on this response only (no redirect: it must not sit in the session). */
export async function resetUserPassword(ctx: WebContext, req: Request, res: Response): Promise<void> {
  try {
    const { user, oneTimePassword } = await resetPassword(ctx.db, actorOf(req), { id: String(req.params.id) }, ctx.now());
    await showUsers(ctx, req, res, {}, 200, { username: user.username, password: oneTimePassword });
  } catch (error) {
    await refusedOnPage(ctx, req, res, error);
  }
}
