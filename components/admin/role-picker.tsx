"use client";

import type { Role } from "@/db/schema/users";

// The schema module stays out of the browser bundle; the type keeps this list honest.
const ROLES = ["investigator", "approver", "compliance", "admin"] as const satisfies readonly Role[];

/** Checkboxes for a person's roles. */
export function RolePicker({ value, onChange }: { value: Role[]; onChange: (roles: Role[]) => void }) {
  return (
    <fieldset className="flex flex-wrap gap-3 text-sm">
      <legend className="mb-1 text-xs font-medium text-slate-600">Roles</legend>
      {ROLES.map((role) => (
        <label key={role} className="flex items-center gap-1">
          <input
            type="checkbox"
            checked={value.includes(role)}
            onChange={(e) => onChange(e.target.checked ? [...value, role] : value.filter((r) => r !== role))}
          />
          {role}
        </label>
      ))}
    </fieldset>
  );
}
