// Input the database cannot hold, refused at the edge as a 4xx instead of failing as a 500 deep
// inside a query (found by lib/security/bad-input.fuzz.test.ts):
// - NUL (U+0000): PostgreSQL text and jsonb cannot contain it ("invalid byte sequence for
//   encoding UTF8: 0x00", "unsupported Unicode escape sequence");
// - an unpaired UTF-16 surrogate (`"\ud800"` in JSON): not Unicode, so it has no UTF-8 form, and
//   Prisma's query engine rejects the whole query;
// - JSON nested deeper than MAX_JSON_DEPTH: Prisma's engine gives up past about 128 levels, and
//   walking it recursively can overflow the stack;
// - a time outside years 1–9999: PostgreSQL has no year 0 in ISO input and Prisma cannot send
//   a six-digit year.
import { z } from "zod";
import type { ErrorDetail } from "@/lib/http/errors";

export const MAX_JSON_DEPTH = 64;

const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `text` cannot be stored, or null when it can. */
export function unstorableTextProblem(text: string): string | null {
  if (text.includes("\u0000")) return "text cannot contain NUL (U+0000) characters";
  if (UNPAIRED_SURROGATE.test(text)) return "text must be valid Unicode: it contains an unpaired surrogate (\\ud800-\\udfff)";
  return null;
}

/** The first place in a parsed JSON value that cannot be stored, or null. Iterative: any depth is safe to inspect. */
export function findUnstorableJson(value: unknown): ErrorDetail | null {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === "string") {
      const problem = unstorableTextProblem(current);
      if (problem) return { path: path.join("."), message: problem };
      continue;
    }
    if (current === null || typeof current !== "object") continue;
    if (path.length >= MAX_JSON_DEPTH) return { path: path.join("."), message: `JSON may be nested at most ${MAX_JSON_DEPTH} levels deep` };
    for (const [key, child] of Object.entries(current)) {
      const problem = unstorableTextProblem(key);
      if (problem) return { path: path.join("."), message: `a key: ${problem}` };
      stack.push({ value: child, path: [...path, key] });
    }
  }
  return null;
}

const MIN_TIME = Date.parse("0001-01-01T00:00:00Z");
const MAX_TIME = Date.parse("9999-12-31T23:59:59.999Z");

/** An ISO 8601 time with an offset, between the years 1 and 9999 (UTC). */
export const isoDateTime = z.iso
  .datetime({ offset: true })
  .refine((value) => {
    const ms = Date.parse(value);
    return ms >= MIN_TIME && ms <= MAX_TIME;
  }, "a time must be between the years 0001 and 9999");
