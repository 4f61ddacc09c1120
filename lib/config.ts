// The environment, parsed once. Nothing else in the project reads `process.env` for settings.
// `scripts/start.ts` fills in the generated defaults (database URL, secrets) before anything
// calls `config()`, so the values here are always complete at run time.
import { z } from "zod";

const flag = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATABASE_URL: z.string().optional(),
  HOOKRELAY_DATA_DIR: z.string().default(".data"),
  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z.string().min(8).optional(),
  BOOTSTRAP_API_KEY: z.string().min(16).optional(),
  NEXTAUTH_SECRET: z.string().optional(),
  AUTH_SECRET: z.string().optional(),
  DELIVERY_ENGINE: z.enum(["embedded", "inngest"]).optional(),
  INNGEST_EVENT_KEY: z.string().optional(),
  INNGEST_DEV: z.string().optional(),
  INNGEST_SIGNING_KEY: z.string().optional(),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: flag,
  SECRETS_ENCRYPTION_KEY: z.string().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(6000),
  AUTO_DISABLE_AFTER_DAYS: z.coerce.number().positive().default(5),
  DELIVERY_CONCURRENCY: z.coerce.number().int().positive().default(128),
  DELIVERY_CONCURRENCY_PER_WEBHOOK: z.coerce.number().int().positive().default(64),
  PORTAL_FRAME_ANCESTORS: z.string().default("").transform(parseFrameAncestors),
  RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
});

// A CSP source expression for an origin: scheme, host (a leading `*.` allowed), optional port,
// nothing else (no path, quotes or `;`, which would change the header's meaning).
const FRAME_ANCESTOR = /^https?:\/\/(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$/i;

/** `PORTAL_FRAME_ANCESTORS`: space-separated origins that may embed the merchant portal. */
function parseFrameAncestors(value: string, ctx: z.RefinementCtx): string[] {
  const origins = value.split(/\s+/).filter(Boolean).map((o) => o.replace(/\/$/, ""));
  for (const origin of origins) {
    if (!FRAME_ANCESTOR.test(origin)) ctx.addIssue({ code: "custom", message: `PORTAL_FRAME_ANCESTORS: "${origin}" is not an origin like https://shop.example.com` });
  }
  return origins;
}

export type Config = ReturnType<typeof parseConfig>;

function parseConfig(env: NodeJS.ProcessEnv) {
  const e = envSchema.parse(env);
  const deliveryEngine = e.DELIVERY_ENGINE ?? (e.INNGEST_EVENT_KEY || e.INNGEST_DEV ? "inngest" : "embedded");
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.HOOKRELAY_DATA_DIR,
    adminEmail: e.ADMIN_EMAIL,
    adminPassword: e.ADMIN_PASSWORD,
    bootstrapApiKey: e.BOOTSTRAP_API_KEY,
    authSecret: e.NEXTAUTH_SECRET ?? e.AUTH_SECRET,
    deliveryEngine,
    /** Whether an Inngest server can call /api/inngest (a signing key, or a dev server). */
    inngestConfigured: Boolean(e.INNGEST_SIGNING_KEY || (e.INNGEST_DEV && e.INNGEST_DEV !== "0")),
    allowPrivateNetworks: e.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
    secretsEncryptionKey: e.SECRETS_ENCRYPTION_KEY,
    logLevel: e.LOG_LEVEL,
    apiRateLimitPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
    autoDisableAfterDays: e.AUTO_DISABLE_AFTER_DAYS,
    /** Requests the embedded engine has in flight at most, in all and to one webhook. */
    deliveryConcurrency: e.DELIVERY_CONCURRENCY,
    deliveryConcurrencyPerWebhook: e.DELIVERY_CONCURRENCY_PER_WEBHOOK,
    /** Origins allowed to frame the merchant portal (CSP frame-ancestors); empty: none but our own. */
    portalFrameAncestors: e.PORTAL_FRAME_ANCESTORS,
    /** Days of delivery history kept (dead letters and pending work are kept regardless). */
    retentionDays: e.RETENTION_DAYS,
  } as const;
}

let cached: Config | undefined;

/** The parsed environment. Cached; tests that change the environment call `resetConfig()`. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

export function resetConfig(): void {
  cached = undefined;
}
