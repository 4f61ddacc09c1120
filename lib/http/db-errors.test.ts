import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable, retryWhileDatabaseAway } from "@/lib/http/db-errors";

describe("isDatabaseUnavailable", () => {
  // Seen by `npm run chaos` when PostgreSQL restarted under the app: a publish whose pooled
  // connection broke mid-transaction was answered 500 instead of 503.
  it("recognises node-postgres's broken pooled connection", () => {
    expect(isDatabaseUnavailable(new Error("Client has encountered a connection error and is not queryable"))).toBe(true);
    expect(isDatabaseUnavailable(new Error("Client was closed and is not queryable"))).toBe(true);
  });

  it("recognises a refused connection and a server shutting down, also as a cause", () => {
    expect(isDatabaseUnavailable(Object.assign(new Error("connect"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isDatabaseUnavailable(new Error("wrapped", { cause: Object.assign(new Error("x"), { code: "57P01" }) }))).toBe(true);
  });

  // Seen by `npm run chaos` once the app reached the embedded server through its Unix socket:
  // while PostgreSQL restarted, the socket file was gone and publishes were answered 500.
  it("recognises a Unix socket with no server behind it, but not any missing file", () => {
    const noSocket = Object.assign(new Error("connect ENOENT /data/postgres/.s.PGSQL.5432"), { code: "ENOENT", syscall: "connect" });
    expect(isDatabaseUnavailable(noSocket)).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("ENOENT: no such file or directory, open 'x'"), { code: "ENOENT", syscall: "open" }))).toBe(false);
  });

  it("leaves other errors alone", () => {
    expect(isDatabaseUnavailable(new Error("duplicate key value violates unique constraint"))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});

describe("retryWhileDatabaseAway", () => {
  const away = () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });

  it("runs the work again while the database is away, and returns what it returns once back", async () => {
    let calls = 0;
    const result = await retryWhileDatabaseAway(async () => {
      calls++;
      if (calls < 3) throw away();
      return "recorded";
    }, 5_000);
    expect(result).toBe("recorded");
    expect(calls).toBe(3);
  });

  it("throws any other error at once", async () => {
    let calls = 0;
    const failing = retryWhileDatabaseAway(async () => {
      calls++;
      throw new Error("duplicate key value violates unique constraint");
    }, 5_000);
    await expect(failing).rejects.toThrow("duplicate key");
    expect(calls).toBe(1);
  });

  it("gives up with the database's error once its time is spent", async () => {
    let calls = 0;
    const failing = retryWhileDatabaseAway(async () => {
      calls++;
      throw away();
    }, 600);
    await expect(failing).rejects.toThrow("ECONNREFUSED");
    // 250 ms, then 500 ms would pass 600 ms: two calls.
    expect(calls).toBe(2);
  });
});
