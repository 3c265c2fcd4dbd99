import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, inject } from "vitest";
import { type DemoSystemNames, setUpDemoSystems } from "../demo/system-databases";

/**
 * An evidence store and a target database for one test file, on the test server,
 * with roles of their own (roles are cluster-wide, so their names are unique too).
 * `admin` connects to the server as superuser, to look at what the actions did.
 */
export async function testSystems(backgroundRows = 2000) {
  const adminUrl = inject("pgAdminUrl");
  const suffix = randomBytes(4).toString("hex");
  const names: DemoSystemNames = {
    evidenceDb: `evidence_${suffix}`,
    targetDb: `customers_${suffix}`,
    suspectRole: `support_readonly_${suffix}`,
    readerRole: `evidence_reader_${suffix}`,
    responderRole: `responder_${suffix}`,
  };
  const passwords = { reader: "reader-pw", responder: "responder-pw", suspect: "suspect-pw" };
  const systems = await setUpDemoSystems(adminUrl, { names, passwords, backgroundRows });
  const at = (db: string) => {
    const url = new URL(adminUrl);
    url.pathname = `/${db}`;
    return url.toString();
  };
  const evidenceAdmin = postgres(at(names.evidenceDb), { max: 1, onnotice: () => {} });
  const targetAdmin = postgres(at(names.targetDb), { max: 2, onnotice: () => {} });
  afterAll(async () => {
    await Promise.all([evidenceAdmin.end(), targetAdmin.end()]);
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${names.evidenceDb} with (force)`);
    await admin.unsafe(`drop database if exists ${names.targetDb} with (force)`);
    for (const role of [names.responderRole, names.readerRole, names.suspectRole])
      await admin.unsafe(`drop role if exists ${role}`);
    await admin.end();
  });
  return { ...systems, names, evidenceAdmin, targetAdmin };
}
