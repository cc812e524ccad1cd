// Small read-side helpers of the SQL store, shared by sql-store.ts and its parts (sql-journal.ts).

/** A nullable column as an optional field: NULL (or absent) becomes undefined. */
export const opt = <T>(v: unknown): T | undefined => (v === null || v === undefined ? undefined : (v as T));

/** ` WHERE a AND b …` and its parameters from [condition, ...params] pairs; '' without conditions. */
export function where(conds: [string, ...unknown[]][]): { sql: string; params: unknown[] } {
  return { sql: conds.length ? ` WHERE ${conds.map((c) => c[0]).join(' AND ')}` : '', params: conds.flatMap((c) => c.slice(1)) };
}
