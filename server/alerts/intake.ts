import { and, desc, eq, ne, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { cases, intakeAlerts } from "@/db/schema";
import type { SessionUser } from "../auth/sessions";
import { actorOf, openCase } from "../cases/access";
import { createCaseIn } from "../cases/cases";
import { normaliseEntityValue } from "../cases/normalise";
import { importEventsIn } from "../cases/timeline";
import { DomainError } from "../errors";
import { appendLedger } from "../ledger/append";
import type { RequestMeta } from "../request-meta";
import { type AlertInput, observablesOf } from "./shape";

export type IntakeResult = { caseKey: string; caseId: string; created: boolean; duplicate: boolean };

/** Every entity normalised as the importer does, before anything is written; a bad one names its field. */
function entitiesOf(alert: AlertInput) {
  return observablesOf(alert).map((e) => {
    try {
      return { relation: e.relation, kind: e.kind, value: normaliseEntityValue(e.kind, e.value) };
    } catch (error) {
      if (error instanceof DomainError)
        throw new DomainError("BAD_REQUEST", `${e.field}: ${error.message}`, { field: e.field });
      throw error;
    }
  });
}

/**
 * Takes in an alert: the same (source, event.id) again changes nothing; otherwise the alert
 * becomes a timeline event (with its entities) in the open case of its correlation key, or in a
 * case it opens. All in one transaction: bad input or a failure writes nothing.
 */
export async function intakeAlert(
  db: Db,
  user: SessionUser,
  alert: AlertInput,
  request: RequestMeta | null = null,
): Promise<IntakeResult> {
  const entities = entitiesOf(alert);
  const source = alert.observer.name;
  const correlationKey = alert.correlation_key ?? `${source}:${alert.event.id}`;
  const line = JSON.stringify({
    occurredAt: alert["@timestamp"].toISOString(),
    title: alert.rule.name,
    description: alert.message,
    category: alert.event.category ?? "alert",
    attackTechnique: alert.threat?.technique.id ?? "",
    entities,
    raw: { observer: source, event: alert.event, correlation_key: correlationKey },
  });
  return db.transaction(async (tx) => {
    // Alerts of one correlation key (and one alert sent twice) are taken in one at a time.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`alert-correlation:${correlationKey}`}))`);
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`alert:${source}:${alert.event.id}`}))`);
    const [seen] = await tx
      .select({ caseId: intakeAlerts.caseId, key: cases.key })
      .from(intakeAlerts)
      .innerJoin(cases, eq(cases.id, intakeAlerts.caseId))
      .where(and(eq(intakeAlerts.source, source), eq(intakeAlerts.alertId, alert.event.id)));
    if (seen) return { caseKey: seen.key, caseId: seen.caseId, created: false, duplicate: true };

    const open = await tx
      .select({ caseId: intakeAlerts.caseId })
      .from(intakeAlerts)
      .innerJoin(cases, eq(cases.id, intakeAlerts.caseId))
      .where(and(eq(intakeAlerts.correlationKey, correlationKey), ne(cases.status, "closed")))
      .orderBy(desc(intakeAlerts.receivedAt))
      .limit(1);
    let access = open[0] ? await openCase(tx, user, open[0].caseId).catch(() => null) : null;
    const created = access === null;
    if (!access) {
      const opened = await createCaseIn(
        tx,
        user,
        {
          title: alert.rule.name.padEnd(3, "."),
          summary: alert.message.slice(0, 5000),
          severity: alert.event.severity,
          tlp: "amber",
        },
        request,
      );
      access = await openCase(tx, user, opened.id);
    }
    const imported = await importEventsIn(
      tx,
      access,
      { format: "jsonl", content: line, fileName: `alert ${source}` },
      request,
    );
    const problem = imported.problems[0];
    if (problem)
      throw new DomainError("BAD_REQUEST", problem.reason, { field: problem.reason.split(":")[0] });
    await tx
      .insert(intakeAlerts)
      .values({ source, alertId: alert.event.id, correlationKey, caseId: access.caseId });
    await appendLedger(tx, {
      type: "alert.taken_in",
      actor: actorOf(user),
      caseKey: access.key,
      subjects: [access.caseId],
      payload: { source, openedCase: created },
      request,
    });
    return { caseKey: access.key, caseId: access.caseId, created, duplicate: false };
  });
}
