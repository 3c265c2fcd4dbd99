import postgres, { type Sql } from "postgres";

// Held for as long as a process leads ledger integration; released by PostgreSQL when its
// session ends (a killed process, a cut connection), so another instance takes over.
const LEADER_LOCK = 7_412_003;

/**
 * Leadership of ledger integration: a session-level advisory lock on a connection of its own.
 * `held()` checks that the lock is still on that connection's session, so a leader whose
 * connection was lost (and silently reopened) stops leading and competes again.
 */
export class Leadership {
  private readonly sql: Sql;
  private leading = false;

  constructor(
    url: string,
    private readonly log: (message: string) => void = () => {},
  ) {
    this.sql = postgres(url, { max: 1, onnotice: () => {} });
  }

  /** True while this process leads; tries to become leader when it does not. */
  async held(): Promise<boolean> {
    try {
      if (this.leading) {
        const [row] = await this.sql<{ held: boolean }[]>`
          select exists(select 1 from pg_locks where locktype = 'advisory' and objid = ${LEADER_LOCK}
                        and granted and pid = pg_backend_pid()) as held`;
        if (row?.held) return true;
        this.leading = false;
        this.log("ledger integrator: lost the leadership lock with its database session");
      }
      const [row] = await this.sql<{ ok: boolean }[]>`select pg_try_advisory_lock(${LEADER_LOCK}) as ok`;
      this.leading = row?.ok === true;
    } catch {
      // The database is unreachable: not the leader until it is back.
      this.leading = false;
    }
    return this.leading;
  }

  /** Gives up leadership (at shutdown), so another instance takes over at once. */
  async release(): Promise<void> {
    this.leading = false;
    await this.sql.end({ timeout: 5 }).catch(() => undefined);
  }
}
