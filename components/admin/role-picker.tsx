"use client";

import { ROLES, type Role } from "@/server/shared/constants";

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
