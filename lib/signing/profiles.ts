// The signature profiles' names (DESIGN.md, "Signature profiles"), apart from the signing code
// so that browser code can list them.
export const signatureProfiles = ["standard", "omnisales", "sha256", "auraconnect"] as const;
export type SignatureProfile = (typeof signatureProfiles)[number];

export interface ProfileHeaders {
  /** The header carrying the event id a receiver dedupes on. */
  id: string;
  signature: string;
  timestamp: string;
  /** Whether the signature covers the timestamp header (only then can a receiver refuse a stale request it cannot forge). */
  signsTimestamp: boolean;
}

/** What a receiver of each profile reads (DESIGN.md, "Signature profiles"). */
export const profileHeaders: Record<SignatureProfile, ProfileHeaders> = {
  standard: { id: "webhook-id", signature: "webhook-signature", timestamp: "webhook-timestamp", signsTimestamp: true },
  omnisales: { id: "X-Webhook-ID", signature: "X-Webhook-Signature", timestamp: "X-Webhook-Timestamp", signsTimestamp: false },
  sha256: { id: "X-Webhook-ID", signature: "X-Webhook-Signature", timestamp: "X-Webhook-Timestamp", signsTimestamp: false },
  auraconnect: { id: "X-AuraConnect-Event-Id", signature: "X-AuraConnect-Signature", timestamp: "X-AuraConnect-Timestamp", signsTimestamp: false },
};
