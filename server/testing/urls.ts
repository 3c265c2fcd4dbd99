export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Role passwords on the throwaway test server. */
export const TEST_ROLE_PASSWORDS = { app: "casefile-test-app", ledger: "casefile-test-ledger" };
