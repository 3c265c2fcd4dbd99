/**
 * npm run ledger:witness -- --log LOG_VERIFIER_KEY [--log …] [--name NAME] [--port 7380]
 *     [--bind 127.0.0.1] [--key-file FILE] [--state FILE]
 *
 * A witness for one or more ledgers (C2SP tlog-witness), meant for another machine
 * than the app: it cosigns a checkpoint only when it is consistent with the last one
 * it cosigned. Its key is created on first start (named NAME); it prints the
 * verifier key to put in the app's CASEFILE_WITNESSES.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { env } from "../env";
import { parseVerifierKey, type Verifier } from "../ledger/checkpoint";
import { generateWitnessKey, parseWitnessSigner } from "../ledger/cosignature";
import { createWitness } from "../ledger/witness";

const args = process.argv.slice(2);
const values = (name: string) =>
  args.flatMap((a, i) => (a === name && args[i + 1] ? [args[i + 1] ?? ""] : []));
const option = (name: string) => values(name)[0];

async function main() {
  const dir = path.resolve(env().CASEFILE_DATA_DIR, "witness");
  const keyFile = path.resolve(option("--key-file") ?? path.join(dir, "witness-key"));
  const stateFile = path.resolve(option("--state") ?? path.join(dir, "state.json"));
  const port = Number(option("--port") ?? 7380);
  const bind = option("--bind") ?? "127.0.0.1";
  const logs = new Map<string, Verifier>();
  for (const vkey of values("--log")) {
    const verifier = parseVerifierKey(vkey);
    logs.set(verifier.name, verifier); // a log's key is named by its origin
  }
  if (!logs.size) throw new Error("name at least one log to witness: --log '<origin>+<hash>+<key>'");
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port ${option("--port")} is not a port`);
  if (!existsSync(keyFile)) {
    const name = option("--name");
    if (!name)
      throw new Error(
        `no witness key at ${keyFile}: give --name (e.g. witness.example.org/w1) to create one`,
      );
    await mkdir(path.dirname(keyFile), { recursive: true });
    await writeFile(keyFile, generateWitnessKey(name) + "\n", { mode: 0o600 });
  }
  await mkdir(path.dirname(stateFile), { recursive: true });
  const signer = parseWitnessSigner((await readFile(keyFile, "utf8")).trim());
  const server = createWitness({ signer, logs, stateFile, log: (m) => console.error(m) });
  server.listen(port, bind, () => {
    const address = server.address();
    const actual = typeof address === "object" && address ? address.port : port;
    console.log(`witness ${signer.name} listening on http://${bind}:${actual}/add-checkpoint`);
    console.log(`witnessing: ${[...logs.keys()].join(", ")}`);
    console.log(`verifier key: ${signer.verifierKey}`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(`ledger:witness: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
