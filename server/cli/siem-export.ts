/**
 * npm run siem:export -- [--since SEQ] [--out FILE | --url URL] [--batch N] [--header "Name: value"]…
 *
 * Streams the ledger from sequence SEQ (inclusive, default 0) as OCSF-like JSON lines: appended to
 * FILE, POSTed in batches to URL (application/x-ndjson), or written to stdout. Status goes to stderr,
 * ending with the --since value that continues where the run stopped.
 */
import { createDb } from "@/db/client";
import { ledgerConfig } from "../ledger/config";
import { exportSiem, fileSink, httpSink, SiemExportError } from "../siem/export";
import { openDatabase } from "./database";

const USAGE =
  'usage: npm run siem:export -- [--since SEQ] [--out FILE | --url URL] [--batch N] [--header "Name: value"]';

type Args = {
  since: number;
  out: string | null;
  url: string | null;
  batch: number;
  headers: Record<string, string>;
};

function parseArgs(argv: string[]): Args {
  const args: Args = { since: 0, out: null, url: null, batch: 500, headers: {} };
  const count = (flag: string, value: string | undefined, min: number) => {
    if (!value || !/^\d{1,15}$/.test(value) || Number(value) < min) {
      throw new Error(`${flag} needs a whole number of at least ${min}`);
    }
    return Number(value);
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    i++;
    if (flag === "--since") args.since = count(flag, value, 0);
    else if (flag === "--batch") args.batch = count(flag, value, 1);
    else if (flag === "--out" && value) args.out = value;
    else if (flag === "--url" && value && /^https?:\/\//.test(value)) args.url = value;
    else if (flag === "--header" && value?.includes(":")) {
      const at = value.indexOf(":");
      args.headers[value.slice(0, at).trim()] = value.slice(at + 1).trim();
    } else throw new Error(`unexpected ${flag ?? ""} ${value ?? ""}`.trim());
  }
  if (args.out && args.url) throw new Error("choose --out or --url, not both");
  return args;
}

async function main() {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`siem:export: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
  const database = await openDatabase();
  const { db, close } = createDb(database.url, { max: 1 });
  const sink = args.url ? httpSink(args.url, { headers: args.headers }) : fileSink(args.out ?? "-");
  try {
    const result = await exportSiem(db, {
      since: args.since,
      sink,
      logName: ledgerConfig().origin,
      batchSize: args.batch,
    });
    const range = result.sent ? ` (sequences ${result.firstSeq}–${result.lastSeq})` : "";
    console.error(`Sent ${result.sent} events${range}. Continue with --since ${result.nextSince}`);
  } catch (error) {
    if (!(error instanceof SiemExportError)) throw error;
    console.error(`siem:export: stopped after ${error.sent} events: ${error.message}`);
    console.error(
      `Everything before sequence ${error.nextSince} was delivered; resume with --since ${error.nextSince}`,
    );
    process.exitCode = 1;
  } finally {
    await close();
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`siem:export: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
