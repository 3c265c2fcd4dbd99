"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

type Day = { day: string; requests: number; approvals: number; denials: number; executions: number };

/** Requests, approvals, denials and executions per UTC day. */
export default function ActivityChart({ series }: { series: Day[] }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={series}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="day" tick={{ fontSize: 11 }} />
        <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={32} />
        <Tooltip />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <Bar dataKey="requests" name="Requests" fill="#0284c7" />
        <Bar dataKey="approvals" name="Approvals" fill="#059669" />
        <Bar dataKey="denials" name="Denials" fill="#dc2626" />
        <Bar dataKey="executions" name="Executions" fill="#7c3aed" />
      </BarChart>
    </ResponsiveContainer>
  );
}
