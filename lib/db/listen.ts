// LISTEN on a Postgres channel over a connection of its own (a pooled one cannot hold a
// LISTEN), reconnecting a second after a lost connection until closed.
import { Client } from "pg";
import { databaseUrl } from "@/lib/db/client";

const RECONNECT_MS = 1_000;

export class NotificationListener {
  private client?: Client;
  private closed = false;

  /** `onNotification` gets each payload; `onListening` runs after each (re)connection, when notifications may have been missed. */
  constructor(
    private readonly channel: string,
    private readonly onNotification: (payload: string | undefined) => void,
    private readonly onListening: () => void,
  ) {}

  /** Connects and listens; on failure it tries again later by itself. */
  async connect(): Promise<void> {
    if (this.closed) return;
    const client = new Client({ connectionString: databaseUrl() });
    client.on("notification", (message) => this.onNotification(message.payload));
    client.on("error", () => {});
    client.on("end", () => {
      if (!this.closed) setTimeout(() => void this.connect(), RECONNECT_MS);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      this.client = client;
      this.onListening();
    } catch {
      await client.end().catch(() => {});
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => {});
    this.client = undefined;
  }
}
