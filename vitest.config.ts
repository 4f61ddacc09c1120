import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["lib/**/*.test.ts", "app/**/*.test.ts", "inngest/**/*.test.ts", "scripts/**/*.test.ts", "bench/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/setup-file.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: {
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      SECRETS_ENCRYPTION_KEY: "test-encryption-key-not-for-production",
      NEXTAUTH_SECRET: "test-auth-secret-not-for-production",
      // Test receivers listen on 127.0.0.1; the SSRF tests turn this off explicitly.
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true",
    },
  },
});
