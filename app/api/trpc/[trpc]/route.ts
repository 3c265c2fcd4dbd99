import { trpcResponse } from "@/server/http/trpc-response";
import { createRequestContext } from "@/server/trpc/context";

function handler(req: Request) {
  return trpcResponse(req, () => createRequestContext(req.headers));
}

export { handler as GET, handler as POST };
