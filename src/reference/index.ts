/** Parsing and validation of the DATA.md reference tables (no database access here). */
export * from "./tables.js";
export * from "./issues.js";
export * from "./fields.js";
export * from "./headers.js";
export * from "./table-name.js";
export * from "./parse-table.js";
export * from "./row-checks.js";
export * from "./reference-checks.js";
export * from "./diff.js";
export * from "./read-table-file.js";
