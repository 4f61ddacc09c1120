import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

// Unauthenticated: load balancers and `npm start` poll it.
export const GET = route({ auth: "none" }, async () => {
  const dbOk = await db()
    .$queryRaw`SELECT 1`.then(() => true)
    .catch(() => false);
  const data = { status: dbOk ? "ok" : "degraded", db: dbOk ? "ok" : "unavailable", engine: config().deliveryEngine };
  return Response.json({ success: dbOk, data }, { status: dbOk ? 200 : 503 });
});
