/** The roles of the review UI (the users table's CHECK constraint lists the same three). */
export const ROLES = ["finance_officer", "commissioner", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Roles as people read them: never "finance_officer" on a page or a terminal. */
export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  finance_officer: "Finance officer",
  commissioner: "Commissioner",
  admin: "Administrator",
};
