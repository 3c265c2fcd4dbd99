import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/server/auth/options";
import { env } from "@/server/env";
import { sanitiseAuthRequest } from "@/server/http/auth-request";

// next-auth v4 types its App Router handler as `any`; this is its real shape.
type Context = { params: Promise<{ nextauth: string[] }> };
const nextAuth = NextAuth(authOptions) as (req: Request, ctx: Context) => Promise<Response>;

function handler(req: NextRequest, ctx: Context) {
  return nextAuth(sanitiseAuthRequest(req, env().NEXTAUTH_URL ?? new URL(req.url).origin), ctx);
}

export { handler as GET, handler as POST };
