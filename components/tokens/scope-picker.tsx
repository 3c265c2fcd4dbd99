"use client";

import { TOKEN_SCOPES, type TokenScope } from "@/server/shared/token-scopes";

export function ScopePicker({
  value,
  onChange,
}: {
  value: TokenScope[];
  onChange: (v: TokenScope[]) => void;
}) {
  return (
    <fieldset className="flex flex-wrap gap-3 text-xs">
      <legend className="mb-1 font-medium text-slate-600">Scopes</legend>
      {TOKEN_SCOPES.map((scope) => (
        <label key={scope} className="flex items-center gap-1">
          <input
            type="checkbox"
            checked={value.includes(scope)}
            onChange={(e) =>
              onChange(e.target.checked ? [...value, scope] : value.filter((s) => s !== scope))
            }
          />
          <span className="font-mono">{scope}</span>
        </label>
      ))}
    </fieldset>
  );
}
