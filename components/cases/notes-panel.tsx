"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import Markdown from "react-markdown";
import { LedgerMatchMark, useLedgerMatches } from "@/components/ledger/ledger-match";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Field, fieldError, FormError, inputClass } from "@/components/ui/field";
import { formatUtc } from "./format";
import { remarkPipeTables } from "./pipe-tables";

/** Markdown without raw HTML (react-markdown escapes it); links open outside the console. */
function NoteBody({ body }: { body: string }) {
  return (
    <div className="space-y-2 text-sm leading-relaxed [&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 [&_code]:font-mono [&_code]:text-xs [&_ol]:list-decimal [&_ol]:pl-5 [&_pre]:overflow-x-auto [&_pre]:rounded [&_pre]:bg-slate-50 [&_pre]:p-2 [&_ul]:list-disc [&_ul]:pl-5 [&_table]:block [&_table]:overflow-x-auto [&_td]:border [&_td]:border-slate-200 [&_td]:px-2 [&_td]:py-0.5 [&_th]:border [&_th]:border-slate-200 [&_th]:bg-slate-50 [&_th]:px-2 [&_th]:py-0.5 [&_th]:text-left">
      <Markdown
        remarkPlugins={[remarkPipeTables]}
        components={{
          a: ({ href, children }) => (
            <a href={href} target="_blank" rel="noreferrer noopener" className="text-sky-700 underline">
              {children}
            </a>
          ),
        }}
      >
        {body}
      </Markdown>
    </div>
  );
}

export function NotesPanel({ caseId, canWrite }: { caseId: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: notes } = useSuspenseQuery(trpc.cases.notes.list.queryOptions({ caseId }));
  const matches = useLedgerMatches(
    caseId,
    "note",
    notes.map((n) => n.id),
  );
  const [body, setBody] = useState("");
  const [preview, setPreview] = useState(false);
  // The draft survives a reload or an ended session (sign in again, come back, send it).
  const draftKey = `casefile:note-draft:${caseId}`;
  useEffect(() => {
    const saved = window.sessionStorage.getItem(draftKey);
    if (saved) setBody(saved);
  }, [draftKey]);
  const edit = (text: string) => {
    setBody(text);
    if (text) window.sessionStorage.setItem(draftKey, text);
    else window.sessionStorage.removeItem(draftKey);
  };
  const add = useMutation(
    trpc.cases.notes.add.mutationOptions({
      onSuccess: async () => {
        edit("");
        setPreview(false);
        await queryClient.invalidateQueries(trpc.cases.notes.pathFilter());
        await queryClient.invalidateQueries(trpc.cases.ledgerMatch.pathFilter());
      },
    }),
  );

  return (
    <section className="space-y-3">
      {notes.map((note) => (
        <article key={note.id} className="rounded-lg border border-slate-200 bg-white p-4">
          <p className="mb-2 flex flex-wrap gap-2 text-xs text-slate-500">
            <span>
              {note.authorName} · {formatUtc(note.createdAt)}
            </span>
            <LedgerMatchMark match={matches.get(note.id)} />
          </p>
          <NoteBody body={note.body} />
        </article>
      ))}
      {notes.length === 0 ? <p className="text-slate-500">No notes yet.</p> : null}
      {canWrite ? (
        <form
          aria-label="Add note"
          className="space-y-2 rounded-lg border border-slate-200 bg-white p-4"
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate({ caseId, body });
          }}
        >
          {preview ? (
            <div className="min-h-24 rounded-md border border-dashed border-slate-300 p-3">
              <NoteBody body={body || "_Nothing to preview._"} />
            </div>
          ) : (
            <Field label="Note (Markdown)" error={fieldError(add.error, "body")}>
              <textarea className={inputClass} rows={5} value={body} onChange={(e) => edit(e.target.value)} />
            </Field>
          )}
          <FormError error={add.error} />
          <div className="flex gap-2">
            <Button type="submit" disabled={add.isPending || !body.trim()}>
              Add note
            </Button>
            <Button type="button" variant="secondary" onClick={() => setPreview((p) => !p)}>
              {preview ? "Edit" : "Preview"}
            </Button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
