// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// The layers that must stay pure (DESIGN.md): no database, HTTP, scheduler, file readers or fs.
const IO_MODULES = ["knex", "pg", "express", "node-cron", "pdf-parse", "pdfjs-dist", "exceljs", "fs", "node:fs", "fs/promises", "node:fs/promises", "@electric-sql/pglite", "winston"];

const IO_PATHS = IO_MODULES.map((name) => ({ name, message: "src/domain, src/audit and rules/ do no I/O (DESIGN.md)." }));
const PURE_LAYERS = { group: ["**/db/**", "**/web/**", "**/ingest/**", "**/services/**", "**/cli/**"], message: "The pure layers may not import I/O layers (DESIGN.md)." };

export default tseslint.config(
  // tests/support/*.cjs: plain CommonJS preloads (NODE_OPTIONS=--require) for child processes, outside the typed project.
  { ignores: ["node_modules/", "dist/", "data/", ".tmp/", "tests/output/", "coverage/", "tests/support/*.cjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ["*.js", "bin/*.js", "src/ingest/sandbox/*.mjs"] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true, allowNullish: true }],
    },
  },
  {
    files: ["bin/*.js", "*.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
  {
    files: ["src/domain/**/*.ts", "src/audit/**/*.ts", "rules/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { paths: IO_PATHS, patterns: [PURE_LAYERS] }],
    },
  },
  {
    // The engine is handed its rules (rules/index.ts, by the composition root); it never imports them.
    files: ["src/audit/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { paths: IO_PATHS, patterns: [PURE_LAYERS, { group: ["**/rules/**"], message: "src/audit receives the rules from its caller (AuditSession's waterfall); it does not import rules/." }] }],
    },
  },
  {
    // Rules see one surface of the engine, so the engine can change behind it.
    files: ["rules/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { paths: IO_PATHS, patterns: [PURE_LAYERS, { regex: "(^|/)src/(?!audit/rule-kit\\.js$)", message: "Rules import src/audit/rule-kit.js and nothing else of src/." }] }],
    },
  },
  {
    files: ["tests/**/*.ts", "bench/**/*.ts", "samples/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
);
