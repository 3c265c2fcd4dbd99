import type { Role } from "@/db/schema";

/** The console's sections and who may open them: the one place this rule lives. */
export const SECTIONS = [
  { key: "cases", label: "Cases", href: "/cases", roles: ["investigator", "compliance"] },
  { key: "approvals", label: "Approvals", href: "/approvals", roles: ["approver"] },
  { key: "compliance", label: "Compliance", href: "/compliance", roles: ["compliance"] },
  { key: "ledger", label: "Ledger", href: "/ledger", roles: ["compliance", "admin"] },
  { key: "admin", label: "Admin", href: "/admin", roles: ["admin"] },
] as const satisfies readonly { key: string; label: string; href: string; roles: readonly Role[] }[];

export type Section = (typeof SECTIONS)[number];
export type SectionKey = Section["key"];

export function sectionsFor(roles: readonly Role[]): Section[] {
  return SECTIONS.filter((s) => s.roles.some((r) => roles.includes(r)));
}

export function canOpen(roles: readonly Role[], key: SectionKey): boolean {
  return sectionsFor(roles).some((s) => s.key === key);
}
