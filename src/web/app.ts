import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express, { type Express, type Request, type RequestHandler, type Response } from "express";
import session from "express-session";
import { rateLimit } from "express-rate-limit";
import helmet from "helmet";
import { AppError } from "../domain/errors.js";
import { forAuthority, tenantless, type Database } from "../db/connection.js";
import type { Logger } from "../logger.js";
import { authoritiesOf, councilNameOf } from "../services/authority/authority.js";
import { sessionStorage } from "../services/users/sessions.js";
import { pruneThrottles } from "../services/users/sign-in-throttle.js";
import { authorize, loadUser } from "./auth.js";
import { bodyParser } from "./body.js";
import type { WebContext } from "./context.js";
import { csrfGuard } from "./csrf.js";
import { errorHandler, notFound } from "./errors.js";
import { refuseControlCharacters } from "./hygiene.js";
import { SESSION_COOKIE } from "./handlers/auth.handlers.js";
import { ROUTES, type RouteSpec } from "./routes.js";
import { servicePorts, type ServicePorts } from "./service-ports.js";
import { DatabaseSessionStore } from "./session-store.js";
import { createViews } from "./views.js";

export interface AppDeps {
  db: Database;
  dataDir: string;
  logger: Logger;
  /** Signs session cookies. Without it a random one is made: sessions then end at restart. */
  sessionSecret?: string;
  /** Shown in the header and titles; defaults to the authority's name in the database. */
  councilName?: string;
  /** The services behind uploads and "run an audit now" (default: the real ones). */
  ports?: ServicePorts;
  /** The clock (tests fix it). */
  now?: () => Date;
  /** Express "trust proxy", for a deployment behind a TLS-terminating proxy. */
  trustProxy?: boolean | number | string;
  /** Requests per minute from one address before sign-in (every route); default 120. */
  anonymousRequestsPerMinute?: number;
}

const SESSION_IDLE_MS = 8 * 60 * 60 * 1000;

/** The review web UI and its JSON API (routes.ts lists every route and who may use it). */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", deps.trustProxy ?? false);
  // Query strings: plain key=value (repeated keys become arrays), never nested objects.
  app.set("query parser", "simple");

  const secret = deps.sessionSecret ?? randomBytes(32).toString("hex");
  // Nothing here works as the owner: a signed-out request sees the shared tables only, a signed-in
  // one its user's council's rows (src/db/tenancy.ts, row-level security).
  const anonymousDb = tenantless(deps.db);
  const names = new Map<number, Promise<string>>();
  const nameOf = (authorityId: number): Promise<string> => {
    let name = names.get(authorityId);
    if (!name) {
      name = councilNameOf(anonymousDb, authorityId).then((n) => n ?? "the council", () => "the council");
      names.set(authorityId, name);
    }
    return name;
  };
  const ctx: WebContext = {
    db: anonymousDb,
    dataDir: deps.dataDir,
    logger: deps.logger,
    views: createViews(),
    csrf: csrfGuard(secret),
    now: deps.now ?? (() => new Date()),
    ports: deps.ports ?? servicePorts({ db: anonymousDb, dataDir: deps.dataDir, logger: deps.logger }),
    // Before sign-in: the only council, or the first of several (only an unknown username's throttling uses it).
    deploymentAuthorityId: async () => (await authoritiesOf(anonymousDb))[0]?.id ?? 1,
    // The header: the signed-in user's council; signed out, COUNCIL_NAME or the only council's name.
    councilName: async (req) => {
      // Signed in with no COUNCIL_NAME set (the usual case): the user's council, without listing them all.
      if (req?.user && !deps.councilName) return nameOf(req.user.authorityId);
      const authorities = await authoritiesOf(anonymousDb);
      const single = authorities.length === 1 ? authorities[0] : undefined;
      if (deps.councilName && (single || !req?.user)) return deps.councilName;
      if (req?.user) return nameOf(req.user.authorityId);
      return single ? nameOf(single.id) : "Placement audit";
    },
  };
  // One context per council, made on first use: the handlers and services get its scoped handle.
  const councils = new Map<number, WebContext>();
  const contextFor = (req: Request): WebContext => {
    const authorityId = req.user?.authorityId;
    if (authorityId === undefined) return ctx;
    let council = councils.get(authorityId);
    if (!council) {
      const db = forAuthority(deps.db, authorityId);
      council = { ...ctx, db, ports: deps.ports ?? servicePorts({ db, dataDir: deps.dataDir, logger: deps.logger }) };
      councils.set(authorityId, council);
    }
    return council;
  };

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'"],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          objectSrc: ["'none'"],
        },
      },
      referrerPolicy: { policy: "same-origin" },
    }),
  );

  const register = (spec: RouteSpec, ...before: RequestHandler[]): void => {
    const handler: RequestHandler = (req: Request, res: Response) => spec.handler(contextFor(req), req, res);
    const chain = [...before, authorize(spec.access, spec.kind), ...bodyParser(spec.body), refuseControlCharacters, ctx.csrf.verify, handler];
    if (spec.method === "GET") app.get(spec.path, ...chain);
    else if (spec.method === "POST") app.post(spec.path, ...chain);
    else app.delete(spec.path, ...chain);
  };

  for (const spec of ROUTES.filter((r) => r.kind === "asset")) register(spec);

  const store = new DatabaseSessionStore(sessionStorage(anonymousDb));
  // Housekeeping for startServer's timer: expired sessions and stale sign-in counts.
  app.locals.prune = async (): Promise<number> => {
    const [sessions, throttles] = await Promise.all([store.pruneExpired(), pruneThrottles(anonymousDb, new Date())]);
    return sessions + throttles;
  };
  app.use(
    session({
      name: SESSION_COOKIE,
      store,
      secret,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: "lax", secure: "auto", maxAge: SESSION_IDLE_MS, path: "/" },
    }),
  );
  app.use(loadUser(ctx));
  // Before sign-in every route is limited per address (sign-in attempts are throttled further
  // in the database, see sign-in-throttle.ts); in memory, per process, which is enough to stop
  // one client hammering the service.
  app.use(
    rateLimit({
      windowMs: 60_000,
      limit: deps.anonymousRequestsPerMinute ?? 120,
      skip: (req) => Boolean(req.user),
      standardHeaders: "draft-8",
      legacyHeaders: false,
      handler: (_req, _res, next) => next(new AppError("rate_limited", "Too many requests from your address. Wait a minute and try again.")),
    }),
  );
  // One line per request at "http" level: method, route, status, time and user id (never query values or bodies).
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      deps.logger.http("request", {
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Number((process.hrtime.bigint() - started) / 1_000_000n),
        userId: req.user?.id,
      });
    });
    next();
  });
  // Pages show the signed-in user's data: never cached by the browser or a proxy.
  app.use((_req, res, next) => {
    res.set("Cache-Control", "no-store");
    next();
  });

  for (const spec of ROUTES.filter((r) => r.kind !== "asset")) register(spec);

  app.use(notFound(ctx));
  app.use(errorHandler(ctx));
  return app;
}

export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

export interface ServerOptions {
  app: Express;
  port: number;
  host?: string;
  logger: Logger;
}

const PRUNE_SESSIONS_EVERY_MS = 15 * 60 * 1000;

/** Listens (port 0 = any free port) and prunes expired sessions now and then. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { app, logger } = options;
  const host = options.host ?? "0.0.0.0";
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(options.port, host, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const port = (server.address() as AddressInfo).port;
  const pruneRows = (app.locals as { prune?: () => Promise<number> }).prune;
  const prune = (): void => {
    pruneRows?.().then(
      (n) => (n > 0 ? logger.info("expired sessions and sign-in counts removed", { rows: n }) : undefined),
      (error: unknown) => logger.warn("session pruning failed", { error: error instanceof Error ? error.message : String(error) }),
    );
  };
  prune();
  const timer = setInterval(prune, PRUNE_SESSIONS_EVERY_MS);
  timer.unref();
  const url = `http://${host === "0.0.0.0" ? "localhost" : host}:${port}`;
  logger.info("web server listening", { port });
  return {
    server,
    port,
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        clearInterval(timer);
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
