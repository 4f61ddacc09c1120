// Structured JSON logs (pino), one object per line on stdout: `level`, `time`, `service`,
// `msg` and the fields of the call — for a request, `requestId`, `method`, `path`, `status`
// and `ms` (lib/http/route.ts). Secrets never reach the output: fields named like a credential
// are replaced by "[redacted]" at any depth, and error messages and stacks
// are scrubbed of URL passwords, bearer tokens, API keys, signing secrets and portal link tokens.
import pino from "pino";
import { config } from "@/lib/config";

/** Field names whose values are credentials, at any depth: replaced by "[redacted]". */
const CREDENTIAL_KEY = /^(secret|webhook_secret|password|passwd|token|access_token|refresh_token|authorization|proxy-authorization|cookie|set-cookie|api_?key|key|secret_?ciphertext|previous_?secret_?ciphertext|.*signature)$/i;
const MAX_DEPTH = 6;

/**
 * `value` with credential fields replaced, copying only what changes. Only plain objects and
 * arrays are walked (an Error goes to the `err` serializer below). Hand-written rather than
 * pino's `redact` paths: those cost ~150 µs a line for the wildcard paths this needs, and
 * every API request logs a line.
 */
export function redactCredentials(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object" || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const redacted = redactCredentials(item, depth + 1);
      if (redacted !== item) (copy ??= [...value])[i] = redacted;
    });
    return copy ?? value;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    const redacted = v !== null && v !== undefined && CREDENTIAL_KEY.test(k) ? "[redacted]" : redactCredentials(v, depth + 1);
    if (redacted !== v) (copy ??= { ...(value as Record<string, unknown>) })[k] = redacted;
  }
  return copy ?? value;
}

const SCRUBS: [RegExp, string][] = [
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, "$1[redacted]@"], // postgresql://user:password@host
  [/\bBearer\s+[\w.~+/=-]+/gi, "Bearer [redacted]"],
  [/\bhr_[\w-]{16,}/g, "hr_[redacted]"], // API keys
  [/\bwhsec_[A-Za-z0-9+/=]+/g, "whsec_[redacted]"], // signing secrets
  [/\bv1\.[\w-]{8,}\.[\w-]{43}(?![\w-])/g, "v1.[redacted]"], // portal link tokens (lib/portal), in a header or a /portal/ URL
];

/** `text` with credentials replaced (for messages that embed them, e.g. a driver error quoting its connection URL). */
export function scrubSecrets(text: string): string {
  return SCRUBS.reduce((t, [pattern, replacement]) => t.replace(pattern, replacement), text);
}

function errSerializer(error: Error) {
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  for (const field of ["message", "stack"]) if (typeof serialized[field] === "string") serialized[field] = scrubSecrets(serialized[field] as string);
  return serialized;
}

export function createLogger(destination?: pino.DestinationStream, level: string = config().logLevel): pino.Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: "hookrelay" },
    serializers: { err: errSerializer },
    formatters: { log: (object) => redactCredentials(object) as Record<string, unknown> },
  };
  return destination ? pino(options, destination) : pino(options);
}

let logger: pino.Logger | undefined;

export function log(): pino.Logger {
  logger ??= createLogger();
  return logger;
}

/** Replaces the process's logger (tests capture the output this way); undefined goes back to stdout. */
export function setLogger(next: pino.Logger | undefined): void {
  logger = next;
}
