/** Admins manage connectors: sealed at rest, never shown back, validated, tested for real, audited. */
import { type TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { connectors } from "@/db/schema";
import { seedDemo } from "../demo/seed";
import { callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { testSystems } from "../testing/systems";
import { enrolSecondFactor } from "../testing/second-factor";
import { unseal } from "./seal";
import { failure } from "../testing/failure";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
const systems = await testSystems(0);
const sam = await callerFor(t.db, "sam.okafor@casefile.demo"); // admin
await enrolSecondFactor(sam, "demo-password-for-tests", { stepUp: true }); // fresh for five minutes

const fieldOf = (error: TRPCError) => (error.cause as { field?: string } | undefined)?.field;

async function ledger(type: string) {
  const rows = await t.ledger.sql<
    { body: string }[]
  >`select body from ledger_inbox where body::jsonb ->> 'type' = ${type} order by id`;
  return rows.map((r) => r.body);
}

describe("connectors", () => {
  it("stores the configuration sealed and never returns a password or secret", async () => {
    const saved = await sam.admin.connectors.save({
      name: "Evidence-Store",
      kind: "postgres",
      serves: ["logs.query"],
      config: { url: systems.evidenceUrl },
    });
    const password = new URL(systems.evidenceUrl).password;
    const [row] = await t.db.select().from(connectors).where(eq(connectors.id, saved.id));
    expect(row?.name).toBe("evidence-store");
    expect(row?.sealedConfig).not.toContain(password);
    expect(unseal(row?.sealedConfig ?? "")).toEqual({ url: systems.evidenceUrl });
    const listed = await sam.admin.connectors.list();
    expect(JSON.stringify(listed)).not.toContain(password);
    expect(listed[0]?.display).toMatchObject({ host: "127.0.0.1", user: systems.names.readerRole });
    const entries = await ledger("admin.connector.created");
    expect(entries).toHaveLength(1);
    expect(entries[0]).not.toContain(password);

    const webhook = await sam.admin.connectors.save({
      name: "edr",
      kind: "webhook",
      serves: ["host.isolate"],
      config: { url: "http://127.0.0.1:1/hook", secret: "a-very-secret-signing-key" },
    });
    expect(JSON.stringify(await sam.admin.connectors.list())).not.toContain("a-very-secret-signing-key");
    // Renaming keeps the sealed configuration when none is sent.
    await sam.admin.connectors.save({
      id: webhook.id,
      version: webhook.version,
      name: "edr-main",
      kind: "webhook",
      serves: ["host.isolate"],
    });
    const [renamed] = await t.db.select().from(connectors).where(eq(connectors.id, webhook.id));
    expect(unseal(renamed?.sealedConfig ?? "")).toMatchObject({ secret: "a-very-secret-signing-key" });
  });

  it("tests a connection for real and records the outcome", async () => {
    const [store] = (await sam.admin.connectors.list()).filter((c) => c.name === "evidence-store");
    const ok = await sam.admin.connectors.test({ id: store?.id ?? "" });
    expect(ok).toMatchObject({ ok: true });
    expect(ok.message).toContain(`as ${systems.names.readerRole}`);
    const [hook] = (await sam.admin.connectors.list()).filter((c) => c.name === "edr-main");
    const down = await sam.admin.connectors.test({ id: hook?.id ?? "" });
    expect(down.ok).toBe(false);
    expect(down.message).toBe("Refused");
    expect((await sam.admin.connectors.list()).find((c) => c.name === "edr-main")?.lastTestOk).toBe("failed");
    expect(await ledger("admin.connector.tested")).toHaveLength(2);
  });

  it("names the field at fault and writes nothing on bad input", async () => {
    const before = (await sam.admin.connectors.list()).length;
    const badUrl = await failure(
      sam.admin.connectors.save({
        name: "x1",
        kind: "postgres",
        serves: [],
        config: { url: "mysql://db/x" },
      }),
    );
    expect(badUrl.code).toBe("BAD_REQUEST");
    expect(fieldOf(badUrl)).toBe("config.url");
    const shortSecret = await failure(
      sam.admin.connectors.save({
        name: "x2",
        kind: "webhook",
        serves: [],
        config: { url: "https://edr.example/h", secret: "short" },
      }),
    );
    expect(fieldOf(shortSecret)).toBe("config.secret");
    const badName = await failure(
      sam.admin.connectors.save({
        name: "has space",
        kind: "postgres",
        serves: [],
        config: { url: systems.targetUrl },
      }),
    );
    expect(fieldOf(badName)).toBe("name");
    const wrongKind = await failure(
      sam.admin.connectors.save({
        name: "x3",
        kind: "postgres",
        serves: ["host.isolate"],
        config: { url: systems.targetUrl },
      }),
    );
    expect(fieldOf(wrongKind)).toBe("serves");
    const taken = await failure(
      sam.admin.connectors.save({
        name: "edr-2",
        kind: "webhook",
        serves: ["host.isolate"],
        config: { url: "https://edr.example/h", secret: "another-secret-value" },
      }),
    );
    expect(taken.code).toBe("CONFLICT");
    expect(taken.message).toContain("already carried out by connector edr-main");
    expect((await sam.admin.connectors.list()).length).toBe(before);
  });

  it("needs a fresh second factor", async () => {
    await t.owner.sql`update user_sessions set second_factor_at = now() - interval '1 hour'`;
    const error = await failure(
      sam.admin.connectors.save({
        name: "late",
        kind: "postgres",
        serves: [],
        config: { url: systems.targetUrl },
      }),
    );
    expect(error.code).toBe("PRECONDITION_FAILED");
    expect(fieldOf(error)).toBe("secondFactorCode");
  });
});
