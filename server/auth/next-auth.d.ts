import type { Role } from "@/db/schema";

declare module "next-auth" {
  interface Session {
    /** Names the server-side user_sessions row; authorization reads that row, not the token. */
    sid?: string;
    user: { id: string; name: string; email: string; roles: Role[] };
  }
  interface User {
    sessionId: string;
    roles: Role[];
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    sid?: string;
    roles?: Role[];
  }
}
