import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { ROUTES } from "@/server/api/routes";
import { requireUser } from "@/server/auth/current-user";

export const metadata: Metadata = { title: "API reference" };

/** The REST API at a glance; the OpenAPI document has every field. */
export default async function ApiReferencePage() {
  await requireUser("/api-reference");
  return (
    <>
      <PageHeader
        title="API reference"
        description="The REST API under /api/v1 acts with an API token (create one under Your account), narrowed to its scopes. Errors are problem+json naming the field; lists page by cursor; POSTs take an Idempotency-Key."
      />
      <p className="mt-4 text-sm">
        OpenAPI 3.1 document:{" "}
        <a className="text-sky-700 underline" href="/api/v1/openapi.json">
          /api/v1/openapi.json
        </a>
      </p>
      <table className="mt-4 w-full text-left text-sm" aria-label="API routes">
        <thead className="text-xs text-slate-500">
          <tr>
            <th className="py-2">Route</th>
            <th>What it does</th>
            <th>Token scope</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {[
            ...ROUTES,
            { method: "POST", path: "/alerts", summary: "Take in an alert", scopes: ["events:ingest"] },
          ].map((r) => (
            <tr key={`${r.method} ${r.path}`}>
              <td className="py-2 font-mono text-xs">
                {r.method} /api/v1{r.path}
              </td>
              <td>{r.summary}</td>
              <td className="font-mono text-xs">{r.scopes === "any" ? "any" : r.scopes.join(" or ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
