import { execFile } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { recordEvent } from "../ledger/record-event";
import { appendSigned, TEST_ORIGIN, testIntegrator } from "../ledger/testing";
import { testDatabase } from "../testing/db";
import { exportSiem, fileSink, httpSink, SiemExportError } from "./export";
import { type OcsfEvent, toOcsf } from "./ocsf";

const t = await testDatabase();
const ledger = await testIntegrator(t.ledger.db);
const carla = { id: "6f1c1f43-0000-4000-8000-000000000001", name: "Carla Nguyen" };
const meta = { requestId: "req-1", ip: "198.51.100.7", userAgent: "Mozilla/5.0 test" };
await recordEvent(t.db, {
  type: "auth.sign_in",
  actor: carla,
  payload: { method: "password", sessionId: "5e550000-0000-4000-8000-000000000001" },
  request: meta,
});
await recordEvent(t.db, {
  type: "request.break_glass",
  actor: carla,
  caseKey: "CASE-2026-0007",
  subjects: ["9d1e0000-0000-4000-8000-000000000002"],
  payload: {
    actionKey: "host.isolate",
    riskTier: "high",
    params: { host: "ws-0042" },
    reason: "no approver",
    minutes: 15,
    description: "Isolate ws-0042",
    secondFactor: { at: "2026-11-01T09:12:33.000Z", method: "totp" },
    policyVersion: 1,
  },
  request: meta,
});
await recordEvent(t.db, { type: "auth.sign_in_failed", actor: null, payload: { reason: "bad password" } });
await ledger.integrator.drain();
await appendSigned(t.db, ledger.integrator, 17); // 20 entries: seq 0–19

/** A real HTTP receiver: records every POST; `failures` makes the next requests answer with that status. */
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
const failures: number[] = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const status = failures.shift();
    if (status) {
      res.writeHead(status).end();
      return;
    }
    received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    res.writeHead(202).end();
  });
});
server.listen(0, "127.0.0.1");
await once(server, "listening");
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ingest`;
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const linesOf = (body: string) =>
  body
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as OcsfEvent);

describe("OCSF mapping", () => {
  it("maps the entry's fields and keeps a case entry's ids, outcomes and commitments under unmapped", () => {
    const body = JSON.stringify({
      actor: carla,
      at: "2026-11-20T10:00:00.123456Z",
      caseId: "CASE-2026-0007",
      id: "e1",
      payload: {
        reason: "no approver",
        actionKey: "host.isolate",
        params: { host: "ws-1" },
        commitments: { s1: "e".repeat(64), s2: "not a commitment" },
      },
      request: { id: "req-1", ip: "198.51.100.7", userAgent: "UA" },
      subjects: ["s1"],
      type: "request.break_glass",
      v: 1,
    });
    expect(toOcsf(42, body, TEST_ORIGIN, "ab")).toEqual({
      time: Date.parse("2026-11-20T10:00:00.123Z"),
      time_dt: "2026-11-20T10:00:00.123Z",
      class_uid: 6003,
      class_name: "API Activity",
      category_uid: 6,
      category_name: "Application Activity",
      activity_id: 1,
      activity_name: "request.break_glass",
      type_uid: 600301,
      severity_id: 4,
      status: "Success",
      status_id: 1,
      actor: { user: { uid: carla.id, name: carla.name, type: "User" } },
      api: { operation: "request.break_glass", request: { uid: "req-1" } },
      src_endpoint: { ip: "198.51.100.7" },
      http_request: { user_agent: "UA" },
      resources: [
        { uid: "CASE-2026-0007", type: "case" },
        { uid: "s1", type: "record" },
      ],
      metadata: {
        uid: "e1",
        sequence: 42,
        version: "1.3.0",
        product: { name: "Casefile", vendor_name: "Casefile", feature: { name: "audit-ledger" } },
        log_name: TEST_ORIGIN,
        original_time: "2026-11-20T10:00:00.123456Z",
        schema: "casefile.siem.v1",
      },
      unmapped: {
        case_id: "CASE-2026-0007",
        subjects: ["s1"],
        payload: { actionKey: "host.isolate", commitments: { s1: "e".repeat(64) } },
        entry_version: 1,
        leaf_hash: "ab",
      },
    });
  });

  it("keeps the whole payload of an entry of no case (sign-ins, administration)", () => {
    const body = JSON.stringify({
      type: "auth.sign_in_failed",
      actor: null,
      payload: { reason: "bad password" },
    });
    expect(toOcsf(5, body, TEST_ORIGIN).unmapped.payload).toEqual({ reason: "bad password" });
  });

  it("marks refusals and failures, system actors, and unknown verbs", () => {
    const failed = toOcsf(1, JSON.stringify({ type: "auth.sign_in_failed", actor: null }), TEST_ORIGIN);
    expect(failed).toMatchObject({ status: "Failure", status_id: 2, severity_id: 3 });
    expect(failed.actor.user).toEqual({ uid: null, name: null, type: "System" });
    expect(toOcsf(2, JSON.stringify({ type: "grant.revoked" }), TEST_ORIGIN).activity_id).toBe(4);
    expect(toOcsf(3, JSON.stringify({ type: "test.event" }), TEST_ORIGIN).activity_id).toBe(99);
    expect(toOcsf(4, "not json", TEST_ORIGIN).activity_name).toBe("unknown");
  });
});

describe("export to an HTTP endpoint", () => {
  it("POSTs the whole ledger in order as x-ndjson batches, retrying a 503", async () => {
    received.length = 0;
    failures.push(503);
    const result = await exportSiem(t.db, {
      since: 0,
      sink: httpSink(url, { backoffMs: 10, headers: { Authorization: "Bearer token-1" } }),
      logName: TEST_ORIGIN,
      batchSize: 7,
    });
    expect(result).toEqual({ sent: 20, firstSeq: 0, lastSeq: 19, nextSince: 20 });
    expect(received.map((r) => linesOf(r.body).length)).toEqual([7, 7, 6]);
    for (const r of received) {
      expect(r.headers["content-type"]).toBe("application/x-ndjson");
      expect(r.headers.authorization).toBe("Bearer token-1");
    }
    expect(received[1]?.headers["casefile-first-sequence"]).toBe("7");
    const events = received.flatMap((r) => linesOf(r.body));
    expect(events.map((e) => e.metadata.sequence)).toEqual([...Array(20).keys()]);
    expect(events[0]).toMatchObject({
      class_uid: 6003,
      activity_name: "auth.sign_in",
      actor: { user: { uid: carla.id, name: carla.name } },
      api: { operation: "auth.sign_in" },
      src_endpoint: { ip: "198.51.100.7" },
      status: "Success",
      metadata: { sequence: 0, product: { name: "Casefile" } },
      unmapped: { payload: { method: "password" } },
    });
    expect(events[0]?.unmapped.leaf_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(events[2]).toMatchObject({ status: "Failure", activity_name: "auth.sign_in_failed" });
  });

  it("stops at a refused batch and resumes with --since from there", async () => {
    received.length = 0;
    failures.push(400);
    const failed = await exportSiem(t.db, {
      since: 10,
      sink: httpSink(url, { backoffMs: 10 }),
      logName: TEST_ORIGIN,
      batchSize: 5,
    }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(SiemExportError);
    expect(failed).toMatchObject({ nextSince: 10, sent: 0, message: `${url} answered HTTP 400` });

    const resumed = await exportSiem(t.db, {
      since: (failed as SiemExportError).nextSince,
      sink: httpSink(url),
      logName: TEST_ORIGIN,
      batchSize: 5,
    });
    expect(resumed).toMatchObject({ sent: 10, firstSeq: 10, nextSince: 20 });
    expect(received.flatMap((r) => linesOf(r.body)).map((e) => e.metadata.sequence)).toEqual([
      10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
    ]);
  });
});

describe("npm run siem:export", () => {
  const run = async (...args: string[]) =>
    promisify(execFile)(process.execPath, ["--import", "tsx", "server/cli/siem-export.ts", ...args], {
      env: {
        ...process.env,
        DATABASE_URL: t.url,
        DATABASE_OWNER_URL: t.ownerUrl,
        LEDGER_ORIGIN: TEST_ORIGIN,
        CASEFILE_DATA_DIR: await mkdtemp(path.join(tmpdir(), "casefile-siem-")),
      },
    }).then(
      ({ stderr }) => ({ code: 0, stderr }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );

  it("streams to a URL and to a file, and says where to continue", async () => {
    received.length = 0;
    const posted = await run("--url", url, "--since", "15", "--batch", "2");
    expect(posted).toMatchObject({ code: 0 });
    expect(posted.stderr).toContain("Sent 5 events (sequences 15–19). Continue with --since 20");
    expect(received.map((r) => linesOf(r.body).length)).toEqual([2, 2, 1]);

    const file = path.join(await mkdtemp(path.join(tmpdir(), "casefile-siem-out-")), "ledger.ndjson");
    expect((await run("--out", file)).code).toBe(0);
    const events = linesOf(await readFile(file, "utf8"));
    expect(events).toHaveLength(20);
    expect(events[19]?.metadata).toMatchObject({ sequence: 19, log_name: TEST_ORIGIN });

    const bad = await run("--since", "-1");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--since needs a whole number");
  }, 60_000);

  it("exits 1 when the endpoint refuses, saying where to resume", async () => {
    received.length = 0;
    failures.push(202, 400); // the first batch is taken, the second refused for good
    const stopped = await run("--url", url, "--batch", "5");
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain("resume with --since 5");
  }, 60_000);

  it("writes to a file sink without loss across batches", async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), "casefile-siem-file-")), "out.ndjson");
    await exportSiem(t.db, { since: 0, sink: fileSink(file), logName: TEST_ORIGIN, batchSize: 3 });
    expect(linesOf(await readFile(file, "utf8")).map((e) => e.metadata.sequence)).toEqual([
      ...Array(20).keys(),
    ]);
  });
});
