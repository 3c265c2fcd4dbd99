/**
 * Connectors, as admins manage them: saved sealed, listed without secrets, tested
 * on demand. Executions find theirs with `connectorFor`.
 */
import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import type { Db, DbOrTx, Tx } from "@/db/client";
import { connectors, type ConnectorKind } from "@/db/schema";
import { freshSecondFactor } from "../auth/second-factor";
import type { SessionUser } from "../auth/sessions";
import { DomainError } from "../errors";
import { appendLedger } from "../ledger/append";
import type { RequestMeta } from "../request-meta";
import { CONNECTOR_SERVES } from "../shared/constants";
import { CONFIG_SCHEMAS, type ConnectorConfig, displayOf } from "./config";
import { literalRefusal } from "./egress";
import { unseal, seal } from "./seal";
import { tryConnector } from "./test-connection";

export type ConnectorSummary = {
  id: string;
  name: string;
  kind: ConnectorKind;
  serves: string[];
  display: Record<string, string>;
  version: number;
  lastTestAt: Date | null;
  lastTestOk: "ok" | "failed" | null;
  lastTestMessage: string | null;
};

const SUMMARY = {
  id: connectors.id,
  name: connectors.name,
  kind: connectors.kind,
  serves: connectors.serves,
  display: connectors.display,
  version: connectors.version,
  lastTestAt: connectors.lastTestAt,
  lastTestOk: connectors.lastTestOk,
  lastTestMessage: connectors.lastTestMessage,
};

export async function listConnectors(db: DbOrTx): Promise<ConnectorSummary[]> {
  const rows = await db.select(SUMMARY).from(connectors).orderBy(asc(connectors.name));
  return rows.map((r) => ({ ...r, display: r.display as Record<string, string> }));
}

export type ConnectorInput = {
  /** Absent: a new connector. */
  id?: string;
  version?: number;
  name: string;
  kind: ConnectorKind;
  serves: string[];
  /** On update, omitted keeps the stored configuration (secrets are never sent back to be re-sent). */
  config?: unknown;
  secondFactorCode?: string;
};

function parseConfig(kind: ConnectorKind, config: unknown): ConnectorConfig {
  const parsed = CONFIG_SCHEMAS[kind].safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = ["config", ...(issue?.path ?? [])].join(".");
    throw new DomainError("BAD_REQUEST", `${field}: ${issue?.message ?? "invalid"}`, { field });
  }
  return parsed.data;
}

/** Database actions pick their connector by name; any other action has at most one connector. */
async function checkServes(tx: Tx, kind: ConnectorKind, serves: string[], id: string | undefined) {
  for (const key of serves) {
    if (!CONNECTOR_SERVES[kind].includes(key))
      throw new DomainError("BAD_REQUEST", `A ${kind} connector cannot carry out ${key}`, {
        field: "serves",
      });
  }
  for (const key of serves.filter((k) => !k.startsWith("db."))) {
    const [other] = await tx
      .select({ id: connectors.id, name: connectors.name })
      .from(connectors)
      .where(sql`${key} = any(${connectors.serves})`);
    if (other && other.id !== id)
      throw new DomainError("CONFLICT", `${key} is already carried out by connector ${other.name}`, {
        field: "serves",
      });
  }
}

export async function saveConnector(
  db: Db,
  admin: SessionUser,
  input: ConnectorInput,
  request: RequestMeta | null = null,
): Promise<{ id: string; version: number }> {
  const name = input.name.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9._-]{0,62}$/.test(name))
    throw new DomainError("BAD_REQUEST", "Lower-case letters, digits, dot, dash or underscore (at most 63)", {
      field: "name",
    });
  const serves = [...new Set(input.serves)].sort();
  const config = input.config === undefined ? null : parseConfig(input.kind, input.config);
  const refusal = config && literalRefusal(new URL(config.url).hostname);
  if (refusal) throw new DomainError("BAD_REQUEST", `config.url: ${refusal}`, { field: "config.url" });
  if (!input.id && !config)
    throw new DomainError("BAD_REQUEST", "A new connector needs its configuration", { field: "config" });
  await freshSecondFactor(db, admin, input.secondFactorCode, "Admin changes", request);
  return db.transaction(async (tx) => {
    await checkServes(tx, input.kind, serves, input.id);
    const [clash] = await tx.select({ id: connectors.id }).from(connectors).where(eq(connectors.name, name));
    if (clash && clash.id !== input.id)
      throw new DomainError("CONFLICT", `A connector named ${name} exists`, { field: "name" });
    const values = {
      name,
      serves,
      ...(config ? { sealedConfig: seal(config), display: displayOf(input.kind, config) } : {}),
    };
    let row: { id: string; version: number } | undefined;
    if (input.id) {
      [row] = await tx
        .update(connectors)
        .set({ ...values, version: sql`${connectors.version} + 1`, updatedAt: sql`now()` })
        .where(
          and(
            eq(connectors.id, input.id),
            eq(connectors.kind, input.kind),
            eq(connectors.version, input.version ?? -1),
          ),
        )
        .returning({ id: connectors.id, version: connectors.version });
      if (!row)
        throw new DomainError("CONFLICT", "This connector changed since you opened it; reload and retry");
    } else {
      if (!config) throw new Error("unreachable: a new connector has a configuration");
      [row] = await tx
        .insert(connectors)
        .values({
          ...values,
          kind: input.kind,
          sealedConfig: seal(config),
          display: displayOf(input.kind, config),
          createdBy: admin.id,
        })
        .returning({ id: connectors.id, version: connectors.version });
      if (!row) throw new Error("connector not saved");
    }
    await appendLedger(tx, {
      type: input.id ? "admin.connector.updated" : "admin.connector.created",
      actor: { id: admin.id, name: admin.name },
      subjects: [row.id],
      // The ledger gets what changed, never a secret: the configuration is named only as replaced.
      payload: {
        name,
        kind: input.kind,
        serves,
        configReplaced: config !== null,
        ...(config ? { display: displayOf(input.kind, config) } : {}),
      },
      request,
    });
    return row;
  });
}

/** For installation and demo setup (no session): a connector created with a ledger entry, if its name is free. */
export async function seedConnector(
  db: Db,
  input: { name: string; kind: ConnectorKind; serves: string[]; config: ConnectorConfig },
  createdBy: string,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(connectors)
      .values({
        name: input.name,
        kind: input.kind,
        serves: input.serves,
        sealedConfig: seal(input.config),
        display: displayOf(input.kind, input.config),
        createdBy,
      })
      .onConflictDoNothing()
      .returning({ id: connectors.id });
    if (!row) return false;
    await appendLedger(tx, {
      type: "admin.connector.created",
      actor: null,
      subjects: [row.id],
      payload: {
        name: input.name,
        kind: input.kind,
        serves: input.serves,
        configReplaced: true,
        display: displayOf(input.kind, input.config),
        by: "setup",
      },
    });
    return true;
  });
}

export type LoadedConnector = { id: string; name: string; kind: ConnectorKind; config: ConnectorConfig };

async function loadConnector(tx: DbOrTx, where: SQL | undefined): Promise<LoadedConnector | null> {
  const [row] = await tx
    .select({
      id: connectors.id,
      name: connectors.name,
      kind: connectors.kind,
      sealedConfig: connectors.sealedConfig,
    })
    .from(connectors)
    .where(where);
  if (!row) return null;
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    config: parseConfig(row.kind, unseal(row.sealedConfig)),
  };
}

/**
 * The connector that carries out an action with these parameters: for database
 * actions the one named by `database`, otherwise the one serving the action; null
 * when none is configured (the built-in executor records the grant's use only).
 */
export async function connectorFor(
  tx: Tx,
  actionKey: string,
  params: Record<string, unknown>,
): Promise<LoadedConnector | null> {
  const serving = sql`${actionKey} = any(${connectors.serves})`;
  if (typeof params.database === "string") {
    const found = await loadConnector(tx, and(serving, eq(connectors.name, params.database)));
    if (!found)
      throw new DomainError(
        "PRECONDITION_FAILED",
        `No connector named ${params.database} carries out ${actionKey}; ask an admin to configure one`,
      );
    return found;
  }
  return loadConnector(tx, serving);
}

/**
 * Tries the connector for real (connects and signs in, or sends a signed ping) and
 * records the outcome, in one of a few fixed phrasings; the details go to the server log.
 */
export async function testConnector(
  db: Db,
  admin: SessionUser,
  input: { id: string },
  request: RequestMeta | null = null,
): Promise<{ ok: boolean; message: string }> {
  const connector = await loadConnector(db, eq(connectors.id, input.id));
  if (!connector) throw new DomainError("NOT_FOUND", "No such connector", { field: "id" });
  const result = await tryConnector(connector);
  await db.transaction(async (tx) => {
    await tx
      .update(connectors)
      .set({
        lastTestAt: sql`now()`,
        lastTestOk: result.ok ? "ok" : "failed",
        lastTestMessage: result.message.slice(0, 500),
      })
      .where(eq(connectors.id, connector.id));
    await appendLedger(tx, {
      type: "admin.connector.tested",
      actor: { id: admin.id, name: admin.name },
      subjects: [connector.id],
      payload: { name: connector.name, ok: result.ok, message: result.message.slice(0, 500) },
      request,
    });
  });
  return result;
}
