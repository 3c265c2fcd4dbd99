import { eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { DEMO_INCIDENT, DEMO_OTHER_CASES, type DemoCase } from "./incident";
import { cases, users } from "@/db/schema";
import { loadUserForSystem, type SessionUser } from "../auth/sessions";
import { openCase } from "../cases/access";
import { addMember, changeStatus, createCase } from "../cases/cases";
import { addEntity } from "../cases/entities";
import { registerEvidence } from "../cases/evidence";
import { addNote } from "../cases/notes";
import { addEvent } from "../cases/timeline";

const AUTHORS = { ines: "ines.ortega@casefile.demo", marcus: "marcus.webb@casefile.demo" } as const;

/** The statuses a new case passes through to reach `target`. */
const PATH: Record<DemoCase["status"], DemoCase["status"][]> = {
  new: [],
  triage: ["triage"],
  investigating: ["investigating"],
  contained: ["investigating", "contained"],
  closed: ["investigating", "closed"],
};

/**
 * Writes a demo case through the same services people use, so it carries the
 * same ledger entries. `lead` opens it; `member` (if any) is added with write access.
 */
async function seedCase(db: Db, demo: DemoCase, lead: SessionUser, member: SessionUser | null) {
  const { id } = await createCase(db, lead, {
    title: demo.title,
    summary: demo.summary,
    severity: demo.severity,
    tlp: demo.tlp,
  });
  let access = await openCase(db, lead, id);
  if (member) await addMember(db, access, { userId: member.id, access: "write" });
  const as = { ines: lead, marcus: member ?? lead };
  const t0 = Date.parse(demo.t0);
  const at = (minutes: number) => new Date(t0 + minutes * 60_000);

  const ids = new Map<string, string>();
  for (const entity of demo.entities) {
    const created = await addEntity(db, access, entity);
    ids.set(entity.ref, created.id);
  }
  for (const event of demo.events) {
    const author = await openCase(db, as[event.author], id);
    await addEvent(
      db,
      author,
      {
        occurredAt: at(event.at),
        title: event.title,
        description: event.description,
        category: event.category,
        attackTechnique: event.attackTechnique,
        raw: event.raw ?? null,
        starred: event.starred,
        entities: event.entities.flatMap((e) => {
          const entityId = ids.get(e.ref);
          return entityId ? [{ entityId, relation: e.relation }] : [];
        }),
      },
      null,
      event.source,
    );
  }
  for (const note of demo.notes)
    await addNote(db, await openCase(db, as[note.author], id), { body: note.body });
  for (const item of demo.evidence) {
    await registerEvidence(db, access, { ...item, acquiredAt: at(item.at) });
  }
  let version =
    (await db.select({ version: cases.version }).from(cases).where(eq(cases.id, id)))[0]?.version ?? 1;
  for (const status of PATH[demo.status]) {
    ({ version } = await changeStatus(db, access, {
      version,
      status,
      resolution: status === "closed" ? "true_positive" : null,
    }));
    access = await openCase(db, lead, id);
  }
}

/** Seeds the demo incidents once (when there is no case yet). Needs the demo accounts. */
export async function seedDemoCases(db: Db): Promise<boolean> {
  const [existing] = await db.select({ id: cases.id }).from(cases).limit(1);
  if (existing) return false;
  const people = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(inArray(users.email, Object.values(AUTHORS)));
  const ines = people.find((p) => p.email === AUTHORS.ines);
  const marcus = people.find((p) => p.email === AUTHORS.marcus);
  if (!ines || !marcus) return false;
  const [inesUser, marcusUser] = await Promise.all([
    loadUserForSystem(db, ines.id),
    loadUserForSystem(db, marcus.id),
  ]);
  await seedCase(db, DEMO_INCIDENT, inesUser, marcusUser);
  const [phishing, oauth] = DEMO_OTHER_CASES;
  if (phishing) await seedCase(db, phishing, marcusUser, null); // Ines is not a member: need-to-know shows
  if (oauth) await seedCase(db, oauth, inesUser, null);
  return true;
}
