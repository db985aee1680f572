/**
 * A PostgreSQL array literal, `{"a","b",NULL}`: a whole column of a bulk write as one bind
 * parameter, unnested by the server (`unnest(?::text[], ?::numeric[], …)`). Cheaper for both
 * sides than a JSON document of rows: PostgreSQL reads each element straight into its column
 * type instead of parsing the JSON and then each value again, and this process writes one
 * string per column rather than an object per row.
 */
export function arrayLiteral(values: readonly (string | number | boolean | null)[]): string {
  let literal = "{";
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as string | number | boolean | null;
    if (i > 0) literal += ",";
    if (value === null) {
      literal += "NULL";
      continue;
    }
    const text = typeof value === "string" ? value : String(value);
    // Most values (amounts, ids, explanations) have nothing to escape: two scans for a character
    // are several times cheaper than a regular-expression replace of every value.
    literal += text.indexOf('"') === -1 && text.indexOf("\\") === -1 ? `"${text}"` : `"${text.replace(QUOTE_OR_BACKSLASH, "\\$&")}"`;
  }
  return `${literal}}`;
}

const QUOTE_OR_BACKSLASH = /[\\"]/g;
