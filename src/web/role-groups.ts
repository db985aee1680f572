import type { Role } from "../domain/roles.js";

/**
 * Who may use what, in groups the routes (routes.ts) and the menu (views.ts) share, so that a
 * link is shown exactly to the roles its page lets in.
 * finance_officer: review and decide. commissioner: read everything. admin: users, reference data.
 * consortium_analyst: the consortium's price benchmark only (no council page: no child, invoice or finding).
 */
/** Every council role: the council's own pages. The consortium analyst is not one of them. */
export const EVERYONE: readonly Role[] = ["finance_officer", "commissioner", "admin"];
/** Pages with invoice lines and children's references: the people who review and report. */
export const READERS: readonly Role[] = ["finance_officer", "commissioner"];
export const DECIDERS: readonly Role[] = ["finance_officer"];
/** Running the pipeline: uploading invoices, re-processing files, aliases, audits. */
export const OPERATORS: readonly Role[] = ["finance_officer", "admin"];
export const ADMINS: readonly Role[] = ["admin"];
/** The consortium's price benchmark: aggregated, suppressed figures across members, never a child. */
export const CONSORTIUM_ANALYSTS: readonly Role[] = ["consortium_analyst"];
/** Signing out and one's own password: every role. */
export const SIGNED_IN: readonly Role[] = [...EVERYONE, ...CONSORTIUM_ANALYSTS];
