/** One measured figure, with the target it is held to (if any). */
export type Figure = {
  section: string;
  name: string;
  value: number;
  unit: string;
  target?: { op: ">=" | "<="; value: number };
  note?: string;
};

/** The p-th percentile of ascending samples (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Milliseconds of `runs` sequential calls after 20 warm-up calls, ascending. */
export async function timed(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 20; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b);
}

export function met(f: Figure): boolean | null {
  if (!f.target) return null;
  return f.target.op === ">=" ? f.value >= f.target.value : f.value <= f.target.value;
}

const fmt = (n: number) =>
  Math.abs(n) >= 100
    ? Math.round(n).toLocaleString("en-US")
    : n.toLocaleString("en-US", { maximumFractionDigits: 3 });

export function printFigure(f: Figure): void {
  const target = f.target
    ? `  (target ${f.target.op} ${fmt(f.target.value)} ${f.unit}: ${met(f) ? "met" : "NOT MET"})`
    : "";
  console.log(`  ${f.name}: ${fmt(f.value)} ${f.unit}${target}${f.note ? `  — ${f.note}` : ""}`);
}

export function markdownReport(figures: Figure[], context: string[]): string {
  const lines = ["# Casefile benchmark report", "", ...context.map((c) => `- ${c}`), ""];
  for (const section of [...new Set(figures.map((f) => f.section))]) {
    lines.push(`## ${section}`, "", "| Figure | Measured | Target | Met |", "| --- | ---: | ---: | :---: |");
    for (const f of figures.filter((x) => x.section === section)) {
      const m = met(f);
      lines.push(
        `| ${f.name}${f.note ? ` (${f.note})` : ""} | ${fmt(f.value)} ${f.unit} | ${
          f.target ? `${f.target.op} ${fmt(f.target.value)} ${f.unit}` : "—"
        } | ${m === null ? "—" : m ? "yes" : "**no**"} |`,
      );
    }
    lines.push("");
  }
  return lines.join("\n");
}
