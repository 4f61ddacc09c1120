/** The event id from an /events/[id] route segment. A publisher's id may hold any printable character, `%` included. */
export function eventIdParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
