// The inbound receiver (seed 000). Not wrapped in route(): outside systems authenticate by
// signature, not API key, and get the seed's answers. The decisions are in lib/inbound.
import { receiveInboundWebhook } from "@/lib/inbound/receive-inbound";

export async function POST(request: Request, context: { params: Promise<{ sourceSystem: string; userId: string }> }) {
  const { sourceSystem, userId } = await context.params;
  return receiveInboundWebhook(request, { sourceSystem, userId });
}
