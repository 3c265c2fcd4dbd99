import path from "node:path";
import { rm } from "node:fs/promises";
import { ensureDatabase, startEmbeddedPostgres } from "@/db/embedded";
import { env } from "../env";

export type ResolvedDatabase = {
  /** What the application connects with. */
  url: string;
  /** What migrations run with (the schema owner). */
  ownerUrl: string;
  embedded: boolean;
  describe: string;
  stop: () => Promise<void>;
};

/** DATABASE_URL when set; otherwise the embedded PostgreSQL under the data directory. */
export async function resolveDatabase(options: { resetData?: boolean } = {}): Promise<ResolvedDatabase> {
  const config = env();
  if (config.DATABASE_URL) {
    if (options.resetData) throw new Error("--reset-data only applies to the embedded database");
    return {
      url: config.DATABASE_URL,
      ownerUrl: config.DATABASE_OWNER_URL ?? config.DATABASE_URL,
      embedded: false,
      describe: "external PostgreSQL (DATABASE_URL)",
      stop: async () => {},
    };
  }
  const dir = path.resolve(config.CASEFILE_DATA_DIR);
  if (options.resetData) await rm(path.join(dir, "postgres"), { recursive: true, force: true });
  const cluster = await startEmbeddedPostgres({ dir });
  await ensureDatabase(cluster.adminUrl, "casefile");
  const url = cluster.urlFor("casefile");
  return {
    url,
    ownerUrl: url,
    embedded: true,
    describe: `embedded PostgreSQL (${path.join(dir, "postgres")})`,
    stop: cluster.stop,
  };
}
