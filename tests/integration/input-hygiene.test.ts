import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import winston from "winston";
import { main } from "../../src/cli/main.js";
import { createApp, startServer, type RunningServer } from "../../src/web/app.js";
import { NO_PORTS, type ServicePorts, type UploadedFile } from "../../src/web/service-ports.js";
import { UPLOAD_LIMITS } from "../../src/web/body.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { WebClient } from "./web-client.js";
import { NOW, PASSWORD, seedReview, seedUsers, type Seeded } from "./web-seed.js";

/**
 * Input hygiene in one place (issue 22): control characters are refused with a 400 on every
 * route and command-line argument (never a 500 or a stack trace in the log), file names lose
 * format characters, a batch with one oversize file reads the others, and a 413 names the
 * limit that was broken.
 */
let t: TestDatabase;
let server: RunningServer;
let seeded: Seeded;
let logged = "";
const received: UploadedFile[][] = [];

const ports: ServicePorts = {
  ...NO_PORTS,
  ingestInvoices: (files) => {
    received.push(files);
    return Promise.resolve({ ok: true, summary: [{ label: "Read", value: String(files.length) }], problems: [] });
  },
};

beforeAll(async () => {
  t = await openTestDatabase();
  seeded = await seedReview(t.db, t.dataDir);
  await seedUsers(t.db);
  const stream = new PassThrough();
  stream.on("data", (chunk: Buffer) => {
    logged += chunk.toString("utf8");
  });
  const logger = winston.createLogger({ level: "silly", format: winston.format.json(), transports: [new winston.transports.Stream({ stream })] });
  const app = createApp({ db: t.db, dataDir: t.dataDir, logger, sessionSecret: "s", councilName: "Testshire", now: () => NOW, ports, anonymousRequestsPerMinute: 100_000 });
  server = await startServer({ app, port: 0, host: "127.0.0.1", logger });
});

afterAll(async () => {
  await server?.close();
  await t?.dispose();
});

async function signedInAs(username: string): Promise<WebClient> {
  const client = new WebClient(server.url);
  expect((await client.signIn(username, PASSWORD)).status).toBe(303);
  return client;
}

describe("control characters", () => {
  it("are refused with a 400 that says where, in filters, usernames, reasons, aliases and paths — no 500, no stack trace", async () => {
    const finance = await signedInAs("finance");
    const anonymous = new WebClient(server.url);
    const before = logged.length;
    const cases = [
      await finance.get("/findings?provider=P1%00"),
      await finance.get("/api/findings?status=open%00"),
      await finance.get(`/invoices/${seeded.invoices.flagged}%00`),
      await anonymous.post("/sign-in", { username: "fin\u0000ance", password: PASSWORD }),
      await finance.post(`/findings/${seeded.findings.extraRate}/decisions`, { action: "dismiss", reason: "a reason\u0000 with NUL" }),
      await finance.request("POST", `/api/findings/${seeded.findings.extraRate}/decisions`, { json: { action: "dismiss", reason: "x\u0000" } }, { "x-csrf-token": await finance.csrfToken() }),
      await finance.post("/providers/aliases", { providerId: "P1", alias: "Oak\u0000field" }),
      await finance.get("/findings?q=%1B%5B31m"),
    ];
    for (const response of cases) {
      expect(response.status, response.text.slice(0, 200)).toBe(400);
      expect(response.text).toContain("contains a control character (such as NUL)");
    }
    expect(cases[4]?.text).toMatch(/The field (&quot;|&#34;|")reason(&quot;|&#34;|") in the form/);
    expect(cases[1]?.json<{ error: { code: string } }>().error.code).toBe("request.control_character");
    const log = logged.slice(before);
    expect(log).not.toContain('"level":"error"');
    expect(log).not.toContain("    at ");
  });

  it("are refused in command-line arguments with exit status 2", async () => {
    let err = "";
    const stderr = new PassThrough();
    stderr.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")));
    const status = await main(["findings", "--provider", "P1\u0007"], { stderr: stderr as unknown as NodeJS.WriteStream });
    expect(status).toBe(2);
    expect(err).toContain("argument 2 contains a control character");
  });
});

describe("uploads", () => {
  it("strip bidi overrides and other format characters from file names", async () => {
    const finance = await signedInAs("finance");
    received.length = 0;
    const response = await finance.request("POST", "/uploads/invoices", {
      multipart: { fields: { _csrf: await finance.csrfToken() }, files: [{ field: "invoiceFiles", name: "invoice\u202Efdp.exe", bytes: Buffer.from("x") }] },
    });
    expect(response.status).toBe(200);
    expect(received[0]?.map((f) => f.name)).toEqual(["invoicefdp.exe"]);
  });

  it("read the rest of a batch when one file is too large, with a reason for that file", async () => {
    const finance = await signedInAs("finance");
    received.length = 0;
    const response = await finance.request("POST", "/uploads/invoices", {
      multipart: {
        fields: { _csrf: await finance.csrfToken() },
        files: [
          { field: "invoiceFiles", name: "ok.csv", bytes: Buffer.from("fine") },
          { field: "invoiceFiles", name: "huge.pdf", bytes: Buffer.alloc(UPLOAD_LIMITS.maxFileBytes + 1) },
          { field: "invoiceFiles", name: "empty.csv", bytes: Buffer.alloc(0) },
        ],
      },
    });
    expect(response.status).toBe(200);
    expect(received[0]?.map((f) => f.name)).toEqual(["ok.csv"]);
    expect(response.text).toContain("huge.pdf is larger than 20.0 MB: not read");
    expect(response.text).toContain("empty.csv is empty: not read");
  });

  it("a 413 on the JSON API names the JSON limit, not the upload limit", async () => {
    const finance = await signedInAs("finance");
    const response = await finance.request(
      "POST", "/api/decisions", { json: { findingIds: [], action: "confirm", reason: "x".repeat(300_000) } }, { "x-csrf-token": await finance.csrfToken() },
    );
    expect(response.status).toBe(413);
    expect(response.json<{ error: { message: string } }>().error.message).toBe("The request is too large (at most 200.0 KB of form or JSON data)");
  });
});
