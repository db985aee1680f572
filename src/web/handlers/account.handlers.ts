import type { Request, Response } from "express";
import { changeOwnPassword, PasswordChangeRefused, type PasswordChangeErrors } from "../../services/users/accounts.js";
import { MIN_PASSWORD_LENGTH } from "../../services/users/users.js";
import { field } from "../body.js";
import { userOf, type WebContext } from "../context.js";
import { render } from "../views.js";

/**
 * Everyone's own account: changing their password. After an administrator's reset this is the
 * only page the user can reach (auth.ts sends every other page here) until it is changed.
 */
function showChangePassword(ctx: WebContext, req: Request, res: Response, errors: PasswordChangeErrors = {}, status = 200): Promise<void> {
  return render(ctx, req, res, "account-password.njk", { errors, minPasswordLength: MIN_PASSWORD_LENGTH, forced: userOf(req).mustChangePassword }, status);
}

export function changePasswordPage(ctx: WebContext, req: Request, res: Response): Promise<void> {
  return showChangePassword(ctx, req, res);
}

export async function changePassword(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const user = userOf(req);
  try {
    await changeOwnPassword(
      ctx.db, user,
      { current: field(req, "current_password"), next: field(req, "new_password"), confirm: field(req, "confirm_password") },
      ctx.now(), { keepSid: req.sessionID, ip: req.ip ?? "unknown" },
    );
  } catch (error) {
    if (!(error instanceof PasswordChangeRefused)) throw error;
    await showChangePassword(ctx, req, res, error.errors, 400);
    return;
  }
  ctx.logger.info("password changed", { userId: user.id });
  req.session.flash = { kind: "success", text: "Your password is changed. Your other sessions are signed out." };
  res.redirect(303, "/");
}
