// The success envelope: `{"success": true, "data": …}`, lists add `next_cursor`. The helpers
// return a JsonReply, which route() (lib/http/route.ts) turns into the Response: a whole one for
// Next.js, or, for the requests the custom server serves itself, one without a body stream.

/** A JSON answer not yet made into a Response. */
export class JsonReply {
  constructor(
    readonly body: unknown,
    readonly status: number,
  ) {}
}

/**
 * The JSON text of answers to requests the custom server read itself (`bodiesReadByServer`,
 * lib/http/read-body.ts): their Response has no body, and the server writes this text. Building
 * a Response's body stream and reading it back cost ~30 µs a request, ~7 % of what a publish
 * costs the server's main thread.
 */
export const bodiesWrittenByServer = new WeakMap<Response, string>();

export const ok = (data: unknown) => new JsonReply({ success: true, data }, 200);
export const created = (data: unknown) => new JsonReply({ success: true, data }, 201);
export const accepted = (data: unknown) => new JsonReply({ success: true, data }, 202);
export const list = (data: unknown[], nextCursor: string | null) => new JsonReply({ success: true, data, next_cursor: nextCursor }, 200);
export const noContent = () => new Response(null, { status: 204 });
