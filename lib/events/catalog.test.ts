import { describe, it, expect } from "vitest";
import { eventCatalog, eventGroups, findEventType } from "./catalog";

// Every event type the four seed documents name (seeds 000–003), by group.
const SEED_EVENT_TYPES: readonly string[] = [
  // seed 000 (inbound POS / accounting / payments)
  "transaction.created",
  "transaction.updated",
  "transaction.voided",
  "invoice.paid",
  "payment.received",
  // seed 001 (OmniSales)
  "order.created",
  "order.updated",
  "order.shipped",
  "order.completed",
  "order.cancelled",
  "order.refunded",
  "payment.failed",
  "payment.refunded",
  "payment.pending",
  "customer.created",
  "customer.updated",
  "customer.deleted",
  "product.created",
  "product.updated",
  "product.deleted",
  "product.inventory_low",
  "product.inventory_out",
  "product.inventory_restocked",
  "refund.created",
  "refund.processed",
  "refund.failed",
  "email.sent",
  "email.delivered",
  "email.failed",
  "email.bounced",
  "email.opened",
  "email.clicked",
  "chat.escalated",
  "chat.assigned",
  "chat.resolved",
  "ticket.created",
  "ticket.updated",
  "ticket.closed",
  // seed 002 (API template)
  "user.created",
  "user.updated",
  "user.deleted",
  "payment.succeeded",
  // seed 003 (AuraConnect)
  "payment.completed",
  "inventory.low_stock",
  "inventory.out_of_stock",
  "staff.clocked_in",
  "staff.shift_alert",
  "pos.sync_completed",
  "pos.sync_failed",
];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

describe("eventCatalog", () => {
  const types = eventCatalog.map((entry) => entry.type);

  it("has unique types", () => {
    expect(new Set(types).size).toBe(types.length);
  });

  it("is sorted by type", () => {
    expect(types).toEqual([...types].sort());
  });

  it("uses group.name types with lowercase letters and underscores", () => {
    for (const type of types) {
      expect(type).toMatch(/^[a-z_]+\.[a-z_]+$/);
    }
  });

  it("sets group to the part before the first dot", () => {
    for (const entry of eventCatalog) {
      expect(entry.group).toBe(entry.type.slice(0, entry.type.indexOf(".")));
    }
  });

  it("has a one-line description for every type", () => {
    for (const entry of eventCatalog) {
      expect(entry.description.trim().length).toBeGreaterThan(0);
      expect(entry.description).not.toMatch(/\n/);
    }
  });

  it("has a non-empty, JSON-safe plain-object example for every type", () => {
    for (const entry of eventCatalog) {
      expect(isPlainObject(entry.example), entry.type).toBe(true);
      expect(Object.keys(entry.example).length, entry.type).toBeGreaterThan(0);
      expect(JSON.parse(JSON.stringify(entry.example))).toEqual(entry.example);
    }
  });

  it("gives data objects, not envelopes", () => {
    for (const entry of eventCatalog) {
      expect(entry.example, entry.type).not.toHaveProperty("event");
      expect(entry.example, entry.type).not.toHaveProperty("type");
      expect(entry.example, entry.type).not.toHaveProperty("data");
    }
  });

  it("contains every event type named in the seeds", () => {
    expect(new Set(SEED_EVENT_TYPES).size).toBe(SEED_EVENT_TYPES.length);
    for (const type of SEED_EVENT_TYPES) {
      expect(types, type).toContain(type);
    }
  });

  it("contains only event types named in the seeds", () => {
    expect([...types].sort()).toEqual([...SEED_EVENT_TYPES].sort());
  });
});

describe("findEventType", () => {
  it("returns the entry for a known type", () => {
    const entry = findEventType("order.created");
    expect(entry).toBeDefined();
    expect(entry?.type).toBe("order.created");
    expect(entry?.group).toBe("order");
    expect(entry?.example).toMatchObject({ order_id: "ord_789", currency: "USD" });
  });

  it("finds every catalog entry by its type", () => {
    for (const entry of eventCatalog) {
      expect(findEventType(entry.type)).toBe(entry);
    }
  });

  it("returns undefined for unknown types", () => {
    expect(findEventType("order.exploded")).toBeUndefined();
    expect(findEventType("order.*")).toBeUndefined();
    expect(findEventType("ORDER.CREATED")).toBeUndefined();
    expect(findEventType("")).toBeUndefined();
  });
});

describe("eventGroups", () => {
  it("lists the distinct groups, sorted", () => {
    const expected = [...new Set(eventCatalog.map((entry) => entry.group))].sort();
    expect(eventGroups).toEqual(expected);
    expect(new Set(eventGroups).size).toBe(eventGroups.length);
  });

  it("includes every group the seeds name", () => {
    expect(eventGroups).toEqual([
      "chat",
      "customer",
      "email",
      "inventory",
      "invoice",
      "order",
      "payment",
      "pos",
      "product",
      "refund",
      "staff",
      "ticket",
      "transaction",
      "user",
    ]);
  });
});
