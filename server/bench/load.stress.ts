/**
 * The long load test (npm run test:stress): the production build over real HTTP with
 * LOAD_CLIENTS (200) clients for LOAD_SECONDS (60) s. No call may fail, the database and
 * the ledger must hold exactly what the clients were told, and the ledger must verify.
 * Latency and throughput are reported by `npm run bench -- load`, not asserted here.
 */
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { env } from "../env";
import { reconciles, runLoad, startProductionServer } from "./load";

const server = await startProductionServer(path.resolve(env().CASEFILE_DATA_DIR, "stress", "load"));
afterAll(() => server.stop());

it("200 clients for 60 s: no errors, every request and run reconciles with its ledger entry, the ledger verifies", async () => {
  const result = await runLoad(server, {
    clients: Number(process.env.LOAD_CLIENTS ?? 200),
    seconds: Number(process.env.LOAD_SECONDS ?? 60),
  });
  expect([...new Set(result.errors)].slice(0, 5)).toEqual([]);
  expect(result.created).toBeGreaterThan(0);
  expect(result.executed).toBeGreaterThan(0);
  expect(result.stored).toEqual({
    requests: result.created,
    created: result.created,
    executions: result.executed,
    started: result.executed,
  });
  expect(reconciles(result)).toBe(true);
  expect(result.ledger.problems).toEqual([]);
  expect(result.ledger.ok).toBe(true);
});
