import { Document, Page, renderToBuffer, StyleSheet, Text, View } from "@react-pdf/renderer";
import { FINDING_SEVERITIES } from "@/db/schema";
import { ActivityChart, buckets } from "./pdf-chart";
import { type ReportScope, scopeLabel } from "./scope";
import type { ReportSummary } from "./summary";

const s = StyleSheet.create({
  page: { padding: 36, fontSize: 10, fontFamily: "Helvetica", color: "#0f172a" },
  brand: { fontSize: 8, color: "#64748b", letterSpacing: 1 },
  title: { fontSize: 18, fontFamily: "Helvetica-Bold", marginTop: 4 },
  meta: { fontSize: 9, color: "#334155", marginTop: 2 },
  h2: { fontSize: 12, fontFamily: "Helvetica-Bold", marginTop: 16, marginBottom: 6 },
  grid: { flexDirection: "row", flexWrap: "wrap" },
  figure: { width: "25%", paddingVertical: 4, paddingRight: 6 },
  value: { fontSize: 14, fontFamily: "Helvetica-Bold" },
  caption: { fontSize: 8, color: "#475569" },
  hint: { fontSize: 7, color: "#64748b" },
  row: { flexDirection: "row", borderBottom: "0.5pt solid #e2e8f0", paddingVertical: 2 },
  severity: { width: 60, fontFamily: "Helvetica-Bold", textTransform: "uppercase", fontSize: 8 },
  mono: { fontFamily: "Courier", fontSize: 8 },
  note: { fontSize: 8, color: "#64748b", marginTop: 4 },
  footer: { position: "absolute", bottom: 20, left: 36, right: 36, fontSize: 7, color: "#94a3b8" },
});

const SEVERITY_COLORS = { critical: "#991b1b", high: "#c2410c", medium: "#a16207", low: "#475569" };

function Figure({ value, caption, hint }: { value: string | number; caption: string; hint?: string | null }) {
  return (
    <View style={s.figure}>
      <Text style={s.value}>{value}</Text>
      <Text style={s.caption}>{caption}</Text>
      {hint ? <Text style={s.hint}>{hint}</Text> : null}
    </View>
  );
}

export type PdfInput = {
  scope: ReportScope;
  summary: ReportSummary;
  generatedAt: Date;
  generatedBy: string;
};

function SummaryDocument({ scope, summary: m, generatedAt, generatedBy }: PdfInput) {
  const openTotal = FINDING_SEVERITIES.reduce((n, sev) => n + m.findingCounts[sev], 0);
  return (
    <Document title={`Casefile compliance report: ${scopeLabel(scope)}`} author="Casefile" creator="Casefile">
      <Page size="A4" style={s.page}>
        <Text style={s.brand}>CASEFILE · COMPLIANCE REPORT</Text>
        <Text style={s.title}>Access approvals summary</Text>
        <Text style={s.meta}>Scope: {scopeLabel(scope)}</Text>
        <Text style={s.meta}>
          Generated {generatedAt.toISOString()} by {generatedBy}
        </Text>

        <Text style={s.h2}>Headline figures</Text>
        <View style={s.grid}>
          {m.headline.map((f) => (
            <Figure key={f.key} value={f.value} caption={f.label} hint={f.hint} />
          ))}
        </View>
        <Text style={s.note}>
          Approved counts requests approved by approvers; break-glass requests are counted apart. Time to
          decision counts decided requests that were not break-glass. A grant counts as unused once it expired
          or was revoked without a single use.
        </Text>

        <Text style={s.h2}>Requests and decisions per day (UTC)</Text>
        <ActivityChart data={buckets(scope, m.perDay)} />

        <Text style={s.h2}>Open anomaly findings ({openTotal})</Text>
        <View style={[s.grid, { marginBottom: 4 }]}>
          {[...FINDING_SEVERITIES].reverse().map((sev) => (
            <Figure key={sev} value={m.findingCounts[sev]} caption={sev} />
          ))}
        </View>
        {m.findings.length === 0 ? (
          <Text style={s.note}>No open findings{scope.kind === "case" ? " about this case" : ""}.</Text>
        ) : (
          m.findings.map((f, i) => (
            <View key={i} style={s.row} wrap={false}>
              <Text style={[s.severity, { color: SEVERITY_COLORS[f.severity] }]}>{f.severity}</Text>
              <Text style={{ flex: 1 }}>{f.title}</Text>
              <Text style={s.caption}>last seen {f.lastSeenAt.toISOString().slice(0, 10)}</Text>
            </View>
          ))
        )}
        {openTotal > m.findings.length ? (
          <Text style={s.note}>
            Showing the {m.findings.length} most severe and recent of {openTotal}.
          </Text>
        ) : null}

        <Text style={s.h2}>Audit ledger</Text>
        {m.ledger ? (
          <View wrap={false}>
            <Text>
              Latest signed checkpoint: {m.ledger.size} entries, signed {m.ledger.createdAt.toISOString()}
            </Text>
            <Text style={s.mono}>root {m.ledger.root}</Text>
            <Text style={s.note}>
              The signed evidence bundle for this scope carries each entry with its inclusion proof against a
              signed checkpoint; verify it offline with `npm run ledger:verify -- FILE --key KEY`.
            </Text>
          </View>
        ) : (
          <Text style={s.note}>No signed checkpoint yet.</Text>
        )}

        <Text
          style={s.footer}
          fixed
          render={({ pageNumber, totalPages }) =>
            `Casefile compliance report · ${scopeLabel(scope)} · page ${pageNumber} of ${totalPages}`
          }
        />
      </Page>
    </Document>
  );
}

/** Renders the summary to PDF bytes on the server. */
export function renderSummaryPdf(input: PdfInput): Promise<Buffer> {
  return renderToBuffer(<SummaryDocument {...input} />);
}
