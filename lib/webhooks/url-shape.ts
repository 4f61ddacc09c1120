// The shape a webhook URL must have (http or https, a host, no credentials). Free of Node
// modules so the browser form validates with the same rule as the API.
export type UrlProblem = {
  code: "invalid_url" | "unsupported_scheme" | "private_address" | "unresolvable" | "not_whitelisted";
  message: string;
};

export const MAX_URL_LENGTH = 2048;

/** Synchronous shape check used by validation: http/https only, has a host, no credentials, length ≤ 2048. */
export function checkUrlShape(url: string): UrlProblem | null {
  if (url.length > MAX_URL_LENGTH) return { code: "invalid_url", message: `the URL is longer than ${MAX_URL_LENGTH} characters` };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { code: "invalid_url", message: "not a valid URL" };
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return { code: "unsupported_scheme", message: "the URL must start with http:// or https://" };
  }
  if (!parsed.hostname) return { code: "invalid_url", message: "the URL has no host" };
  if (parsed.username || parsed.password) {
    return { code: "invalid_url", message: "the URL must not contain a user name or password; use custom headers for credentials" };
  }
  return null;
}
