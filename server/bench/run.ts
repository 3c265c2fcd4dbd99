/**
 * npm run bench [-- SECTION...]   runs benchmark sections, prints their figures
 * and writes a markdown report to <data dir>/bench/latest.md.
 */
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { env } from "../env";
import { approvalsBench } from "./approvals";
import { casesBench } from "./cases";
import { complianceBench } from "./compliance";
import { ledgerBench } from "./ledger";
import { loadBench } from "./load";
import { webBench } from "./web";
import { webTierBench } from "./web-tier";
import { type Figure, markdownReport, met, printFigure } from "./report";

type Section = (context: { dataDir: string; log: (line: string) => void }) => Promise<Figure[]>;
const SECTIONS: Record<string, Section> = {
  ledger: ledgerBench,
  cases: casesBench,
  approvals: approvalsBench,
  compliance: complianceBench,
  load: loadBench,
  web: webBench,
  "web-tier": webTierBench,
};

const requested = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const unknown = requested.filter((name) => !(name in SECTIONS));
if (unknown.length) {
  console.error(`unknown section(s): ${unknown.join(", ")}; available: ${Object.keys(SECTIONS).join(", ")}`);
  process.exit(2);
}
const dataDir = path.resolve(env().CASEFILE_DATA_DIR, "bench");
await mkdir(dataDir, { recursive: true });

const figures: Figure[] = [];
for (const name of requested.length ? requested : Object.keys(SECTIONS)) {
  console.log(`\n== ${name}`);
  const section = SECTIONS[name];
  if (!section) continue;
  const results = await section({ dataDir, log: (line) => console.log(line) });
  results.forEach(printFigure);
  figures.push(...results);
}

const cpus = os.cpus();
const context = [
  `run ${new Date().toISOString()}`,
  `${cpus.length} × ${cpus[0]?.model ?? "CPU"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
];
const report = path.join(dataDir, "latest.md");
await writeFile(report, markdownReport(figures, context));
const targets = figures.filter((f) => f.target);
console.log(
  `\n${targets.filter((f) => met(f)).length} of ${targets.length} targets met; report: ${path.relative(process.cwd(), report)}`,
);
