// The signature profiles' names (DESIGN.md, "Signature profiles"), apart from the signing code
// so that browser code can list them.
export const signatureProfiles = ["standard", "omnisales", "sha256", "auraconnect"] as const;
export type SignatureProfile = (typeof signatureProfiles)[number];
