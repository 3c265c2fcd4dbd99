/**
 * The Casefile command line: `npm run casefile -- <command>` (or `npx casefile`). Talks to a
 * server's REST API with a personal API token. Exit codes: 0 done, 2 denied or refused,
 * 3 expired, 1 any other error.
 */
import { parseArgs } from "node:util";
import { env } from "../env";
import { call, CliError, type Credentials, loadCredentials, saveCredentials } from "./casefile/client";

const USAGE = `Usage: casefile <command> [options] [--json]
  login --url URL --token TOKEN     store a personal API token (file mode 0600)
  cases                             cases you may see
  case show KEY                     one case
  event add --case KEY --title T [--at ISO-TIME] [--description D]
  request ACTION --case KEY --param k=v … --reason R [--minutes N] [--wait]
  run GRANT --case KEY [--param k=v …]   run a granted action (default: the grant's scope)
  grants --case KEY                 your grants in a case
  ledger verify                     check the ledger's latest signed checkpoint`;

type Options = { [k: string]: string | boolean | string[] | undefined };
let asJson = false;

function print(value: unknown, human: () => string): void {
  console.log(asJson ? JSON.stringify(value, null, 2) : human());
}

/** k=v, the value read as JSON where it is JSON (numbers, lists), else as text. */
function paramsOf(items: string[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of items ?? []) {
    const at = item.indexOf("=");
    if (at < 1) throw new CliError(`--param ${item}: expected key=value`, 1);
    const raw = item.slice(at + 1);
    try {
      out[item.slice(0, at)] = JSON.parse(raw) as unknown;
    } catch {
      out[item.slice(0, at)] = raw;
    }
  }
  return out;
}

const need = (value: unknown, what: string): string => {
  if (typeof value !== "string" || !value) throw new CliError(`${what} is required\n${USAGE}`, 1);
  return value;
};
const str = (v: unknown): string =>
  typeof v === "string" || typeof v === "number" || typeof v === "boolean"
    ? String(v)
    : v == null
      ? ""
      : JSON.stringify(v);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Grant = {
  id: string;
  scope: unknown;
  expiresAt: string;
  usesLeft?: number;
  mine?: boolean;
  revokedAt?: string | null;
};
type RequestView = {
  id: string;
  status: string;
  actionKey: string;
  grant?: Grant | null;
  outcomeNote?: string | null;
};

async function waitForDecision(c: Credentials, caseKey: string, requestId: string): Promise<RequestView> {
  for (;;) {
    const { requests } = (await call(c, "GET", `/cases/${encodeURIComponent(caseKey)}/requests`)) as {
      requests: RequestView[];
    };
    const mine = requests.find((r) => r.id === requestId);
    if (!mine) throw new CliError("The request is no longer visible to you", 1);
    if (mine.status !== "pending") return mine;
    await sleep(1000);
  }
}

const EXIT_BY_STATUS: Record<string, number> = {
  approved: 0,
  granted: 0,
  denied: 2,
  cancelled: 2,
  expired: 3,
};

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: "string" },
      token: { type: "string" },
      case: { type: "string" },
      title: { type: "string" },
      at: { type: "string" },
      description: { type: "string" },
      param: { type: "string", multiple: true },
      reason: { type: "string" },
      minutes: { type: "string" },
      wait: { type: "boolean" },
      json: { type: "boolean" },
    },
  });
  const o = values as Options;
  asJson = o.json === true;
  const [command, sub] = positionals;
  if (command === "login") {
    const credentials = { url: need(o.url ?? env().CASEFILE_URL, "--url"), token: need(o.token, "--token") };
    const me = await call(credentials, "GET", "/me");
    const path = await saveCredentials(credentials);
    print(
      { user: me.email, credentials: path },
      () => `Logged in as ${String(me.name)} <${String(me.email)}>; token stored in ${path}`,
    );
    return 0;
  }
  const c = await loadCredentials();
  switch (command) {
    case "cases": {
      const { items } = (await call(c, "GET", "/cases?limit=200")) as { items: Record<string, unknown>[] };
      print(
        items,
        () =>
          items
            .map(
              (k) => `${String(k.key)}  sev ${String(k.severity)}  ${String(k.status)}  ${String(k.title)}`,
            )
            .join("\n") || "No cases.",
      );
      return 0;
    }
    case "case": {
      if (sub !== "show") throw new CliError(USAGE, 1);
      const kase = await call(c, "GET", `/cases/${encodeURIComponent(need(positionals[2], "KEY"))}`);
      print(
        kase,
        () =>
          `${String(kase.key)}  ${String(kase.title)}\nstatus ${String(kase.status)}, severity ${String(kase.severity)}, TLP ${String(kase.tlp)}\n${str(kase.summary)}`,
      );
      return 0;
    }
    case "event": {
      if (sub !== "add") throw new CliError(USAGE, 1);
      const caseKey = need(o.case, "--case");
      const event = await call(c, "POST", `/cases/${encodeURIComponent(caseKey)}/events`, {
        occurredAt: typeof o.at === "string" ? o.at : new Date().toISOString(),
        title: need(o.title, "--title"),
        description: typeof o.description === "string" ? o.description : "",
      });
      print(event, () => `Event added to ${caseKey}`);
      return 0;
    }
    case "request": {
      const caseKey = need(o.case, "--case");
      const created = await call(c, "POST", `/cases/${encodeURIComponent(caseKey)}/requests`, {
        actionKey: need(sub, "ACTION"),
        params: paramsOf(o.param as string[] | undefined),
        justification: need(o.reason, "--reason"),
        minutes: typeof o.minutes === "string" ? Number(o.minutes) : 30,
      });
      const requestId = String(created.id);
      if (!o.wait) {
        print(created, () => `Request ${requestId} is ${str(created.status ?? "pending")}`);
        return 0;
      }
      if (!asJson) console.error(`Request ${requestId} waits for a decision…`);
      const decided = await waitForDecision(c, caseKey, requestId);
      const code = EXIT_BY_STATUS[decided.status] ?? 1;
      print(decided, () =>
        decided.grant
          ? `${decided.status}: grant ${decided.grant.id}\nscope ${JSON.stringify(decided.grant.scope)}\nexpires ${decided.grant.expiresAt}`
          : `${decided.status}${decided.outcomeNote ? `: ${decided.outcomeNote}` : ""}`,
      );
      return code;
    }
    case "run": {
      const caseKey = need(o.case, "--case");
      const grantId = need(sub, "GRANT");
      let params = paramsOf(o.param as string[] | undefined);
      if (Object.keys(params).length === 0) {
        const { requests } = (await call(c, "GET", `/cases/${encodeURIComponent(caseKey)}/requests`)) as {
          requests: RequestView[];
        };
        const grant = requests.find((r) => r.grant?.id === grantId)?.grant;
        if (!grant) throw new CliError(`No grant ${grantId} in ${caseKey}`, 1);
        params = grant.scope as Record<string, unknown>;
      }
      const result = await call(
        c,
        "POST",
        `/cases/${encodeURIComponent(caseKey)}/grants/${grantId}/execute`,
        { params },
      );
      let sha256: string | null = null;
      if (typeof result.evidenceId === "string") {
        const { items } = (await call(
          c,
          "GET",
          `/cases/${encodeURIComponent(caseKey)}/evidence?limit=200`,
        )) as {
          items: { id: string; sha256: string }[];
        };
        sha256 = items.find((e) => e.id === result.evidenceId)?.sha256 ?? null;
      }
      print(
        { ...result, sha256 },
        () =>
          `${String(result.status)}: ${str(result.summary)}${sha256 ? `\nevidence sha256 ${sha256}` : ""}`,
      );
      return result.status === "succeeded" ? 0 : 1;
    }
    case "grants": {
      const caseKey = need(o.case, "--case");
      const { requests } = (await call(c, "GET", `/cases/${encodeURIComponent(caseKey)}/requests`)) as {
        requests: RequestView[];
      };
      const grants = requests.flatMap((r) => (r.grant?.mine ? [{ ...r.grant, actionKey: r.actionKey }] : []));
      print(
        grants,
        () =>
          grants
            .map((g) => `${g.id}  ${g.actionKey}  expires ${g.expiresAt}${g.revokedAt ? " (revoked)" : ""}`)
            .join("\n") || "No grants.",
      );
      return 0;
    }
    case "ledger": {
      if (sub !== "verify") throw new CliError(USAGE, 1);
      const checkpoint = await call(c, "GET", "/ledger/checkpoint");
      const valid = checkpoint.signatureValid === true;
      print(
        checkpoint,
        () =>
          `checkpoint size ${String(checkpoint.size)} root ${String(checkpoint.root)}: signature ${valid ? "valid" : "INVALID"}`,
      );
      return valid ? 0 : 1;
    }
    default:
      console.error(USAGE);
      return command ? 1 : 0;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(error instanceof CliError ? error.exitCode : 1);
  },
);
