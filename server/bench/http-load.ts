/**
 * A small closed-loop HTTP load generator: `concurrency` clients on keep-alive connections,
 * each sending its next request when the last answer has been read, for `seconds`.
 */
import { Agent, request } from "node:http";
import { percentile } from "./report";

export type LoadFigures = { requests: number; errors: number; rps: number; p50: number; p99: number };

function get(agent: Agent, url: URL, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      res.on("data", () => {});
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

export async function hammer(
  target: string,
  options: { concurrency: number; seconds: number; warmSeconds?: number; headers?: Record<string, string> },
): Promise<LoadFigures & { firstError: string | null }> {
  const url = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const headers = options.headers ?? {};
  let firstError: string | null = null;
  const run = async (seconds: number) => {
    const latencies: number[] = [];
    let errors = 0;
    const deadline = performance.now() + seconds * 1000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (performance.now() < deadline) {
          const start = performance.now();
          try {
            const status = await get(agent, url, headers);
            if (status === 200) latencies.push(performance.now() - start);
            else {
              errors++;
              firstError ??= `HTTP ${status}`;
            }
          } catch (error) {
            errors++;
            firstError ??= String(error);
          }
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      requests: latencies.length,
      errors,
      rps: latencies.length / elapsed,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
    };
  };
  try {
    if (options.warmSeconds) await run(options.warmSeconds);
    return { ...(await run(options.seconds)), firstError };
  } finally {
    agent.destroy();
  }
}
