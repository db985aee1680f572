import type { Request, Response } from "express";
import type nunjucks from "nunjucks";
import type { Database } from "../db/connection.js";
import type { Role } from "../domain/roles.js";
import type { Logger } from "../logger.js";
import type { CsrfGuard } from "./csrf.js";
import type { ServicePorts, UploadedFile } from "./service-ports.js";

/** The signed-in user, loaded from the database on every request (role changes apply at once). */
export interface SessionUser {
  id: string;
  username: string;
  role: Role;
  authorityId: number;
  /** After an administrator's reset: only the change-password page (and signing out) until it is changed. */
  mustChangePassword: boolean;
}

export interface Flash {
  kind: "success" | "important";
  title?: string;
  text: string;
}

declare module "express-session" {
  interface SessionData {
    userId: string;
    csrfToken: string;
    flash: Flash;
  }
}

declare module "express-serve-static-core" {
  interface Request {
    user?: SessionUser;
    uploads?: UploadedFile[];
  }
}

/** What every handler gets: the database and the collaborators, injected once by createApp. */
export interface WebContext {
  db: Database;
  dataDir: string;
  logger: Logger;
  views: nunjucks.Environment;
  csrf: CsrfGuard;
  ports: ServicePorts;
  /** The header's council name: the signed-in user's council (signed out: the deployment's). */
  councilName: (req?: Request) => Promise<string>;
  /** The authority a request acts for before anyone signs in (the deployment's only one); signed in, it is the user's. */
  deploymentAuthorityId: () => Promise<number>;
  now: () => Date;
}

export type Handler = (ctx: WebContext, req: Request, res: Response) => Promise<void>;

/** The user of a route that requires one (authorize() has run, so it is there). */
export function userOf(req: Request): SessionUser {
  if (!req.user) throw new Error("route without a signed-in user reached a handler that needs one");
  return req.user;
}

export function scopeOf(req: Request): { authorityId: number } {
  return { authorityId: userOf(req).authorityId };
}

export function actorOf(req: Request): { userId: string; username: string; authorityId: number } {
  const user = userOf(req);
  return { userId: user.id, username: user.username, authorityId: user.authorityId };
}
