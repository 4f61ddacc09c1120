// The Inngest serve endpoint: Inngest syncs the functions with PUT, introspects with GET and
// runs their steps with POST. Requests are verified with INNGEST_SIGNING_KEY (unless INNGEST_DEV).
// Without either, no Inngest server can call it: it answers 404 instead of the SDK's 500.
import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/functions";
import { config } from "@/lib/config";
import { ApiError } from "@/lib/http/errors";
import { errorResponse } from "@/lib/http/route";

const handlers = serve({ client: inngest, functions });

type Handler = (typeof handlers)["GET"];

const whenConfigured =
  (handler: Handler): Handler =>
  (...args) =>
    config().inngestConfigured
      ? handler(...args)
      : Promise.resolve(errorResponse(new ApiError("not_found", "Inngest is not configured: set INNGEST_SIGNING_KEY (Inngest Cloud) or INNGEST_DEV=1"), crypto.randomUUID()));

export const GET = whenConfigured(handlers.GET);
export const POST = whenConfigured(handlers.POST);
export const PUT = whenConfigured(handlers.PUT);
