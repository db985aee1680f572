/**
 * Where a benchmark's data lives: a fresh embedded (PGlite) directory, or a fresh database on a
 * PostgreSQL server (created for the run and dropped after). A target is written as a string so
 * it can be handed to a child process: `embedded:<dir>` or a postgres:// URL.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase, type Database } from "../src/db/connection.js";

export type Target = { kind: "embedded"; dataDir: string } | { kind: "postgres"; url: string };

export function targetText(target: Target): string {
  return target.kind === "embedded" ? `embedded:${target.dataDir}` : target.url;
}

export function parseTarget(text: string): Target {
  return text.startsWith("embedded:") ? { kind: "embedded", dataDir: text.slice("embedded:".length) } : { kind: "postgres", url: text };
}

export async function openTarget(target: Target): Promise<Database> {
  if (target.kind === "embedded") return openDatabase({ databaseUrl: null, dataDir: target.dataDir });
  return openDatabase({ databaseUrl: target.url, dataDir: os.tmpdir() });
}

/** One statement on the server itself (create or drop a database), on a connection of its own. */
export async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A new, empty target and the way to remove it. */
export async function createTarget(kind: "embedded" | "postgres", serverUrl: string | null, label: string): Promise<{ target: Target; drop: () => Promise<void> }> {
  if (kind === "embedded") {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `pa-bench-${label}-`));
    return { target: { kind, dataDir }, drop: () => Promise.resolve(fs.rmSync(dataDir, { recursive: true, force: true })) };
  }
  if (!serverUrl) throw new Error("no PostgreSQL server URL");
  const name = `pa_bench_${label.replace(/[^a-z0-9]/gi, "_").toLowerCase()}_${randomBytes(4).toString("hex")}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { target: { kind, url: url.toString() }, drop: () => adminQuery(serverUrl, `drop database if exists ${name} with (force)`) };
}

/** The server's URL with the password hidden, for printing. */
export function safeUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}
