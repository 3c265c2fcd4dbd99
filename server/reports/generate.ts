import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import type { SessionUser } from "../auth/sessions";
import { actorOf } from "../cases/access";
import { DomainError } from "../errors";
import { recordEvent } from "../ledger/record-event";
import { formatBundle } from "../ledger/bundle";
import type { JsonValue } from "../ledger/canonical";
import { ledgerConfig, loadVerifier, witnessConfig } from "../ledger/config";
import type { RequestMeta } from "../request-meta";
import { type CsvKind, scopeCsv } from "./csv";
import { buildEvidenceBundle, type LedgerIdentity } from "./evidence-bundle";
import { renderSummaryPdf } from "./pdf";
import { type ReportScope, resolveScope, type ScopeInput, scopeJson, scopeSlug } from "./scope";
import { reportSummary } from "./summary";

/** The downloadable reports, by the name that ends their URL. */
export const REPORTS = {
  "requests.csv": { csv: "requests" },
  "decisions.csv": { csv: "decisions" },
  "grants.csv": { csv: "grants" },
  "executions.csv": { csv: "executions" },
  "summary.pdf": { csv: null },
  "evidence-bundle.json": { csv: null },
} as const satisfies Record<string, { csv: CsvKind | null }>;
export type ReportName = keyof typeof REPORTS;

export type ReportFile = {
  name: ReportName;
  filename: string;
  contentType: string;
  body: Buffer;
  sha256: string;
  /** The `report.generated` ledger entry that records this file. */
  ledgerEntryId: string;
};

type Produced = { body: Buffer; contentType: string; facts: { [key: string]: JsonValue } };

const isReportName = (name: string): name is ReportName => Object.hasOwn(REPORTS, name);

async function produce(
  tx: Tx,
  name: ReportName,
  scope: ReportScope,
  user: SessionUser,
  ledger: () => Promise<LedgerIdentity>,
): Promise<Produced> {
  const [clock] = await tx.execute<{ now: string }>(sql`select now() as now`);
  const generatedAt = new Date(clock?.now ?? Date.now());
  const csv = REPORTS[name].csv;
  if (csv) {
    const { csv: text, rows } = await scopeCsv(tx, scope, csv);
    return { body: Buffer.from(text, "utf8"), contentType: "text/csv; charset=utf-8", facts: { rows } };
  }
  if (name === "summary.pdf") {
    const summary = await reportSummary(tx, scope);
    const body = await renderSummaryPdf({ scope, summary, generatedAt, generatedBy: user.name });
    return { body, contentType: "application/pdf", facts: { requests: summary.requests } };
  }
  const bundle = await buildEvidenceBundle(tx, scope, await ledger(), generatedAt);
  return {
    body: Buffer.from(formatBundle(bundle), "utf8"),
    contentType: "application/json; charset=utf-8",
    facts: {
      entries: bundle.entries.length,
      truncated: bundle.truncated,
      // A checkpoint note's second line is its tree size (C2SP tlog-checkpoint).
      checkpointSize: Number(bundle.checkpoint.split("\n")[1] ?? 0),
    },
  };
}

async function localLedger(): Promise<LedgerIdentity> {
  return {
    origin: ledgerConfig().origin,
    verifierKey: (await loadVerifier()).verifierKey,
    witnessQuorum: witnessConfig()?.policy.quorum ?? null,
  };
}

/**
 * Produces one report for a compliance reviewer and records it: the `report.generated`
 * entry (kind, scope, SHA-256 of the bytes) is written before the file is handed out,
 * so no report leaves without its trace. The data is read in one read-only,
 * repeatable-read transaction, so every figure and row is from the same snapshot.
 */
export async function generateReport(
  db: Db,
  user: SessionUser,
  input: { report: string; scope: ScopeInput; meta?: RequestMeta | null; ledger?: LedgerIdentity },
): Promise<ReportFile> {
  if (!user.roles.includes("compliance")) {
    throw new DomainError("FORBIDDEN", "Reports need the compliance role.");
  }
  const name = input.report;
  if (!isReportName(name)) {
    throw new DomainError("BAD_REQUEST", `Unknown report ${JSON.stringify(name)}`, { field: "report" });
  }
  const scope = await resolveScope(db, input.scope);
  const fixed = input.ledger;
  const ledger = fixed ? () => Promise.resolve(fixed) : localLedger;
  const produced = await db.transaction((tx) => produce(tx, name, scope, user, ledger), {
    isolationLevel: "repeatable read",
    accessMode: "read only",
  });
  const sha256 = createHash("sha256").update(produced.body).digest("hex");
  const receipt = await recordEvent(db, {
    type: "report.generated",
    actor: actorOf(user),
    caseKey: scope.kind === "case" ? scope.caseKey : null,
    subjects: scope.kind === "case" ? [scope.caseId] : [],
    payload: {
      kind: name,
      scope: scopeJson(scope),
      sha256,
      bytes: produced.body.length,
      ...produced.facts,
    },
    request: input.meta ?? null,
  });
  return {
    name,
    filename: `casefile-${scopeSlug(scope)}-${name}`,
    contentType: produced.contentType,
    body: produced.body,
    sha256,
    ledgerEntryId: receipt.entryId,
  };
}
