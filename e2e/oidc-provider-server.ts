/**
 * The test identity provider as a process of its own, for the browser tests (Playwright's
 * webServer starts it beside the app): `tsx e2e/oidc-provider-server.ts <port> <redirect URI>`.
 */
import { startOidcProvider } from "@/server/testing/oidc-provider";

const [port = "3101", redirectUri = "http://localhost:3100/api/auth/callback/oidc"] = process.argv.slice(2);
const idp = await startOidcProvider({ port: Number(port), redirectUris: [redirectUri] });
console.log(`Test identity provider at ${idp.issuer}`);
const stop = () => void idp.stop().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
