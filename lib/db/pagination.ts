// Keyset pagination on the time-ordered ids, newest first: fetch `limit + 1` rows below the
// cursor; the extra row only says whether there is a next page.

export interface PageQuery {
  limit: number;
  cursor?: string;
}

/** The `where` part for ids below the cursor (none on the first page). */
export const belowCursor = (cursor?: string) => (cursor ? { id: { lt: cursor } } : {});

/** Cuts the `limit + 1` rows fetched into a page and the cursor of the next one. */
export function toPage<T extends { id: string }>(rows: T[], limit: number) {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return { items, nextCursor: more ? items[items.length - 1].id : null };
}
