import type { Request, Response } from "express";
import { isAppError } from "../../domain/errors.js";
import { createUser, listUsers, MIN_PASSWORD_LENGTH, ROLES, unlockUser, validateNewUser } from "../../services/users/users.js";
import { field } from "../body.js";
import { actorOf, type WebContext } from "../context.js";
import type { FieldErrors } from "../params.js";
import { render } from "../views.js";

async function showUsers(ctx: WebContext, req: Request, res: Response, errors: FieldErrors = {}, status = 200): Promise<void> {
  const actor = actorOf(req);
  const users = await listUsers(ctx.db, actor.authorityId, ctx.now());
  await render(
    ctx, req, res, "users.njk",
    { users, roles: ROLES, errors, minPasswordLength: MIN_PASSWORD_LENGTH, values: { username: field(req, "username"), role: field(req, "role") } },
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
