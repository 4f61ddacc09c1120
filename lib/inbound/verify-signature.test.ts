import { describe, expect, it } from "vitest";
import { inboundSignature, verifyInboundSignature } from "@/lib/inbound/verify-signature";

// Computed with seed 000's Python: "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
const body = new TextEncoder().encode(
  '{"event":"transaction.created","timestamp":"2025-12- 26T10:30:00Z","source_system":"pawoon","data":{"transaction_id":"trx_1"}}',
);
const pythonVectors = [
  ["whsec_test-secret-for-the-seed-recipe", "sha256=84c107dc8b54a2a8c61406fc5d7099c50059fbd93ad1748bf06ff19c00c1b971"],
  ["rahasia-ünïcode-secret-123", "sha256=dbe3c33743865f679e38abe326ad3f131892fb05709514d94883e0a9cdfe7fcd"],
] as const;

describe("inbound signatures", () => {
  it.each(pythonVectors)("matches the seed's Python recipe for the secret %s (UTF-8 key bytes)", (secret, expected) => {
    expect(inboundSignature(secret, body)).toBe(expected);
    expect(verifyInboundSignature(secret, body, expected)).toBe(true);
  });

  it("rejects a signature made with another secret", () => {
    expect(verifyInboundSignature("another-secret-entirely", body, pythonVectors[0][1])).toBe(false);
  });

  it("rejects a signature of a body that differs by one byte", () => {
    const changed = body.slice();
    changed[changed.length - 3] ^= 1;
    expect(verifyInboundSignature(pythonVectors[0][0], changed, pythonVectors[0][1])).toBe(false);
  });

  it.each([
    ["missing", null],
    ["empty", ""],
    ["without the sha256= prefix", pythonVectors[0][1].slice("sha256=".length)],
    ["with a sha1= prefix", `sha1=${pythonVectors[0][1].slice("sha256=".length)}`],
    ["in upper-case hex", `sha256=${pythonVectors[0][1].slice("sha256=".length).toUpperCase()}`],
    ["truncated", pythonVectors[0][1].slice(0, -1)],
    ["with trailing bytes", `${pythonVectors[0][1]}00`],
    ["non-ASCII", "sha256=" + "é".repeat(64)],
  ])("rejects a header that is %s", (_, header) => {
    expect(verifyInboundSignature(pythonVectors[0][0], body, header)).toBe(false);
  });
});
