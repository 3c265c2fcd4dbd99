/** The event catalogue: one union of types, each named, mapped for the SIEM and checked when written. */
import { describe, expect, it } from "vitest";
import { SIEM_MAPPING } from "../siem/mapping";
import { testDatabase } from "../testing/db";
import { appendLedger, LedgerPayloadError } from "./append";
import { EVENT_DOMAINS, LEDGER_EVENT_TYPES, LEDGER_EVENTS, eventLabel, payloadProblem } from "./events";

const t = await testDatabase();

const inboxCount = async () =>
  (await t.owner.sql<{ n: number }[]>`select count(*)::int as n from ledger_inbox`)[0]?.n ?? -1;

describe("the event catalogue", () => {
  it("declares each type once, across the domains", () => {
    const declared = Object.values(EVENT_DOMAINS).flatMap((domain) => Object.keys(domain));
    expect(new Set(declared).size).toBe(declared.length);
    expect(declared.sort()).toEqual([...LEDGER_EVENT_TYPES].sort());
  });

  it("gives every type a name for the explorer and a SIEM mapping", () => {
    for (const type of LEDGER_EVENT_TYPES) {
      expect(LEDGER_EVENTS[type].label.trim(), type).not.toBe("");
      expect(eventLabel(type), type).not.toBe(type);
      expect(SIEM_MAPPING[type], type).toBeDefined();
    }
    expect(Object.keys(SIEM_MAPPING).sort()).toEqual([...LEDGER_EVENT_TYPES].sort());
    // An entry of a type this version no longer writes is still shown, as written.
    expect(eventLabel("case.event.added")).toBe("case.event.added");
  });

  it("names the field of a payload that does not match its schema", () => {
    expect(payloadProblem("note.added", { commitments: { n1: "ab" } })).toBeNull();
    expect(payloadProblem("note.added", {})).toMatch(/^commitments: /);
    expect(payloadProblem("note.added", { commitments: {}, excerpt: "text" })).toMatch(/excerpt/);
    expect(
      payloadProblem("grant.revoked", { actionKey: "x", by: "admin", reason: "", usesSpent: "1" }),
    ).toMatch(/^usesSpent: /);
    expect(payloadProblem("note.deleted", {})).toBe('unknown event type "note.deleted"');
  });
});

describe("appendLedger", () => {
  it("refuses a payload that slipped past the types, and the transaction writes nothing", async () => {
    const before = await inboxCount();
    const wrong = t.db.transaction(async (tx) => {
      await appendLedger(tx, { type: "auth.sign_out", actor: null, payload: { sessionId: "s-1" } });
      // Case text where only its commitment belongs: what the schema is there to stop.
      const payload = JSON.parse('{"commitments":{},"excerpt":"the note text"}') as never;
      await appendLedger(tx, { type: "note.added", actor: null, caseKey: "CASE-2026-0001", payload });
    });
    const error = await wrong.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LedgerPayloadError);
    expect((error as LedgerPayloadError).message).toMatch(/^ledger entry note.added refused: .*excerpt/);
    expect(await inboxCount()).toBe(before);
  });

  it("refuses a type outside the union", async () => {
    const before = await inboxCount();
    await expect(
      t.db.transaction((tx) =>
        appendLedger(tx, { type: "note.deleted" as never, actor: null, payload: {} as never }),
      ),
    ).rejects.toThrow('ledger entry note.deleted refused: unknown event type "note.deleted"');
    expect(await inboxCount()).toBe(before);
  });

  it("writes a matching payload as a version 2 entry", async () => {
    await t.db.transaction((tx) =>
      appendLedger(tx, {
        type: "request.cancelled",
        actor: null,
        caseKey: "CASE-2026-0001",
        payload: { actionKey: "logs.query", reason: "no longer needed" },
      }),
    );
    const [row] = await t.owner.sql<
      { body: string }[]
    >`select body from ledger_inbox order by id desc limit 1`;
    expect(JSON.parse(row?.body ?? "{}")).toMatchObject({
      v: 2,
      type: "request.cancelled",
      caseKey: "CASE-2026-0001",
      payload: { actionKey: "logs.query", reason: "no longer needed" },
    });
  });
});
