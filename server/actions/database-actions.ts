/**
 * Response actions on a target PostgreSQL database. Each touches only what the
 * grant names, checks its own effect afterwards, and returns the state it found
 * before acting so the change can be undone (`db.role.enable`).
 */
import type postgres from "postgres";

export type ActionOutcome = { ok: boolean; summary: string; result: Record<string, unknown> };

type Session = {
  pid: number;
  usename: string;
  application_name: string;
  client_addr: string | null;
  backend_start: Date;
  state: string | null;
  query: string | null;
};

async function matchingSessions(
  sql: postgres.Sql,
  p: { pid?: number; username?: string },
): Promise<Session[]> {
  return sql<Session[]>`
    select pid, usename, application_name, client_addr::text as client_addr, backend_start, state,
      left(query, 300) as query
    from pg_stat_activity
    where datname = current_database() and pid <> pg_backend_pid() and usename is not null
      -- Without pg_read_all_stats other roles' backend_type reads as null.
      and coalesce(backend_type, 'client backend') = 'client backend'
      and (${p.pid ?? null}::int is null or pid = ${p.pid ?? null}::int)
      and (${p.username ?? null}::text is null or usename = ${p.username ?? null}::text)
    order by pid`;
}

export async function terminateSessions(
  sql: postgres.Sql,
  target: string,
  p: { pid?: number; username?: string },
): Promise<ActionOutcome> {
  const what = [p.pid !== undefined ? `pid ${p.pid}` : null, p.username ? `user ${p.username}` : null]
    .filter(Boolean)
    .join(", ");
  const sessions = await matchingSessions(sql, p);
  if (sessions.length === 0)
    return {
      ok: false,
      summary: `No session matches ${what} on ${target}; nothing was terminated.`,
      result: { matched: [] },
    };
  for (const s of sessions) await sql`select pg_terminate_backend(${s.pid}::int, 5000)`;
  // Verified, not assumed: the backends must be gone.
  const left = (await matchingSessions(sql, p)).filter((s) => sessions.some((t) => t.pid === s.pid));
  const list = sessions
    .map((s) => `${s.pid} (${s.usename}${s.client_addr ? ` from ${s.client_addr}` : ""})`)
    .join(", ");
  const previous = sessions.map((s) => ({ ...s, backend_start: s.backend_start.toISOString() }));
  if (left.length)
    return {
      ok: false,
      summary: `Asked ${target} to terminate ${list}, but ${left.map((s) => s.pid).join(", ")} still run.`,
      result: { previous, stillRunning: left.map((s) => s.pid) },
    };
  return {
    ok: true,
    summary: `Terminated ${sessions.length} session(s) on ${target}: ${list}. Verified gone.`,
    result: { previous, terminated: sessions.map((s) => s.pid) },
  };
}

async function canLogin(sql: postgres.Sql, role: string): Promise<boolean | null> {
  const [row] = await sql<
    { rolcanlogin: boolean }[]
  >`select rolcanlogin from pg_roles where rolname = ${role}`;
  return row ? row.rolcanlogin : null;
}

export async function setRoleLogin(
  sql: postgres.Sql,
  target: string,
  role: string,
  login: boolean,
): Promise<ActionOutcome> {
  const before = await canLogin(sql, role);
  if (before === null)
    return {
      ok: false,
      summary: `${target} has no role ${role}; nothing was changed.`,
      result: { previous: null },
    };
  await (login ? sql`alter role ${sql(role)} login` : sql`alter role ${sql(role)} nologin`);
  const after = await canLogin(sql, role);
  const result = { previous: { canLogin: before }, now: { canLogin: after } };
  if (after !== login)
    return {
      ok: false,
      summary: `Set ${role} to ${login ? "LOGIN" : "NOLOGIN"} on ${target}, but it still reads otherwise.`,
      result,
    };
  return {
    ok: true,
    summary: login
      ? `Role ${role} on ${target} can log in again (it could ${before ? "already" : "not"} before). Verified.`
      : `Role ${role} on ${target} can no longer log in (NOLOGIN; it could ${before ? "" : "not "}before). Sessions already open are not ended by this. Verified.`,
    result,
  };
}
