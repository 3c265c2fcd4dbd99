"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/components/trpc/client";
import { CaseHeader } from "./case-header";
import { EntitiesPanel } from "./entities-panel";
import { EvidencePanel } from "./evidence-panel";
import { MembersPanel } from "./members-panel";
import { NotesPanel } from "./notes-panel";
import { TimelineView } from "@/components/timeline/timeline-view";
import { CaseRequests } from "@/components/approvals/case-requests";
import { RequestForm } from "@/components/approvals/request-form";
import { useLiveRequests } from "@/components/approvals/use-live";

export type WorkspaceTab = "timeline" | "actions" | "entities" | "evidence" | "notes" | "members";

const TAB_LABELS: Record<WorkspaceTab, string> = {
  timeline: "Timeline",
  actions: "Actions",
  entities: "Entities",
  evidence: "Evidence",
  notes: "Notes",
  members: "Members",
};

export function CaseWorkspace({
  caseKey,
  tab,
  entityId,
  trigger,
}: {
  caseKey: string;
  tab: WorkspaceTab;
  entityId: string | null;
  trigger: string | null;
}) {
  const trpc = useTRPC();
  useLiveRequests();
  const { data: c } = useSuspenseQuery(trpc.cases.byKey.queryOptions({ key: caseKey }));
  const canWrite = c.myAccess === "write";

  return (
    <>
      <CaseHeader caseData={c} />
      <nav aria-label="Case sections" className="mt-4 flex gap-1 overflow-x-auto border-b border-slate-200">
        {(Object.keys(TAB_LABELS) as WorkspaceTab[]).map((t) => (
          <Link
            key={t}
            href={`/cases/${c.key}?tab=${t}`}
            aria-current={t === tab ? "page" : undefined}
            className={`-mb-px shrink-0 whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium ${
              t === tab
                ? "border-slate-900 text-slate-900"
                : "border-transparent text-slate-500 hover:text-slate-800"
            }`}
          >
            {TAB_LABELS[t]}
          </Link>
        ))}
        {!canWrite ? (
          <span className="ml-auto self-center rounded bg-slate-100 px-2 py-0.5 text-xs text-slate-600">
            Read-only access
          </span>
        ) : null}
      </nav>
      <div className="mt-4">
        {tab === "timeline" ? (
          <TimelineView caseId={c.id} caseKey={c.key} canWrite={canWrite} entityId={entityId} />
        ) : null}
        {tab === "actions" ? (
          <div className="grid gap-4 lg:grid-cols-2">
            {canWrite ? <RequestForm caseId={c.id} trigger={trigger} /> : null}
            <CaseRequests caseId={c.id} canWrite={canWrite} />
          </div>
        ) : null}
        {tab === "entities" ? <EntitiesPanel caseId={c.id} caseKey={c.key} canWrite={canWrite} /> : null}
        {tab === "evidence" ? <EvidencePanel caseId={c.id} canWrite={canWrite} /> : null}
        {tab === "notes" ? <NotesPanel caseId={c.id} canWrite={canWrite} /> : null}
        {tab === "members" ? <MembersPanel caseId={c.id} isLead={c.isLead} /> : null}
      </div>
    </>
  );
}
