/** A bigint primary key as text: checked before it reaches SQL, so "abc" is "not found", not a database error. */
export function isRowId(id: string): boolean {
  return /^[1-9]\d{0,17}$/.test(id);
}
