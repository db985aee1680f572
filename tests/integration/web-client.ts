import { createApp, startServer, type RunningServer } from "../../src/web/app.js";
import type { ServicePorts } from "../../src/web/service-ports.js";
import { silentLogger } from "../../src/logger.js";
import type { TestDatabase } from "../support/db.js";
import { PASSWORD } from "./web-seed.js";

/** A real HTTP server on an ephemeral port, and a cookie-keeping client (one per "browser"). */
export async function startTestServer(
  t: TestDatabase,
  options: { now?: () => Date; ports?: ServicePorts } = {},
): Promise<RunningServer> {
  const app = createApp({
    db: t.db,
    dataDir: t.dataDir,
    logger: silentLogger(),
    sessionSecret: "test secret",
    councilName: "Testshire County Council",
    ...(options.now ? { now: options.now } : {}),
    ...(options.ports ? { ports: options.ports } : {}),
  });
  return startServer({ app, port: 0, host: "127.0.0.1", logger: silentLogger() });
}

export interface WebResponse {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
  json<T = unknown>(): T;
}

export type Body =
  | { form: Record<string, string | string[]> }
  | { json: unknown }
  | { multipart: { fields: Record<string, string>; files: { field: string; name: string; bytes: Uint8Array }[] } };

export class WebClient {
  sessionCookie: string | null = null;

  constructor(readonly baseUrl: string) {}

  async request(method: string, path: string, body?: Body, headers: Record<string, string> = {}): Promise<WebResponse> {
    const init: RequestInit & { headers: Record<string, string> } = { method, redirect: "manual", headers: { ...headers } };
    if (this.sessionCookie) init.headers.cookie = this.sessionCookie;
    if (body && "form" in body) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(body.form)) for (const value of Array.isArray(v) ? v : [v]) params.append(k, value);
      init.body = params.toString();
      init.headers["content-type"] = "application/x-www-form-urlencoded";
    } else if (body && "json" in body) {
      init.body = JSON.stringify(body.json);
      init.headers["content-type"] = "application/json";
    } else if (body && "multipart" in body) {
      const form = new FormData();
      for (const [k, v] of Object.entries(body.multipart.fields)) form.append(k, v);
      for (const f of body.multipart.files) form.append(f.field, new Blob([f.bytes]), f.name);
      init.body = form;
    }
    const response = await fetch(`${this.baseUrl}${path}`, init);
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      if (pair?.startsWith("pa.sid=")) this.sessionCookie = /expires=Thu, 01 Jan 1970/i.test(cookie) ? null : pair;
    }
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      location: response.headers.get("location"),
      json: <T,>() => JSON.parse(text) as T,
    };
  }

  get(path: string): Promise<WebResponse> {
    return this.request("GET", path);
  }

  /** The session's CSRF token (GET /api/session makes the session if there is none). */
  async csrfToken(): Promise<string> {
    const response = await this.get("/api/session");
    return response.json<{ csrfToken: string }>().csrfToken;
  }

  /** POST a form with the session's CSRF token, as a browser submitting our form would. */
  async post(path: string, form: Record<string, string | string[]> = {}): Promise<WebResponse> {
    return this.request("POST", path, { form: { _csrf: await this.csrfToken(), ...form } });
  }

  async signIn(username: string, password = PASSWORD): Promise<WebResponse> {
    await this.get("/sign-in");
    return this.post("/sign-in", { username, password });
  }
}

export async function signedIn(baseUrl: string, username: string): Promise<WebClient> {
  const client = new WebClient(baseUrl);
  const response = await client.signIn(username);
  if (response.status !== 303) throw new Error(`sign-in as ${username} failed: ${response.status}`);
  return client;
}
