// The endpoint check's checklist (lib/delivery/endpoint-check.ts sends the requests): from what
// the receiver answered to each check request, a pass / fail / not applicable per item, with
// the status codes seen, what happened, and what to change. Pure: no I/O.
import type { PostOutcome } from "@/lib/delivery/http-post";
import { profileHeaders, type SignatureProfile } from "@/lib/signing/profiles";

/** The check requests, in the order they are sent. */
export type CheckRequest = "bad_signature" | "stale_timestamp" | "signed" | "duplicate";
export type CheckItemKey = "signed" | "bad_signature" | "stale_timestamp" | "within_timeout" | "idempotent";
export type CheckResult = "pass" | "fail" | "not_applicable";

export interface CheckItem {
  key: CheckItemKey;
  name: string;
  result: CheckResult;
  /** The HTTP status of each request this item looked at (null: no answer). */
  status_codes: (number | null)[];
  response_time_ms: number | null;
  detail: string;
  /** What to change on the receiver; null when the item passed or does not apply. */
  fix: string | null;
}

export interface CheckContext {
  profile: SignatureProfile;
  timeoutMs: number;
  eventId: string;
  /** How old the stale request's timestamp was, in minutes. */
  staleMinutes: number;
}

export type CheckOutcomes = Partial<Record<CheckRequest, PostOutcome>>;

const is2xx = (o: PostOutcome) => o.statusCode !== null && o.statusCode >= 200 && o.statusCode < 300;
const is4xx = (o: PostOutcome) => o.statusCode !== null && o.statusCode >= 400 && o.statusCode < 500;
const ms = (o: PostOutcome | undefined) => (o ? Math.round(o.responseTimeMs) : null);

/** What happened to a request, in words: "answered 500", "no answer within 800 ms", "connection: …". */
export function describeOutcome(o: PostOutcome, timeoutMs: number): string {
  if (o.errorClass === "timeout") return `no answer within ${timeoutMs} ms`;
  if (o.statusCode !== null) return `answered ${o.statusCode}`;
  return `no answer (${o.errorClass}${o.errorMessage ? `: ${o.errorMessage}` : ""})`;
}

/** The fix for a request that got no usable answer at all, or null when it got an HTTP status. */
function unreachableFix(o: PostOutcome, timeoutMs: number): string | null {
  switch (o.errorClass) {
    case "timeout":
      return `Answer within the webhook's timeout (${timeoutMs} ms): acknowledge with 2xx at once and do the work afterwards, or raise timeout_ms.`;
    case "ssrf_blocked":
      return "The URL resolves to an address this webhook may not call (a private network, or outside its ip_whitelist): use a public address or adjust the whitelist.";
    case "redirect":
      return "Point the webhook at the final URL: redirects are not followed.";
    case "dns":
    case "connection":
    case "tls":
      return "Check the URL and that the server is running, reachable from Hookrelay, and (for https) has a valid certificate.";
    default:
      return o.statusCode === null ? "Check that the endpoint answers with a short response." : null;
  }
}

function signedItem(ctx: CheckContext, o: PostOutcome): CheckItem {
  const base = { key: "signed" as const, name: "Accepts a correctly signed request (2xx)", status_codes: [o.statusCode], response_time_ms: ms(o) };
  if (is2xx(o)) return { ...base, result: "pass", detail: `Answered ${o.statusCode} to a request signed with the webhook's secret.`, fix: null };
  const signature = profileHeaders[ctx.profile].signature;
  const fix =
    unreachableFix(o, ctx.timeoutMs) ??
    (is4xx(o)
      ? `A correctly signed request was refused. Verify ${signature} over the raw request body (before any JSON parsing) with the webhook's current secret, as docs/signature-profiles.md shows for the ${ctx.profile} profile, and answer 2xx.`
      : "Answer 2xx once the request is verified and stored; a 5xx makes Hookrelay retry.");
  return { ...base, result: "fail", detail: `The correctly signed request got: ${describeOutcome(o, ctx.timeoutMs)}.`, fix };
}

/** Shared by the bad-signature and stale-timestamp items: a forged request must get a 4xx. */
function refusalItem(ctx: CheckContext, key: "bad_signature" | "stale_timestamp", name: string, what: string, acceptedFix: string, o: PostOutcome): CheckItem {
  const base = { key, name, status_codes: [o.statusCode], response_time_ms: ms(o) };
  if (is4xx(o)) return { ...base, result: "pass", detail: `Refused ${what} with ${o.statusCode}.`, fix: null };
  if (is2xx(o)) return { ...base, result: "fail", detail: `Accepted ${what} (${o.statusCode}).`, fix: acceptedFix };
  const fix = o.statusCode !== null && o.statusCode >= 500 ? "Refuse it with a 4xx (401 or 400): a 5xx says the receiver is broken, and senders retry it." : unreachableFix(o, ctx.timeoutMs);
  return { ...base, result: "fail", detail: `${what[0].toUpperCase()}${what.slice(1)} got: ${describeOutcome(o, ctx.timeoutMs)}; expected a 4xx.`, fix };
}

function staleItem(ctx: CheckContext, o: PostOutcome | undefined): CheckItem {
  const name = "Refuses a timestamp outside a 5-minute window (4xx)";
  const headers = profileHeaders[ctx.profile];
  if (!headers.signsTimestamp || !o) {
    const detail = `The ${ctx.profile} profile signs the body only: ${headers.timestamp} is not covered by the signature, so a receiver cannot rely on it.`;
    return { key: "stale_timestamp", name, result: "not_applicable", status_codes: [], response_time_ms: null, detail, fix: null };
  }
  const what = `a correctly signed request whose ${headers.timestamp} is ${ctx.staleMinutes} minutes old`;
  const fix = `Refuse requests whose ${headers.timestamp} is more than 5 minutes from your clock (the standardwebhooks libraries' verify does), so a captured request cannot be played again later.`;
  return refusalItem(ctx, "stale_timestamp", name, what, fix, o);
}

function timeoutItem(ctx: CheckContext, o: PostOutcome): CheckItem {
  const base = { key: "within_timeout" as const, name: "Answers within the webhook's timeout", status_codes: [o.statusCode], response_time_ms: ms(o) };
  if (o.statusCode !== null && o.errorClass !== "timeout") {
    return { ...base, result: "pass", detail: `Answered the signed request in ${ms(o)} ms (the webhook's timeout is ${ctx.timeoutMs} ms).`, fix: null };
  }
  return { ...base, result: "fail", detail: `The signed request got: ${describeOutcome(o, ctx.timeoutMs)}.`, fix: unreachableFix(o, ctx.timeoutMs) };
}

function idempotentItem(ctx: CheckContext, first: PostOutcome, second: PostOutcome | undefined): CheckItem {
  const name = "Accepts the same event id twice (idempotent)";
  const base = { key: "idempotent" as const, name, status_codes: [first.statusCode, ...(second ? [second.statusCode] : [])], response_time_ms: ms(second) };
  if (!is2xx(first) || !second) {
    const why = second ? `the first copy was not accepted (${describeOutcome(first, ctx.timeoutMs)})` : `not tried: the first copy got ${describeOutcome(first, ctx.timeoutMs)}`;
    return { ...base, result: "fail", detail: `Cannot tell: ${why}.`, fix: "Make the endpoint accept a correctly signed request first (see above)." };
  }
  if (is2xx(second)) return { ...base, result: "pass", detail: `Answered ${first.statusCode} and then ${second.statusCode} to two copies of event ${ctx.eventId}.`, fix: null };
  const id = profileHeaders[ctx.profile].id;
  return {
    ...base,
    result: "fail",
    detail: `The second copy of event ${ctx.eventId} got: ${describeOutcome(second, ctx.timeoutMs)} (the first got ${first.statusCode}).`,
    fix: `Deliveries are at least once: the same event can arrive again. Remember the ${id} values you processed and answer 2xx to a repeat without doing the work twice.`,
  };
}

/** The checklist, in a fixed order, from the outcomes of the requests that were sent. */
export function checkVerdicts(ctx: CheckContext, outcomes: CheckOutcomes): CheckItem[] {
  const { signed, bad_signature: bad, stale_timestamp: stale, duplicate } = outcomes;
  if (!signed || !bad) throw new Error("the signed and bad-signature requests are always sent");
  const signature = profileHeaders[ctx.profile].signature;
  return [
    signedItem(ctx, signed),
    refusalItem(
      ctx,
      "bad_signature",
      "Refuses a wrongly signed request (4xx)",
      "a request signed with the wrong secret",
      `Verify ${signature} against the webhook's secret (a constant-time comparison) before acting on a request, and answer 401 when it does not match.`,
      bad,
    ),
    staleItem(ctx, stale),
    timeoutItem(ctx, signed),
    idempotentItem(ctx, signed, duplicate),
  ];
}
