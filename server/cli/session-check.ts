/**
 * Casefile needs a database session per connection for as long as the connection is open:
 * live updates LISTEN on one, and the ledger integrator's leader holds a session-level advisory
 * lock on another. A pooler in transaction mode (PgBouncer's `pool_mode=transaction`) hands the
 * server connection to other clients between transactions, so a LISTEN would hear nothing and
 * the lock would stay behind on a connection others use. Nothing fails loudly then, so the
 * server and the worker check at start and refuse such a connection.
 */
import { randomUUID } from "node:crypto";
import postgres from "postgres";

/** How long a statement on an idle connection of its own may take before we conclude it waited for another client. */
const WAIT_MS = 5_000;

const sentence = (variable: string) =>
  `${variable} leads to a connection pooler that does not keep one database session per connection ` +
  "(such as PgBouncer with pool_mode=transaction), but live updates (LISTEN/NOTIFY) and the ledger's " +
  "leader lock need one: use session pooling (pool_mode=session) or connect to PostgreSQL directly.";

type Probe = { pid: number; mark: string | null };

/**
 * Whether a connection to `url` keeps its session while another client works.
 * Connection A marks its session (a setting that lives only in that session); connection B
 * then opens a transaction, which a transaction pooler serves with the server connection A just
 * released (it reuses the most recent one); while B's transaction is open, A reads its mark back.
 * With a session of its own, A is on the same backend and finds the mark; behind transaction
 * pooling it lands on another backend without the mark, or waits for B's.
 */
export async function keepsSession(url: string): Promise<boolean> {
  // Unnamed statements: named ones do not survive a transaction pooler either, and would fail first.
  const options = { max: 1, prepare: false, onnotice: () => {}, connect_timeout: 10 } as const;
  const a = postgres(url, options);
  const b = postgres(url, options);
  try {
    const mark = randomUUID();
    const [first] = await a<Probe[]>`
      select pg_backend_pid() as pid, set_config('casefile.session_check', ${mark}, false) as mark`;
    let answer: Promise<Probe | undefined> | undefined;
    const during = await b.begin(async (tx) => {
      await tx`select pg_backend_pid()`;
      answer = a<Probe[]>`
        select pg_backend_pid() as pid, current_setting('casefile.session_check', true) as mark`.then(
        ([row]) => row,
      );
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<"waited">((resolve) => (timer = setTimeout(resolve, WAIT_MS, "waited")));
      return Promise.race([answer, waited]).finally(() => clearTimeout(timer));
    });
    await answer; // once B has committed, a waiting A gets its answer too
    return during !== "waited" && during?.pid === first?.pid && during?.mark === mark;
  } finally {
    await Promise.all([a.end({ timeout: 1 }), b.end({ timeout: 1 })]);
  }
}

/** Stops start with one sentence naming `variable` when its connection does not keep a session. */
export async function requireSession(url: string, variable: string): Promise<void> {
  if (!(await keepsSession(url))) throw new Error(sentence(variable));
}
