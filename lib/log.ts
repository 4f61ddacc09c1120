// Structured JSON logs (pino). Secrets and credentials are redacted wherever they appear.
import pino from "pino";
import { config } from "@/lib/config";

const redact = [
  "secret",
  "*.secret",
  "*.webhook_secret",
  "*.password",
  "*.key",
  "authorization",
  "*.authorization",
  "*.headers.authorization",
  "*.headers.cookie",
  "*.requestHeaders['webhook-signature']",
];

let logger: pino.Logger | undefined;

export function log(): pino.Logger {
  logger ??= pino({ level: config().logLevel, base: { service: "hookrelay" }, redact: { paths: redact, censor: "[redacted]" } });
  return logger;
}
