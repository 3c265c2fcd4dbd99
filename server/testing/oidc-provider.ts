/**
 * A real OpenID Connect provider for tests (panva's oidc-provider), on localhost: one static
 * confidential client, test accounts with groups, the library's in-memory adapter, and a tiny
 * login page (type a test account's name; no password — it is a test identity provider).
 * Accounts are a mutable map, so a test can change someone's groups between two sign-ins.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import Provider from "oidc-provider";
import { TEST_CLIENT } from "./oidc-client";

export type TestAccount = {
  sub: string;
  email: string;
  /** Left out of the claims when undefined (some providers never send it). */
  emailVerified?: boolean;
  name: string;
  groups: string[];
  /** Authentication methods the provider asserts (RFC 8176), e.g. ["pwd"] or ["pwd", "mfa"]. */
  amr: string[];
};

export function defaultAccounts(): Map<string, TestAccount> {
  const list: TestAccount[] = [
    {
      sub: "u-alice",
      email: "alice@sso.example",
      emailVerified: true,
      name: "Alice Analyst",
      groups: ["soc-analysts"],
      amr: ["pwd"],
    },
    {
      sub: "u-lee",
      email: "lee@sso.example",
      emailVerified: true,
      name: "Lee Lead",
      groups: ["soc-leads", "soc-analysts"],
      amr: ["pwd", "mfa"],
    },
    {
      sub: "u-nobody",
      email: "nobody@sso.example",
      emailVerified: true,
      name: "No Groups",
      groups: ["marketing"],
      amr: ["pwd"],
    },
  ];
  return new Map(list.map((a) => [a.sub.slice(2), a]));
}

const body = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
};

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startOidcProvider(options: {
  port: number;
  redirectUris: string[];
  accounts?: Map<string, TestAccount>;
}): Promise<{ issuer: string; accounts: Map<string, TestAccount>; stop: () => Promise<void> }> {
  // Listening first, so port 0 (any free port) can name the issuer.
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  const server: Server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", resolve);
  });
  const address = server.address();
  const port = address && typeof address === "object" ? address.port : options.port;
  const issuer = `http://127.0.0.1:${port}`;
  const accounts = options.accounts ?? defaultAccounts();
  const bySub = (sub: string) => [...accounts.values()].find((a) => a.sub === sub);
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT.clientId,
        client_secret: TEST_CLIENT.clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: "jwk" }), kid: "test", use: "sig", alg: "RS256" }] },
    cookies: { keys: [randomBytes(16).toString("hex")] },
    // Groups and amr go in the ID token, as enterprise identity providers are set up to do.
    conformIdTokenClaims: false,
    claims: {
      openid: ["sub", "amr", "auth_time"],
      email: ["email", "email_verified"],
      profile: ["name", "groups"],
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      const account = bySub(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          email: account.email,
          ...(account.emailVerified === undefined ? {} : { email_verified: account.emailVerified }),
          name: account.name,
          groups: account.groups,
        }),
      };
    },
  });
  provider.proxy = false;
  const callback = provider.callback();

  handle = (req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    const match = /^\/interaction\/([\w-]+)$/.exec(url.pathname);
    if (!match) {
      void callback(req, res);
      return;
    }
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        if (req.method === "GET") {
          res.setHeader("content-type", "text/html; charset=utf-8");
          res.end(`<!doctype html><title>Test identity provider</title><h1>Test identity provider</h1>
<form method="post" action="/interaction/${escape(details.uid)}">
<label>Username <input name="login" autofocus></label>
<button type="submit">Continue</button></form>`);
          return;
        }
        const login = (await body(req)).get("login") ?? "";
        const account = accounts.get(login);
        if (!account) {
          res.statusCode = 401;
          res.setHeader("content-type", "text/html; charset=utf-8");
          res.end(`<p>Unknown test account ${escape(login)}</p>`);
          return;
        }
        // Consent is implied: a test provider grants every scope and claim the client asked for.
        const grant = new provider.Grant({ accountId: account.sub, clientId: TEST_CLIENT.clientId });
        const scope = details.params.scope;
        grant.addOIDCScope(typeof scope === "string" ? scope : "openid");
        grant.addOIDCClaims(["groups"]);
        const grantId = await grant.save();
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: account.sub, amr: account.amr }, consent: { grantId } },
          { mergeWithLastSubmission: false },
        );
      } catch (error) {
        res.statusCode = 400;
        res.end(error instanceof Error ? error.message : "interaction failed");
      }
    })();
  };
  return {
    issuer,
    accounts,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
