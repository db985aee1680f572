/** The roles of the review UI (the users table's CHECK constraint lists the same three). */
export const ROLES = ["finance_officer", "commissioner", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
