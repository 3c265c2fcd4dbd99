import "server-only";
import { z } from "zod";
import { ROLES } from "@/db/schema/users";
import { parseCidr, type Cidr } from "./http/client-address";
import { parseAllowList } from "./connectors/allow-list";

// The only module that reads process.env. Empty strings count as unset, so a
// variable can be cleared for a child process (the e2e server does this).
const blank = (v: unknown) => (v === "" ? undefined : v);
const optionalString = z.preprocess(blank, z.string().optional());

/** "a=x,b=y,a=z" → [["a","x"],["b","y"],["a","z"]]: a key may repeat. */
const pairs = (v: string) =>
  v
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const at = item.lastIndexOf("=");
      return [item.slice(0, at).trim(), item.slice(at + 1).trim()] as const;
    });
const pairString = z
  .string()
  .default("")
  .refine((v) => pairs(v).every(([k]) => k.length > 0), "expected group=value pairs, comma-separated")
  .transform(pairs);

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    /** Connection URL the application uses. Unset: the embedded PostgreSQL is started. */
    DATABASE_URL: optionalString,
    /** Connection URL with rights to run migrations; defaults to DATABASE_URL. */
    DATABASE_OWNER_URL: optionalString,
    /** Secret that signs session tokens. Unset: generated once into the data directory. */
    AUTH_SECRET: z.preprocess(
      blank,
      z.string().min(32, "AUTH_SECRET must be at least 32 characters").optional(),
    ),
    NEXTAUTH_URL: optionalString,
    PORT: z.preprocess(blank, z.coerce.number().int().min(1).max(65535).default(3000)),
    /** Interface the web server listens on; 0.0.0.0 to accept connections from other machines. */
    BIND_ADDRESS: z.preprocess(blank, z.string().default("127.0.0.1")),
    /**
     * Reverse proxies whose X-Forwarded-For is believed (comma-separated CIDRs or addresses,
     * e.g. "10.0.0.0/8,::1"). Unset: none, and the client address is the connection's peer.
     */
    CASEFILE_TRUSTED_PROXIES: z
      .string()
      .default("")
      .transform((v, ctx) => {
        const cidrs: Cidr[] = [];
        for (const item of v
          .split(",")
          .map((i) => i.trim())
          .filter(Boolean)) {
          const cidr = parseCidr(item);
          if (cidr) cidrs.push(cidr);
          else ctx.addIssue({ code: "custom", message: `not an address or CIDR: ${item.slice(0, 60)}` });
        }
        return cidrs;
      }),
    /** Where the embedded database, the generated auth secret and other local state live. */
    CASEFILE_DATA_DIR: z.preprocess(blank, z.string().default(".data")),
    /** Where the background work runs: in the server process, or only in `npm run worker` processes. */
    CASEFILE_WORKERS: z.preprocess(blank, z.enum(["in-process", "separate"]).default("in-process")),
    /** Started as root: where the embedded PostgreSQL's binaries and data live (reachable by its system user). */
    CASEFILE_SYSTEM_DIR: z.preprocess(blank, z.string().default("/var/lib/casefile")),
    /** Seed the demo organisation on first start: auto = only on the embedded database. */
    CASEFILE_SEED_DEMO: z.preprocess(blank, z.enum(["auto", "true", "false"]).default("auto")),
    /** Password given to every demo account. Demo use only. */
    CASEFILE_DEMO_PASSWORD: z.preprocess(blank, z.string().min(8).default("casefile-demo")),
    /** Connection URL for the ledger integrator (a login in the casefile_ledger role). */
    LEDGER_DATABASE_URL: optionalString,
    /** Origin line of signed checkpoints: names this ledger. */
    LEDGER_ORIGIN: z.preprocess(
      blank,
      z.string().regex(/^\S+$/, "no spaces").default("casefile.localhost/ledger"),
    ),
    /** Checkpoint signing key (PRIVATE+KEY+… text). Default: <data dir>/ledger/signing-key, created once. */
    LEDGER_SIGNING_KEY_FILE: optionalString,
    /** Directory outside the database that receives a copy of every checkpoint. */
    LEDGER_CHECKPOINT_DIR: optionalString,
    /** Integration lag (age of the oldest entry waiting in the inbox) above which health says degraded and a finding opens. */
    LEDGER_LAG_ALERT_SECONDS: z.preprocess(blank, z.coerce.number().int().min(1).default(60)),
    /** Trusted verifier key for ledger:verify; default: derived from the signing key file. */
    LEDGER_VERIFIER_KEY: optionalString,
    /**
     * Witnesses that cosign checkpoints, comma-separated, each `<add-checkpoint URL> <witness verifier key>`
     * (or the key alone, to check cosignatures without asking that witness).
     */
    CASEFILE_WITNESSES: optionalString,
    /** Cosignatures a checkpoint needs; default: every configured witness. */
    CASEFILE_WITNESS_QUORUM: z.preprocess(blank, z.coerce.number().int().min(1).optional()),
    /** IANA time zone of the organisation: business hours are counted in it. */
    CASEFILE_TIMEZONE: z.preprocess(
      blank,
      z
        .string()
        .refine((tz) => {
          try {
            new Intl.DateTimeFormat("en", { timeZone: tz });
            return true;
          } catch {
            return false;
          }
        }, "not a known IANA time zone")
        .default("UTC"),
    ),
    /** Minutes a request waits for its decision before it expires. */
    CASEFILE_REQUEST_TTL_MINUTES: z.preprocess(blank, z.coerce.number().int().min(1).max(10080).default(60)),
    /** Slack-compatible incoming-webhook URL told of new requests, decisions and break-glass. */
    CASEFILE_NOTIFY_WEBHOOK_URL: z.preprocess(blank, z.url().optional()),
    /** Mail server for notifications, e.g. smtp://user:pass@mail.corp:587 or smtps://…:465. Unset: no mail is sent (the notifications page still lists them). */
    CASEFILE_SMTP_URL: z.preprocess(blank, z.url().optional()),
    /** The From address of notification mail. */
    CASEFILE_MAIL_FROM: z.preprocess(blank, z.string().default("Casefile <casefile@localhost>")),
    /** The address people reach Casefile at, for links in mail and chat; default: NEXTAUTH_URL, else http://localhost:PORT. */
    CASEFILE_PUBLIC_URL: z.preprocess(blank, z.url().optional()),
    /** Slack-compatible incoming webhook that receives interactive approval messages (Approve / Deny / Open). */
    CASEFILE_CHAT_WEBHOOK_URL: z.preprocess(blank, z.url().optional()),
    /** The chat app's signing secret: interactions (button presses) are verified with it. Unset: the endpoint refuses all. */
    CASEFILE_CHAT_SIGNING_SECRET: optionalString,
    /** Roles that must set up a second factor before they can do anything else (comma-separated, e.g. "approver,admin"). */
    CASEFILE_REQUIRE_SECOND_FACTOR: z.preprocess(
      blank,
      z
        .string()
        .default("")
        .transform((v) =>
          v
            .split(",")
            .map((r) => r.trim())
            .filter(Boolean),
        )
        .pipe(z.array(z.enum(ROLES))),
    ),
    /** Single sign-on: the OpenID Connect issuer URL (discovery at /.well-known/openid-configuration). */
    CASEFILE_OIDC_ISSUER: z.preprocess(blank, z.url().optional()),
    CASEFILE_OIDC_CLIENT_ID: optionalString,
    CASEFILE_OIDC_CLIENT_SECRET: optionalString,
    /** Shown on the button: "Sign in with <name>". */
    CASEFILE_OIDC_NAME: z.preprocess(blank, z.string().max(60).default("SSO")),
    CASEFILE_OIDC_SCOPE: z.preprocess(blank, z.string().default("openid email profile")),
    /** The ID token claim that lists the person's groups. */
    CASEFILE_OIDC_GROUPS_CLAIM: z.preprocess(blank, z.string().default("groups")),
    /** "soc-analysts=investigator,soc-leads=approver": roles given by groups, set at every SSO sign-in. */
    CASEFILE_OIDC_GROUP_ROLES: z.preprocess(
      blank,
      pairString.pipe(z.array(z.tuple([z.string(), z.enum(ROLES)]).readonly())),
    ),
    /** "soc-leads=4,soc-analysts=2": optional; when set, clearance is the highest of the person's groups (else 1). */
    CASEFILE_OIDC_GROUP_CLEARANCE: z.preprocess(
      blank,
      pairString.pipe(
        z.array(
          z.tuple([z.string(), z.string().transform(Number).pipe(z.number().int().min(1).max(4))]).readonly(),
        ),
      ),
    ),
    /** false: email/password sign-in is refused (and its form hidden); use with SSO. */
    CASEFILE_PASSWORD_SIGN_IN: z.preprocess(blank, z.enum(["true", "false"]).default("true")),
    /** 32 random bytes (base64url) that seal connector secrets. Unset: generated once into the data directory. */
    CASEFILE_CONNECTOR_KEY: optionalString,
    /**
     * Internal systems connectors and notification webhooks may reach despite the
     * deny-list (loopback, link-local, metadata, private ranges): CIDRs, addresses or
     * host names, comma-separated, e.g. "10.20.0.0/16,evidence.corp.internal".
     */
    CASEFILE_CONNECTOR_ALLOW: z.preprocess(
      blank,
      z
        .string()
        .superRefine((v, ctx) => {
          const parsed = parseAllowList(v);
          if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.error });
        })
        .optional(),
    ),
    /** API tokens: the longest expiry (days) anyone may give a token; the default is 30 days or this, if lower. */
    CASEFILE_API_TOKEN_MAX_DAYS: z.preprocess(blank, z.coerce.number().int().min(1).max(3650).default(90)),
    /** REST API: requests each token (or alert source) may make per minute before 429. */
    CASEFILE_API_RATE_PER_MINUTE: z.preprocess(
      blank,
      z.coerce.number().int().min(1).max(100_000).default(600),
    ),
    /**
     * Alert intake over signed webhooks: "source=secret@account", comma-separated; an alert signed
     * with the source's secret is taken in as that (service) account, e.g. "siem=<32+ chars>@svc-siem@corp.example".
     */
    CASEFILE_ALERT_SOURCES: z.preprocess(blank, pairString),
    /** The CLI: the Casefile server it talks to, and where it keeps the token `login` stored. */
    CASEFILE_URL: optionalString,
    CASEFILE_CREDENTIALS_FILE: optionalString,
    /** Demo: rows of background activity in the embedded evidence store. */
    CASEFILE_DEMO_EVIDENCE_ROWS: z.preprocess(
      blank,
      z.coerce.number().int().min(0).max(20_000_000).default(1_000_000),
    ),
    CI: optionalString,
  })
  .refine(
    (e) =>
      [e.CASEFILE_OIDC_ISSUER, e.CASEFILE_OIDC_CLIENT_ID, e.CASEFILE_OIDC_CLIENT_SECRET].every(
        (v) => v === undefined,
      ) ||
      [e.CASEFILE_OIDC_ISSUER, e.CASEFILE_OIDC_CLIENT_ID, e.CASEFILE_OIDC_CLIENT_SECRET].every(
        (v) => v !== undefined,
      ),
    {
      path: ["CASEFILE_OIDC_ISSUER"],
      message: "set CASEFILE_OIDC_ISSUER, CASEFILE_OIDC_CLIENT_ID and CASEFILE_OIDC_CLIENT_SECRET together",
    },
  )
  .refine((e) => e.CASEFILE_PASSWORD_SIGN_IN === "true" || e.CASEFILE_OIDC_ISSUER !== undefined, {
    path: ["CASEFILE_PASSWORD_SIGN_IN"],
    message: "password sign-in can only be turned off when single sign-on is configured",
  });

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

export function env(): Env {
  if (!cached) {
    const parsed = schema.safeParse(process.env);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
      throw new Error(`Invalid environment:\n${problems}`);
    }
    cached = parsed.data;
  }
  return cached;
}

/** The environment for a child process: this one's, with overrides. */
export function childEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}
