import http from "node:http";
import { createApp, startServer, type RunningServer } from "../../src/web/app.js";
import type { ServicePorts } from "../../src/web/service-ports.js";
import { silentLogger } from "../../src/logger.js";
import type { TestDatabase } from "../support/db.js";
import { PASSWORD } from "./web-seed.js";

/** A real HTTP server on an ephemeral port, and a cookie-keeping client (one per "browser"). */
export async function startTestServer(
  t: TestDatabase,
  options: { now?: () => Date; ports?: ServicePorts; anonymousRequestsPerMinute?: number } = {},
): Promise<RunningServer> {
  const app = createApp({
    db: t.db,
    dataDir: t.dataDir,
    logger: silentLogger(),
    sessionSecret: "test secret",
    councilName: "Testshire County Council",
    // Tests sign in many times from one address; the limit itself has its own test.
    anonymousRequestsPerMinute: options.anonymousRequestsPerMinute ?? 100_000,
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

/** A request sent from a chosen loopback address (127.0.0.2 …), to be another client by IP. */
async function fetchFrom(localAddress: string, url: string, init: RequestInit): Promise<Response> {
  const request = new Request(url, init);
  const body = init.body === undefined ? undefined : Buffer.from(await request.arrayBuffer());
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: request.method, headers: Object.fromEntries(request.headers), localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
        const status = res.statusCode ?? 500;
        resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, headers }));
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

export class WebClient {
  sessionCookie: string | null = null;
  /** The pre-sign-in CSRF nonce cookie (pa.pre), kept like a browser would. */
  preSessionCookie: string | null = null;

  /** `localAddress`: send from this loopback address (the server sees it as the client's IP). */
  constructor(
    readonly baseUrl: string,
    readonly localAddress?: string,
  ) {}

  async request(method: string, path: string, body?: Body, headers: Record<string, string> = {}): Promise<WebResponse> {
    const init: RequestInit & { headers: Record<string, string> } = { method, redirect: "manual", headers: { ...headers } };
    const cookies = [this.sessionCookie, this.preSessionCookie].filter((c): c is string => c !== null);
    if (cookies.length > 0) init.headers.cookie = cookies.join("; ");
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
    const url = `${this.baseUrl}${path}`;
    const response = this.localAddress ? await fetchFrom(this.localAddress, url, init) : await fetch(url, init);
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const value = /expires=Thu, 01 Jan 1970/i.test(cookie) ? null : (pair ?? null);
      if (pair?.startsWith("pa.sid=")) this.sessionCookie = value;
      if (pair?.startsWith("pa.pre=")) this.preSessionCookie = value;
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
