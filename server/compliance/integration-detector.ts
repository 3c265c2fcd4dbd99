/**
 * The ledger must keep up: an entry that waits too long in the inbox (the integrator is stalled,
 * or nothing runs it) or one the log refused and quarantined is a critical finding.
 */
import { env } from "../env";
import { integrationLag, lagAlarm } from "../ledger/lag";
import type { Detector } from "./detectors";

export const ledgerIntegration: Detector = {
  key: "ledger_integration",
  title: "Ledger integration lag",
  description:
    "Entries wait in the ledger inbox longer than the threshold, or the log refused an entry: the audit trail is not being sealed.",
  // Read when asked, not at import: the environment may be set after this module loads.
  get defaults() {
    return { maxLagSeconds: env().LEDGER_LAG_ALERT_SECONDS };
  },
  run: async (db, t) => {
    const lag = await integrationLag(db);
    const alarm = lagAlarm(lag, t.maxLagSeconds ?? env().LEDGER_LAG_ALERT_SECONDS);
    if (!alarm) return [];
    return [
      {
        subject: lag.quarantined > 0 ? "ledger-quarantine" : "ledger-integration",
        subjectUserId: null,
        severity: "critical",
        count: lag.quarantined > 0 ? lag.quarantined : lag.pending,
        title: lag.quarantined > 0 ? "Ledger entries were quarantined" : "The audit ledger is not keeping up",
        explanation: `${alarm}. Until integration catches up no checkpoint covers these entries; see /api/health and the integrator's log.`,
        evidence: {},
      },
    ];
  },
};
