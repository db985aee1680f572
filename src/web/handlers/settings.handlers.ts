import type { Request, Response } from "express";
import { checkSettingsChange, getAuthoritySettings, setAuthoritySettings, SETTING_LABELS, type AuthoritySettings, type AuthoritySettingsChange } from "../../services/authority/settings.js";
import { field } from "../body.js";
import { actorOf, type WebContext } from "../context.js";
import type { FieldErrors } from "../params.js";
import { render } from "../views.js";

/**
 * The admin's Settings page: the council's details that query packs give providers (name,
 * address, contact, days to reply) and the web address the savings workbook links back to.
 * The same service as `placement-audit authority set`; each change is audit-logged.
 */
const FIELDS: readonly (keyof AuthoritySettings)[] = ["name", "address", "contactName", "contactEmail", "contactPhone", "queryReplyDays", "publicUrl"];

function asText(settings: AuthoritySettings): Record<keyof AuthoritySettings, string> {
  return {
    name: settings.name,
    address: settings.address ?? "",
    contactName: settings.contactName ?? "",
    contactEmail: settings.contactEmail ?? "",
    contactPhone: settings.contactPhone ?? "",
    queryReplyDays: String(settings.queryReplyDays),
    publicUrl: settings.publicUrl ?? "",
  };
}

async function show(ctx: WebContext, req: Request, res: Response, values: Record<string, string>, errors: FieldErrors = {}, status = 200): Promise<void> {
  await render(ctx, req, res, "settings.njk", { values, errors, labels: SETTING_LABELS }, status);
}

export async function settingsPage(ctx: WebContext, req: Request, res: Response): Promise<void> {
  await show(ctx, req, res, asText(await getAuthoritySettings(ctx.db, actorOf(req).authorityId)));
}

export async function saveSettings(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const actor = actorOf(req);
  const change: AuthoritySettingsChange = Object.fromEntries(FIELDS.map((name) => [name, field(req, name)]));
  const { problems } = checkSettingsChange(change);
  if (problems.length > 0) {
    const errors: FieldErrors = Object.fromEntries(problems.map((p) => [p.field, `${SETTING_LABELS[p.field]} ${p.message}`]));
    await show(ctx, req, res, Object.fromEntries(FIELDS.map((name) => [name, field(req, name)])), errors, 400);
    return;
  }
  await setAuthoritySettings(ctx.db, actor.authorityId, change, actor.username);
  req.session.flash = { kind: "success", text: "The council's details are saved." };
  res.redirect(303, "/settings");
}
