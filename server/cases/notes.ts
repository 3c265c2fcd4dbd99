import { asc, eq } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { notes, users } from "@/db/schema";
import { appendLedger } from "../ledger/append";
import { commitment, newSalt } from "../ledger/commitment";
import type { RequestMeta } from "../request-meta";
import { actorOf, type CaseAccess, requireWrite } from "./access";

export async function listNotes(db: DbOrTx, access: CaseAccess) {
  return db
    .select({ id: notes.id, body: notes.body, createdAt: notes.createdAt, authorName: users.name })
    .from(notes)
    .innerJoin(users, eq(users.id, notes.authorId))
    .where(eq(notes.caseId, access.caseId))
    .orderBy(asc(notes.createdAt));
}

/** Notes are append-only: a correction is a new note. */
export async function addNote(
  db: Db,
  access: CaseAccess,
  input: { body: string },
  request: RequestMeta | null = null,
): Promise<{ id: string }> {
  requireWrite(access);
  return db.transaction(async (tx) => {
    const salt = newSalt();
    const [note] = await tx
      .insert(notes)
      .values({ caseId: access.caseId, authorId: access.user.id, body: input.body, salt })
      .returning({ id: notes.id });
    if (!note) throw new Error("note not created");
    await appendLedger(tx, {
      type: "note.added",
      actor: actorOf(access.user),
      caseKey: access.key,
      subjects: [note.id],
      // The text stays in the case; the ledger holds its salted commitment only.
      payload: { commitments: { [note.id]: commitment("note", salt, { body: input.body }) } },
      request,
    });
    return note;
  });
}
