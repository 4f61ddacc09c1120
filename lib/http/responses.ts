// The success envelope: `{"success": true, "data": …}`, lists add `next_cursor`.
const json = (body: unknown, status: number, headers?: HeadersInit) => Response.json(body, { status, headers });

export const ok = (data: unknown, headers?: HeadersInit) => json({ success: true, data }, 200, headers);
export const created = (data: unknown) => json({ success: true, data }, 201);
export const accepted = (data: unknown) => json({ success: true, data }, 202);
export const list = (data: unknown[], nextCursor: string | null) => json({ success: true, data, next_cursor: nextCursor }, 200);
export const noContent = () => new Response(null, { status: 204 });
