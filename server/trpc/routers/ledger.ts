import { z } from "zod";
import { ledgerConfig, loadVerifier, readOutsideCheckpoints, witnessConfig } from "../../ledger/config";
import {
  entryActors,
  entryTypes,
  getEntry,
  latestCheckpoint,
  listEntries,
  proveConsistency,
  proveInclusion,
} from "../../ledger/explorer";
import { verifyStoredLedger } from "../../ledger/verify-db";
import { requireVisibleEntry, viewerOf } from "../../ledger/visibility";
import { roleProcedure, router } from "../init";

const auditor = roleProcedure("compliance", "admin");
const seq = z.number().int().nonnegative();

export const ledgerRouter = router({
  entries: auditor
    .input(
      z.object({
        type: z.string().trim().max(100).optional(),
        actorId: z.string().trim().max(100).optional(),
        caseKey: z.string().trim().max(100).optional(),
        from: z.date().optional(),
        to: z.date().optional(),
        cursor: seq.nullish(),
        limit: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(({ ctx, input }) =>
      listEntries(ctx.db, {
        ...input,
        before: input.cursor ?? undefined,
        limit: input.limit,
        viewer: viewerOf(ctx.user),
      }),
    ),
  types: auditor.query(({ ctx }) => entryTypes(ctx.db)),
  actors: auditor.query(({ ctx }) => entryActors(ctx.db, viewerOf(ctx.user))),
  // Case entries are need-to-know: compliance and the case's members only (see ledger/visibility.ts).
  entry: auditor.input(z.object({ seq })).query(async ({ ctx, input }) => {
    await requireVisibleEntry(ctx.db, viewerOf(ctx.user), input.seq);
    return getEntry(ctx.db, input.seq);
  }),
  latestCheckpoint: auditor.query(({ ctx }) => latestCheckpoint(ctx.db)),
  inclusionProof: auditor.input(z.object({ seq })).query(async ({ ctx, input }) => {
    await requireVisibleEntry(ctx.db, viewerOf(ctx.user), input.seq);
    return proveInclusion(ctx.db, (await loadVerifier()).verifier, input.seq);
  }),
  consistencyProof: auditor
    .input(z.object({ size1: seq, size2: seq }))
    .query(async ({ ctx, input }) =>
      proveConsistency(ctx.db, (await loadVerifier()).verifier, input.size1, input.size2),
    ),
  /** Whole-ledger verification, streamed: progress events, then the report. */
  verify: auditor.subscription(async function* ({ ctx }) {
    const run = verifyStoredLedger(ctx.db, {
      verifier: (await loadVerifier()).verifier,
      origin: ledgerConfig().origin,
      outsideNotes: await readOutsideCheckpoints(),
      witnesses: witnessConfig()?.policy ?? null,
    });
    for (;;) {
      const step = await run.next();
      if (step.done) {
        yield { kind: "done" as const, report: step.value };
        return;
      }
      yield { kind: "progress" as const, ...step.value };
    }
  }),
});
