/**
 * What carries out a granted action. With no connector configured, the built-in
 * executor records the use and changes nothing outside Casefile. PostgreSQL
 * connectors run here, synchronously; webhook connectors are sent from the outbox
 * (server/connectors/outbox.ts). The enforcement in front (grant check, atomic use,
 * ledger) is the same for all of them.
 */
import type { LoadedConnector } from "../connectors/connectors";
import { withConnector } from "../connectors/postgres";
import { definitionOf } from "./catalogue";
import { setRoleLogin, terminateSessions } from "./database-actions";
import { type LogsQuery, type QueryResult, runLogsQuery, unsatisfiable } from "./logs-query";

export type Outcome = {
  status: "succeeded" | "failed";
  summary: string;
  result: Record<string, unknown>;
  /** Rows a query collected: stored as evidence of the case. */
  collected?: QueryResult;
};

export function runBuiltIn(actionKey: string, params: Record<string, unknown>): Outcome {
  const def = definitionOf(actionKey);
  return {
    status: "succeeded",
    summary: `Recorded only: no connector is configured for ${actionKey}, so nothing outside Casefile was changed.`,
    result: { executor: "built-in", connector: null, allowed: def?.describe(params) ?? actionKey },
  };
}

/** Why the connector cannot carry out these parameters at all (checked before a use is spent), or null. */
export async function preflight(
  connector: LoadedConnector,
  actionKey: string,
  params: Record<string, unknown>,
): Promise<string | null> {
  if (actionKey !== "logs.query") return null;
  try {
    return await withConnector(connector.config, (sql) => unsatisfiable(sql, params as LogsQuery), {
      readOnly: true,
    });
  } catch (error) {
    return `connector ${connector.name} is unreachable: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * Runs a PostgreSQL action. Never throws: an unreachable connector or a failed
 * statement is a failed outcome with its reason. `restore` is the login state
 * recorded before the matching disable (for `db.role.enable`).
 */
export async function runOnPostgres(
  connector: LoadedConnector,
  actionKey: string,
  params: Record<string, unknown>,
  restore: boolean | null = null,
): Promise<Outcome> {
  const config = connector.config;
  const base = { executor: "postgres", connector: connector.name };
  try {
    // An evidence query's session is read-only from the start, whatever the store's defaults.
    const readOnly = { readOnly: actionKey === "logs.query" };
    return await withConnector(
      config,
      async (sql): Promise<Outcome> => {
        if (actionKey === "logs.query") {
          const q = params as LogsQuery;
          const collected = await runLogsQuery(sql, q);
          const count = `${collected.rows.length}${collected.truncated ? ` (row cap ${q.rowCap} reached)` : ""}`;
          return {
            status: "succeeded",
            summary: `Collected ${count} row(s) of ${q.table} for ${q.subject} from ${connector.name}.`,
            result: {
              ...base,
              rowCount: collected.rows.length,
              truncated: collected.truncated,
              columns: collected.columns,
            },
            collected,
          };
        }
        const outcome =
          actionKey === "db.session.terminate"
            ? await terminateSessions(sql, connector.name, params)
            : actionKey === "db.role.disable"
              ? await setRoleLogin(sql, connector.name, String(params.role), false)
              : actionKey === "db.role.enable"
                ? restore === null
                  ? {
                      ok: false,
                      summary: `Casefile has no record of disabling ${String(params.role)} on ${connector.name}; nothing to restore.`,
                      result: {},
                    }
                  : await setRoleLogin(sql, connector.name, String(params.role), restore)
                : { ok: false, summary: `${connector.name} cannot carry out ${actionKey}.`, result: {} };
        return {
          status: outcome.ok ? "succeeded" : "failed",
          summary: outcome.summary,
          result: { ...base, ...outcome.result },
        };
      },
      readOnly,
    );
  } catch (error) {
    return {
      status: "failed",
      summary: `${connector.name}: ${error instanceof Error ? error.message : String(error)}`,
      result: base,
    };
  }
}
