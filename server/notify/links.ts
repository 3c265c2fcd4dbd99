import { env } from "../env";

/** The address people reach Casefile at: links in mail and chat start here. */
export function publicUrl(): string {
  const e = env();
  return (e.CASEFILE_PUBLIC_URL ?? e.NEXTAUTH_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");
}

/** Deep links into the console, by what they show. */
export const paths = {
  request: (id: string) => `/approvals/${id}`,
  case: (key: string) => `/cases/${encodeURIComponent(key)}`,
  finding: (id: string) => `/compliance/findings/${id}`,
  campaign: (id: string) => `/compliance/campaigns/${id}`,
  account: () => "/account",
  notifications: () => "/notifications",
};
