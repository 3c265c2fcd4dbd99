import type { Metadata } from "next";
import { CaseWorkspace, type WorkspaceTab } from "@/components/cases/case-workspace";
import { requireSection } from "@/server/auth/current-user";
import { fetchOrNotFound, HydrateClient, prefetch, trpc } from "@/server/trpc/rsc";

type Props = {
  params: Promise<{ key: string }>;
  searchParams: Promise<{ tab?: string; entity?: string; trigger?: string }>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeURIComponent((await params).key) };
}

const UUID = /^[0-9a-f-]{36}$/i;
const TABS: WorkspaceTab[] = ["timeline", "actions", "entities", "evidence", "notes", "members"];

export default async function CasePage({ params, searchParams }: Props) {
  const { key } = await params;
  await requireSection("cases", `/cases/${key}`);
  const { tab, entity, trigger } = await searchParams;
  // NOT_FOUND for a case that does not exist and for one the user may not see alike.
  const found = await fetchOrNotFound(trpc.cases.byKey.queryOptions({ key: decodeURIComponent(key) }));
  const current = TABS.find((t) => t === tab) ?? "timeline";
  // What the tab suspends on, fetched here so the server renders it instead of the client fetching.
  const caseId = found.id;
  if (current === "timeline" || current === "entities")
    prefetch(trpc.cases.entities.list.queryOptions({ caseId }));
  if (current === "actions") {
    prefetch(trpc.requests.ofCase.queryOptions({ caseId }));
    prefetch(trpc.requests.catalogue.queryOptions());
  }
  if (current === "evidence") prefetch(trpc.cases.evidence.list.queryOptions({ caseId }));
  if (current === "notes") prefetch(trpc.cases.notes.list.queryOptions({ caseId }));
  if (current === "members") prefetch(trpc.cases.members.list.queryOptions({ caseId }));
  return (
    <HydrateClient>
      <CaseWorkspace
        caseKey={found.key}
        tab={current}
        entityId={entity && UUID.test(entity) ? entity : null}
        trigger={trigger && UUID.test(trigger) ? trigger : null}
      />
    </HydrateClient>
  );
}
