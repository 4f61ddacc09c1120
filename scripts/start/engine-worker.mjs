// Worker threads do not inherit the parent's module hooks: register tsx here, then run the
// TypeScript entry (scripts/start/engine-worker.ts).
import { register } from "tsx/esm/api";

register();
await import("./engine-worker.ts");
