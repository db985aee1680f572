/**
 * The roles of the review UI (the users table's CHECK constraint lists the same). A
 * consortium_analyst sees prices across the consortium's members and no council page: no
 * child, invoice line or finding (issue 23).
 */
export const ROLES = ["finance_officer", "commissioner", "admin", "consortium_analyst"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Roles as people read them: never "finance_officer" on a page or a terminal. */
export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  finance_officer: "Finance officer",
  commissioner: "Commissioner",
  admin: "Administrator",
  consortium_analyst: "Consortium analyst",
};
