/**
 * A connector URL says where and as whom, nothing more: options that would change
 * the session Casefile relies on (statement timeout, search_path, read-only) are
 * refused when saved and when used, and the server sets those itself on every
 * connection, above whatever the far database's role defaults say.
 */
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { seedDemo } from "../demo/seed";
import { runLogsQuery } from "../actions/logs-query";
import { callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { enrolSecondFactor } from "../testing/second-factor";
import { testSystems } from "../testing/systems";
import { withConnector } from "./postgres";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
const systems = await testSystems(0);
const sam = await callerFor(t.db, "sam.okafor@casefile.demo"); // admin
await enrolSecondFactor(sam, "demo-password-for-tests", { stepUp: true });

// The attacker's copy of auth_logs, which a changed search_path would read instead.
const reader = systems.names.readerRole;
await systems.evidenceAdmin.unsafe(`
  create schema attacker;
  create table attacker.auth_logs (like public.auth_logs);
  insert into attacker.auth_logs (ts, username, src_ip, result, method)
    values ('2026-11-20T00:00:00Z', 'planted', '203.0.113.9', 'success', 'password');
  grant usage on schema attacker to ${reader};
  grant select on attacker.auth_logs to ${reader};`);

const OVERRIDES = [
  "statement_timeout=0",
  "search_path=attacker",
  "default_transaction_read_only=off",
  "options=-c%20statement_timeout%3D0",
  "options=--search_path%3Dattacker",
  "idle_in_transaction_session_timeout=0",
  "application_name=x",
  "sslmode=disable&statement_timeout=0",
];
const withQuery = (query: string) => `${systems.evidenceUrl}?${query}`;

const settings = (url: string) =>
  withConnector(
    { url },
    async (sql) => {
      const [row] = await sql<{ timeout: string; path: string; ro: string }[]>`
        select current_setting('statement_timeout') as timeout, current_setting('search_path') as path,
          current_setting('transaction_read_only') as ro`;
      return row;
    },
    { readOnly: true },
  );

const planted = (url: string) =>
  withConnector(
    { url },
    (sql) =>
      runLogsQuery(sql, {
        table: "auth_logs",
        columns: ["username"],
        subject: "planted",
        from: "2026-11-19T00:00:00Z",
        to: "2026-11-21T00:00:00Z",
        rowCap: 10,
      }),
    { readOnly: true },
  );

describe("session settings", () => {
  it("refuses to save a URL that sets session options, naming the field", async () => {
    for (const query of OVERRIDES) {
      const error = await sam.admin.connectors
        .save({ name: "evidence-x", kind: "postgres", serves: [], config: { url: withQuery(query) } })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(error, query).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code, query).toBe("BAD_REQUEST");
      expect(((error as TRPCError).cause as { field?: string }).field, query).toBe("config.url");
      expect((error as TRPCError).message, query).toMatch(/only sslmode may be given/);
    }
    expect(await sam.admin.connectors.list()).toHaveLength(0);
    await sam.admin.connectors.save({
      name: "evidence-tls-off",
      kind: "postgres",
      serves: [],
      config: { url: withQuery("sslmode=disable") },
    });
  });

  it("refuses a stored URL with session options when it is used", async () => {
    for (const query of OVERRIDES.slice(0, 4)) {
      await expect(settings(withQuery(query)), query).rejects.toThrow(/only sslmode may be given/);
      await expect(planted(withQuery(query)), query).rejects.toThrow(/only sslmode may be given/);
    }
  });

  it("sets the timeouts, search_path and read-only itself, above the far role's defaults", async () => {
    await systems.evidenceAdmin.unsafe(
      `alter role ${reader} set statement_timeout = 0;
       alter role ${reader} set search_path = attacker;
       alter role ${reader} set default_transaction_read_only = off;`,
    );
    try {
      expect(await settings(systems.evidenceUrl)).toEqual({ timeout: "10s", path: "public", ro: "on" });
      expect((await planted(systems.evidenceUrl)).rows).toEqual([]);
    } finally {
      await systems.evidenceAdmin.unsafe(`alter role ${reader} reset all`);
    }
  });
});
