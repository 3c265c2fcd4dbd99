import { z } from "zod";
import {
  CASE_STATUSES,
  CUSTODY_ACTIONS,
  ENTITY_KINDS,
  ENTITY_ROLES,
  EVENT_RELATIONS,
  EVENT_SOURCES,
  MEMBER_ACCESS,
  RESOLUTIONS,
  TLP_LEVELS,
} from "@/db/schema";
import { openCase } from "../../cases/access";
import { answerAccessRequest, openAccessRequests, requestCaseAccess } from "../../cases/access-requests";
import {
  addMember,
  caseIdByKey,
  changeStatus,
  createCase,
  getCase,
  listCases,
  listMembers,
  memberCandidates,
  removeMember,
  updateCase,
} from "../../cases/cases";
import { addEntity, getEntity, listEntities, updateEntity } from "../../cases/entities";
import { evidenceContent, listEvidence, recordCustody, registerEvidence } from "../../cases/evidence";
import { ledgerMatches, MATCHABLE_KINDS } from "../../cases/ledger-match";
import { addNote, listNotes } from "../../cases/notes";
import { addEvent, importEvents, listEvents, setStarred } from "../../cases/timeline";
import { authedProcedure, caseProcedure, roleProcedure, router } from "../init";

const title = z.string().trim().min(3, "at least 3 characters").max(200);
const severity = z.number().int().min(1).max(4);
const version = z.number().int().positive();
const sha256 = z
  .string()
  .trim()
  .regex(/^[0-9a-fA-F]{64}$/, "64 hexadecimal characters");
const technique = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^T\d{4}(\.\d{3})?$/, "an ATT&CK technique id like T1110 or T1110.004");

const eventEntity = z.union([
  z.object({ entityId: z.uuid(), relation: z.enum(EVENT_RELATIONS) }),
  z.object({
    kind: z.enum(ENTITY_KINDS),
    value: z.string().max(512),
    role: z.enum(ENTITY_ROLES).optional(),
    relation: z.enum(EVENT_RELATIONS),
  }),
]);

const timelineFilters = z.object({
  entityId: z.uuid().optional(),
  entityKind: z.enum(ENTITY_KINDS).optional(),
  source: z.enum(EVENT_SOURCES).optional(),
  starred: z.boolean().optional(),
  category: z.string().trim().max(100).optional(),
  from: z.date().optional(),
  to: z.date().optional(),
  q: z.string().trim().max(200).optional(),
  cursor: z.object({ occurredAt: z.date(), id: z.uuid() }).nullish(),
  limit: z.number().int().min(1).max(200).default(50),
});

export const casesRouter = router({
  list: authedProcedure
    .input(
      z.object({
        status: z.enum(CASE_STATUSES).optional(),
        severity: severity.optional(),
        mine: z.boolean().optional(),
        q: z.string().trim().max(200).optional(),
      }),
    )
    .query(({ ctx, input }) => listCases(ctx.db, ctx.user, input)),
  byKey: authedProcedure.input(z.object({ key: z.string().trim().max(40) })).query(async ({ ctx, input }) => {
    const id = await caseIdByKey(ctx.db, ctx.user, input.key);
    return getCase(ctx.db, await openCase(ctx.db, ctx.user, id));
  }),
  get: caseProcedure.query(({ ctx }) => getCase(ctx.db, ctx.case)),
  create: roleProcedure("investigator")
    .input(
      z.object({
        title,
        summary: z.string().trim().max(5000).default(""),
        severity,
        tlp: z.enum(TLP_LEVELS).default("amber"),
        leadId: z.uuid().optional(),
      }),
    )
    .mutation(({ ctx, input }) => createCase(ctx.db, ctx.user, input, ctx.meta)),
  update: caseProcedure
    .input(
      z.object({
        version,
        title: title.optional(),
        summary: z.string().trim().max(5000).optional(),
        severity: severity.optional(),
        tlp: z.enum(TLP_LEVELS).optional(),
        leadId: z.uuid().optional(),
      }),
    )
    .mutation(({ ctx, input: { caseId: _, ...input } }) => updateCase(ctx.db, ctx.case, input, ctx.meta)),
  setStatus: caseProcedure
    .input(z.object({ version, status: z.enum(CASE_STATUSES), resolution: z.enum(RESOLUTIONS).nullish() }))
    .mutation(({ ctx, input }) => changeStatus(ctx.db, ctx.case, input, ctx.meta)),

  // Anyone signed in may ask; the answer never says whether the case exists.
  requestAccess: authedProcedure
    .input(z.object({ key: z.string().max(40), reason: z.string().max(2000) }))
    .mutation(({ ctx, input }) => requestCaseAccess(ctx.db, ctx.user, input, ctx.meta)),
  accessRequests: router({
    list: caseProcedure.query(({ ctx }) => openAccessRequests(ctx.db, ctx.case)),
    answer: caseProcedure
      .input(z.object({ requestId: z.uuid(), grant: z.enum(MEMBER_ACCESS).nullable() }))
      .mutation(({ ctx, input }) => answerAccessRequest(ctx.db, ctx.case, input, ctx.meta)),
  }),
  members: router({
    list: caseProcedure.query(({ ctx }) => listMembers(ctx.db, ctx.case)),
    candidates: caseProcedure.query(({ ctx }) => memberCandidates(ctx.db, ctx.case)),
    add: caseProcedure
      .input(z.object({ userId: z.uuid(), access: z.enum(MEMBER_ACCESS) }))
      .mutation(({ ctx, input }) => addMember(ctx.db, ctx.case, input, ctx.meta)),
    remove: caseProcedure
      .input(z.object({ userId: z.uuid() }))
      .mutation(({ ctx, input }) => removeMember(ctx.db, ctx.case, input, ctx.meta)),
  }),

  entities: router({
    list: caseProcedure.query(({ ctx }) => listEntities(ctx.db, ctx.case)),
    get: caseProcedure
      .input(z.object({ entityId: z.uuid() }))
      .query(({ ctx, input }) => getEntity(ctx.db, ctx.case, input.entityId)),
    add: caseProcedure
      .input(
        z.object({
          kind: z.enum(ENTITY_KINDS),
          value: z.string().max(512),
          role: z.enum(ENTITY_ROLES).default("suspect"),
          notes: z.string().trim().max(5000).default(""),
        }),
      )
      .mutation(({ ctx, input }) => addEntity(ctx.db, ctx.case, input, ctx.meta)),
    update: caseProcedure
      .input(
        z.object({
          entityId: z.uuid(),
          role: z.enum(ENTITY_ROLES).optional(),
          notes: z.string().trim().max(5000).optional(),
        }),
      )
      .mutation(({ ctx, input }) => updateEntity(ctx.db, ctx.case, input, ctx.meta)),
  }),

  timeline: router({
    list: caseProcedure.input(timelineFilters).query(({ ctx, input }) => listEvents(ctx.db, ctx.case, input)),
    add: caseProcedure
      .input(
        z.object({
          occurredAt: z.date(),
          title: z.string().trim().min(1, "required").max(300),
          description: z.string().trim().max(20_000).default(""),
          category: z.string().trim().max(100).nullish(),
          attackTechnique: z.union([technique, z.literal("")]).nullish(),
          starred: z.boolean().default(false),
          entities: z.array(eventEntity).max(50).default([]),
        }),
      )
      .mutation(({ ctx, input }) => addEvent(ctx.db, ctx.case, input, ctx.meta)),
    star: caseProcedure
      .input(z.object({ eventId: z.uuid(), starred: z.boolean() }))
      .mutation(({ ctx, input }) => setStarred(ctx.db, ctx.case, input, ctx.meta)),
    import: caseProcedure
      .input(
        z.object({
          format: z.enum(["csv", "jsonl"]),
          content: z.string().min(1, "the file is empty"),
          fileName: z.string().trim().max(255).optional(),
        }),
      )
      .mutation(({ ctx, input }) => importEvents(ctx.db, ctx.case, input, ctx.meta)),
  }),

  notes: router({
    list: caseProcedure.query(({ ctx }) => listNotes(ctx.db, ctx.case)),
    add: caseProcedure
      .input(z.object({ body: z.string().trim().min(1, "required").max(50_000) }))
      .mutation(({ ctx, input }) => addNote(ctx.db, ctx.case, input, ctx.meta)),
  }),

  evidence: router({
    list: caseProcedure.query(({ ctx }) => listEvidence(ctx.db, ctx.case)),
    content: caseProcedure
      .input(z.object({ evidenceId: z.uuid() }))
      .query(({ ctx, input }) => evidenceContent(ctx.db, ctx.case, input.evidenceId)),
    register: caseProcedure
      .input(
        z.object({
          name: z.string().trim().min(1, "required").max(255),
          sha256,
          sizeBytes: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
          source: z.string().trim().min(1, "required").max(255),
          description: z.string().trim().max(5000).default(""),
          acquiredAt: z.date(),
        }),
      )
      .mutation(({ ctx, input }) => registerEvidence(ctx.db, ctx.case, input, ctx.meta)),
    custody: caseProcedure
      .input(
        z.object({
          evidenceId: z.uuid(),
          action: z.enum(CUSTODY_ACTIONS).exclude(["collected", "exported"]),
          note: z.string().trim().max(2000).default(""),
          sha256: sha256.optional(),
        }),
      )
      .mutation(({ ctx, input }) => recordCustody(ctx.db, ctx.case, input, ctx.meta)),
  }),

  /** Whether records' current text matches their latest salted commitment in the ledger. */
  ledgerMatch: caseProcedure
    .input(
      z.object({
        kind: z.enum(MATCHABLE_KINDS),
        ids: z.array(z.uuid()).min(1, "at least one id").max(200),
      }),
    )
    .query(({ ctx, input }) => ledgerMatches(ctx.db, ctx.case, input)),
});
