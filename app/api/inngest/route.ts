// The Inngest serve endpoint: Inngest syncs the functions with PUT, introspects with GET and
// runs their steps with POST. Requests are verified with INNGEST_SIGNING_KEY (unless INNGEST_DEV).
import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/functions";

export const { GET, POST, PUT } = serve({ client: inngest, functions });
