/**
 * Web performance of three screens: first-load JavaScript per route, from the
 * production build's manifests (gzip sizes), and load timings in Chromium against
 * the production server on localhost.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "@playwright/test";
import { startProductionServer } from "./load";
import type { Figure } from "./report";

const ROUTES = [
  { name: "Case workspace", segment: "(console)/cases/[key]", url: (key: string) => `/cases/${key}` },
  { name: "Approval queue", segment: "(console)/approvals", url: () => "/approvals" },
  { name: "Compliance dashboard", segment: "(console)/compliance", url: () => "/compliance" },
] as const;

/** The chunks a first visit to the route loads: the root main files and the entries of its layouts and page. */
async function firstLoadKb(segment: string): Promise<number> {
  const dir = path.join(".next", "server", "app", segment);
  const build = JSON.parse(await readFile(path.join(dir, "page", "build-manifest.json"), "utf8")) as {
    rootMainFiles: string[];
  };
  const manifest = await readFile(path.join(dir, "page_client-reference-manifest.js"), "utf8");
  const entries = JSON.parse(/"entryJSFiles":(\{[^}]*\})/.exec(manifest)?.[1] ?? "{}") as Record<
    string,
    string[]
  >;
  const wanted = ["[project]/app/layout", "[project]/app/(console)/layout", `[project]/app/${segment}/page`];
  const files = new Set([...build.rootMainFiles, ...wanted.flatMap((k) => entries[k] ?? [])]);
  let bytes = 0;
  for (const file of files) bytes += gzipSync(await readFile(path.join(".next", file))).length;
  return bytes / 1024;
}

export async function webBench({
  dataDir,
  log,
}: {
  dataDir: string;
  log: (line: string) => void;
}): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const route of ROUTES) {
    figures.push({
      section: "web",
      name: `${route.name}: first-load JS (gzip)`,
      value: Math.round((await firstLoadKb(route.segment)) * 10) / 10,
      unit: "kB",
      target: { op: "<=", value: 250 },
    });
  }
  const { base, stop } = await startProductionServer(path.join(dataDir, "web"));
  const browser = await chromium.launch(
    existsSync("/usr/bin/chromium")
      ? { executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--no-first-run"] }
      : {},
  );
  try {
    for (const route of ROUTES) {
      const page = await browser.newPage({ baseURL: base });
      const email =
        route.name === "Approval queue"
          ? "priya.raman"
          : route.name.startsWith("Compliance")
            ? "carla.nguyen"
            : "ines.ortega";
      const { csrfToken } = (await (await page.request.get("/api/auth/csrf")).json()) as {
        csrfToken: string;
      };
      await page.request.post("/api/auth/callback/credentials", {
        form: { csrfToken, email: `${email}@casefile.demo`, password: "casefile-demo", json: "true" },
      });
      let url: string = route.url("");
      if (route.name === "Case workspace") {
        await page.goto("/cases");
        url =
          (await page
            .getByRole("row")
            .filter({ hasText: "northwind" })
            .first()
            .getByRole("link")
            .first()
            .getAttribute("href")) ?? "/cases";
      }
      await page.goto(url, { waitUntil: "networkidle" }); // warm the server's caches once
      const samples: { interactive: number; idle: number }[] = [];
      for (let i = 0; i < 5; i++) {
        const started = Date.now();
        await page.goto(url, { waitUntil: "networkidle" });
        const idle = Date.now() - started;
        const interactive = await page.evaluate(() => {
          const nav = performance.getEntriesByType("navigation")[0] as
            PerformanceNavigationTiming | undefined;
          return nav ? nav.domInteractive : NaN;
        });
        samples.push({ interactive, idle });
      }
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
      figures.push({
        section: "web",
        name: `${route.name}: DOM interactive (median of 5)`,
        value: Math.round(median(samples.map((s) => s.interactive))),
        unit: "ms",
        note: `network idle after ${Math.round(median(samples.map((s) => s.idle)))} ms`,
      });
      log(`  ${route.name}: ${url}`);
      await page.close();
    }
  } finally {
    await browser.close();
    await stop();
  }
  return figures;
}
