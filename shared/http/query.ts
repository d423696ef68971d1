/**
 * A query parameter by name, matched case-insensitively as ASP.NET's model binding does (`pagesize` is
 * `pageSize`, `ORDERBY` is `orderBy`); the first of several spellings wins.
 */
export function queryValue(query: URLSearchParams, name: string): string | null {
  const wanted = name.toLowerCase();
  for (const [key, value] of query) if (key.toLowerCase() === wanted) return value;
  return null;
}
