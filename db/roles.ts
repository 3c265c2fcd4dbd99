import postgres from "postgres";

/** The two roles migrations create; a deployment gives them (or members of them) a login. */
export const APP_ROLE = "casefile_app";
export const LEDGER_ROLE = "casefile_ledger";

const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** Embedded default: lets the roles log in directly with the given passwords. */
export async function enableRoleLogins(ownerUrl: string, passwords: { app: string; ledger: string }) {
  const sql = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`alter role ${APP_ROLE} with login password ${quote(passwords.app)}`);
    await sql.unsafe(`alter role ${LEDGER_ROLE} with login password ${quote(passwords.ledger)}`);
  } finally {
    await sql.end();
  }
}

export function urlAs(serverUrl: string, user: string, password: string): string {
  const url = new URL(serverUrl);
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(password);
  return url.toString();
}
