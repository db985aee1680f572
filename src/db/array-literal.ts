/**
 * A PostgreSQL array literal, `{"a","b",NULL}`: a whole column of a bulk write as one bind
 * parameter, unnested by the server (`unnest(?::text[], ?::numeric[], …)`). Cheaper for both
 * sides than a JSON document of rows: PostgreSQL reads each element straight into its column
 * type instead of parsing the JSON and then each value again, and this process writes one
 * string per column rather than an object per row.
 */
export function arrayLiteral(values: readonly (string | number | boolean | null)[]): string {
  const items = values.map((value) => (value === null ? "NULL" : `"${String(value).replace(/[\\"]/g, "\\$&")}"`));
  return `{${items.join(",")}}`;
}
