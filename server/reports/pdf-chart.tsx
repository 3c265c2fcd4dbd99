import { StyleSheet, Text, View } from "@react-pdf/renderer";
import type { DayCount } from "./summary";
import type { ReportScope } from "./scope";

const DAY_MS = 86_400_000;
const MAX_BARS = 62;
const CHART_HEIGHT = 110;
const COLORS = { requests: "#0369a1", decisions: "#94a3b8" };

export type Bucket = { label: string; requests: number; decisions: number };

const dayOf = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Every day of the scope gets a slot (an empty day is a fact too); a case's range is its
 * first to last active day. Past MAX_BARS days the slots become weeks, so bars stay readable.
 */
export function buckets(scope: ReportScope, perDay: DayCount[]): Bucket[] {
  const first = scope.kind === "period" ? dayOf(scope.from) : perDay[0]?.day;
  const last = scope.kind === "period" ? dayOf(new Date(scope.to.getTime() - 1)) : perDay.at(-1)?.day;
  if (!first || !last) return [];
  const start = Date.parse(`${first}T00:00:00Z`);
  const days = Math.round((Date.parse(`${last}T00:00:00Z`) - start) / DAY_MS) + 1;
  const width = days > MAX_BARS ? 7 : 1;
  const slots: Bucket[] = [];
  for (let i = 0; i < days; i += width) {
    const label = dayOf(new Date(start + i * DAY_MS)).slice(5);
    slots.push({ label: width === 1 ? label : `wk ${label}`, requests: 0, decisions: 0 });
  }
  for (const d of perDay) {
    const slot = slots[Math.floor(Math.round((Date.parse(`${d.day}T00:00:00Z`) - start) / DAY_MS) / width)];
    if (!slot) continue;
    slot.requests += d.requests;
    slot.decisions += d.decisions;
  }
  return slots;
}

const s = StyleSheet.create({
  chart: {
    flexDirection: "row",
    alignItems: "flex-end",
    height: CHART_HEIGHT,
    borderBottom: "1pt solid #475569",
  },
  slot: { flex: 1, flexDirection: "row", alignItems: "flex-end", justifyContent: "center", height: "100%" },
  bar: { width: "40%", marginHorizontal: 0.3 },
  labels: { flexDirection: "row", marginTop: 2 },
  label: { flex: 1, fontSize: 5, textAlign: "center", color: "#475569" },
  legend: { flexDirection: "row", marginTop: 6, fontSize: 8, color: "#334155" },
  swatch: { width: 8, height: 8, marginRight: 3, marginLeft: 10 },
  empty: { fontSize: 9, color: "#64748b" },
});

/** Requests and decisions per slot as pairs of bars: plain Views, so no chart library is needed. */
export function ActivityChart({ data }: { data: Bucket[] }) {
  const max = Math.max(1, ...data.map((b) => Math.max(b.requests, b.decisions)));
  if (data.every((b) => b.requests === 0 && b.decisions === 0)) {
    return <Text style={s.empty}>No requests or decisions in scope.</Text>;
  }
  // Label at most ~16 slots so the text never overlaps.
  const every = Math.max(1, Math.ceil(data.length / 16));
  return (
    <View>
      <Text style={{ fontSize: 7, color: "#64748b", marginBottom: 2 }}>max {max} per slot</Text>
      <View style={s.chart}>
        {data.map((b, i) => (
          <View key={i} style={s.slot}>
            <View
              style={[s.bar, { height: (b.requests / max) * CHART_HEIGHT, backgroundColor: COLORS.requests }]}
            />
            <View
              style={[
                s.bar,
                { height: (b.decisions / max) * CHART_HEIGHT, backgroundColor: COLORS.decisions },
              ]}
            />
          </View>
        ))}
      </View>
      <View style={s.labels}>
        {data.map((b, i) => (
          <Text key={i} style={s.label}>
            {i % every === 0 ? b.label : ""}
          </Text>
        ))}
      </View>
      <View style={s.legend}>
        <View style={[s.swatch, { backgroundColor: COLORS.requests, marginLeft: 0 }]} />
        <Text>Requests</Text>
        <View style={[s.swatch, { backgroundColor: COLORS.decisions }]} />
        <Text>Decisions (approve or deny)</Text>
      </View>
    </View>
  );
}
