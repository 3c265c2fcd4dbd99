"use client";

import { useQueries } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc/client";
import type { RouterInputs, RouterOutputs } from "@/server/trpc/routers/_app";

type Kind = RouterInputs["cases"]["ledgerMatch"]["kind"];
export type LedgerMatch = RouterOutputs["cases"]["ledgerMatch"][number];

const CHUNK = 200; // the procedure's limit per call

/** Whether each record's text matches its latest commitment in the ledger, by record id. */
export function useLedgerMatches(caseId: string, kind: Kind, ids: string[]): Map<string, LedgerMatch> {
  const trpc = useTRPC();
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += CHUNK) chunks.push(ids.slice(i, i + CHUNK));
  const results = useQueries({
    queries: chunks.map((chunk) => trpc.cases.ledgerMatch.queryOptions({ caseId, kind, ids: chunk })),
  });
  return new Map(results.flatMap((r) => r.data ?? []).map((m) => [m.id, m]));
}

/**
 * A light marker: "matches the ledger" when the text hashes, with its stored salt, to the
 * commitment in the latest ledger entry about it; a warning when it does not. Records with no
 * commitment yet (older, or not yet integrated) show nothing.
 */
export function LedgerMatchMark({ match }: { match: LedgerMatch | undefined }) {
  if (!match || match.status === "not_recorded") return null;
  const detail = `Ledger entry #${match.seq ?? "?"}\nsalt ${match.salt}\ncommitment ${match.commitment ?? ""}`;
  return match.status === "matches" ? (
    <span className="text-xs text-emerald-700" title={detail} data-testid="ledger-match">
      ✓ matches the ledger
    </span>
  ) : (
    <span
      className="text-xs font-medium text-red-700"
      title={detail}
      role="status"
      data-testid="ledger-match"
    >
      ✗ differs from the ledger
    </span>
  );
}
