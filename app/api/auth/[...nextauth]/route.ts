import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/session";

type Handler = (request: Request, context: { params: Promise<{ nextauth: string[] }> }) => Promise<Response>;

// Options are built per request: the secret comes from the environment `npm start` prepares.
const handler: Handler = (request, context) => (NextAuth(authOptions()) as Handler)(request, context);

export { handler as GET, handler as POST };
