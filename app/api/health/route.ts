import { getDb } from "@/server/db";
import { env } from "@/server/env";
import { integrationLag, lagAlarm } from "@/server/ledger/lag";

export const dynamic = "force-dynamic";

/** Liveness for load balancers and monitoring: the database answers, and how far the ledger lags. */
export async function GET() {
  try {
    const lag = await integrationLag(getDb());
    const alarm = lagAlarm(lag, env().LEDGER_LAG_ALERT_SECONDS);
    return Response.json(
      { status: alarm ? "degraded" : "ok", ledger: { ...lag, alarm } },
      { headers: { "Cache-Control": "no-store" } },
    );
  } catch {
    return Response.json(
      { status: "unavailable" },
      { status: 503, headers: { "Cache-Control": "no-store" } },
    );
  }
}
