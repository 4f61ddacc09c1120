import { expect, it } from "vitest";
import { memoizeBounded } from "@/lib/memoize-bounded";

it("computes once per key and forgets the oldest key beyond its size", () => {
  const asked: string[] = [];
  const upper = memoizeBounded(2, (key) => {
    asked.push(key);
    return key.toUpperCase();
  });
  expect([upper("a"), upper("b"), upper("a")]).toEqual(["A", "B", "A"]);
  expect(asked).toEqual(["a", "b"]);
  upper("c"); // "a" was asked about first: it goes
  upper("b");
  upper("a");
  expect(asked).toEqual(["a", "b", "c", "a"]);
});
