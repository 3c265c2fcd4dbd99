/** The dashboard's period, carried in links so every drill-down shows the same rows. */
export type Period = { from: Date; to: Date; team?: string | null };

export function lastDays(days: number, now = new Date()): Period {
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  return { from: new Date(to.getTime() - days * 86_400_000), to };
}

export function periodQuery(p: Period, extra: Record<string, string> = {}): string {
  return new URLSearchParams({
    from: p.from.toISOString(),
    to: p.to.toISOString(),
    ...(p.team ? { team: p.team } : {}),
    ...extra,
  }).toString();
}

export function periodFrom(params: { from?: string; to?: string; team?: string }, fallbackDays = 30): Period {
  const from = params.from ? new Date(params.from) : null;
  const to = params.to ? new Date(params.to) : null;
  const team = params.team?.trim().slice(0, 60) || null;
  if (from && to && !Number.isNaN(from.getTime()) && !Number.isNaN(to.getTime())) return { from, to, team };
  return { ...lastDays(fallbackDays), team };
}
