/** An action's parameters as a small table: what exactly is asked for or granted. */
export function ParamsTable({ params, caption }: { params: Record<string, unknown>; caption: string }) {
  return (
    <table className="mt-2 text-sm">
      <caption className="text-left text-xs font-medium text-slate-500">{caption}</caption>
      <tbody>
        {Object.entries(params).map(([k, v]) => (
          <tr key={k}>
            <th scope="row" className="pr-3 text-left align-top font-normal text-slate-500">
              {k}
            </th>
            <td className="font-mono text-xs [overflow-wrap:anywhere]" data-param={k}>
              {Array.isArray(v) ? v.join(", ") : String(v)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
