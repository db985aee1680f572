// One statement on the server as the superuser the tests connect as (create/drop database): the benchmarks' helper.
export { adminQuery } from "../../bench/databases.js";

/** The URL of database `name` on the server `serverUrl` points at. */
export function databaseOnServer(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
