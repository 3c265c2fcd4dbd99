import { describe, expect, it } from "vitest";
import {
  approvalsNeeded,
  durationProblem,
  eligibility,
  isBusinessHours,
  type Person,
  type Policy,
  progress,
  requiredClearance,
  usesProblem,
} from "./policy";

const base: Policy = {
  riskTier: "medium",
  approvalsRequired: 1,
  approverRoles: ["approver"],
  minClearance: 1,
  maxDurationMinutes: 60,
  maxUses: 1,
  businessHours: false,
  breakGlassAllowed: false,
  excludeCaseGrantees: false,
};
const person = (id: string, roles: Person["roles"], clearance: number): Person => ({ id, roles, clearance });
const facts = { requesterId: "req", caseGranteeIds: ["holder"] };

describe("eligibility", () => {
  const cases: [string, Policy, Person, boolean, RegExp?][] = [
    ["an approver with enough clearance", base, person("a", ["approver"], 2), true],
    [
      "a service account, whatever its roles",
      { ...base, approverRoles: ["investigator"] },
      { ...person("svc", ["investigator"], 4), serviceAccount: true },
      false,
      /Service accounts approve nothing/,
    ],
    [
      "the requester, even an admin approver",
      base,
      person("req", ["approver", "admin"], 4),
      false,
      /own request/,
    ],
    [
      "an investigator without the approver role",
      base,
      person("a", ["investigator"], 4),
      false,
      /approver role/,
    ],
    ["clearance below the tier (medium = 2)", base, person("a", ["approver"], 1), false, /clearance ≥ 2/],
    ["clearance at a high tier", { ...base, riskTier: "high" }, person("a", ["approver"], 3), true],
    [
      "clearance below a critical tier",
      { ...base, riskTier: "critical" },
      person("a", ["approver"], 3),
      false,
      /≥ 4/,
    ],
    [
      "policy minimum above the tier",
      { ...base, minClearance: 3 },
      person("a", ["approver"], 2),
      false,
      /≥ 3/,
    ],
    [
      "admin role when policy names it",
      { ...base, approverRoles: ["approver", "admin"] },
      person("a", ["admin"], 4),
      true,
    ],
    [
      "a case grantee, when excluded",
      { ...base, excludeCaseGrantees: true },
      person("holder", ["approver"], 4),
      false,
      /live grant/,
    ],
    ["a case grantee, when not excluded", base, person("holder", ["approver"], 4), true],
  ];
  it.each(cases)("%s", (_name, policy, approver, expected, reason) => {
    const result = eligibility(policy, approver, facts);
    expect(result.eligible).toBe(expected);
    if (!result.eligible && reason) expect(result.reason).toMatch(reason);
  });
});

describe("thresholds", () => {
  it.each([
    [base, false, 1],
    [{ ...base, approvalsRequired: 2 }, false, 2],
    [{ ...base, businessHours: true }, false, 1],
    [{ ...base, businessHours: true }, true, 2],
    [{ ...base, businessHours: false }, true, 1],
  ] as const)("approvals needed (%#)", (policy, outside, needed) => {
    expect(approvalsNeeded(policy, outside)).toBe(needed);
  });

  it("explains progress in words", () => {
    const p = progress({ ...base, approvalsRequired: 2, riskTier: "high" }, 1, false);
    expect(p).toMatchObject({ needed: 2, given: 1, met: false });
    expect(p.explanation).toBe(
      "Needs 2 distinct approvers with the approver role and clearance ≥ 3; 1 of 2 given. The requester cannot approve.",
    );
    expect(progress(base, 1, false).met).toBe(true);
    expect(progress({ ...base, businessHours: true }, 1, true).explanation).toMatch(/outside business hours/);
  });

  it("takes the higher of tier and policy minimum as the clearance", () => {
    expect(requiredClearance({ ...base, riskTier: "low", minClearance: 1 })).toBe(1);
    expect(requiredClearance({ ...base, riskTier: "low", minClearance: 3 })).toBe(3);
    expect(requiredClearance({ ...base, riskTier: "critical", minClearance: 1 })).toBe(4);
  });
});

describe("durations and uses", () => {
  it.each([
    [30, false, null],
    [60, false, null],
    [61, false, /At most 60 minutes/],
    [0, false, /at least 1/],
    [1.5, false, /at least 1/],
    [15, true, null],
    [16, true, /At most 15 minutes for this action under break-glass/],
  ] as const)("%s minutes (break-glass %s)", (minutes, breakGlass, problem) => {
    const result = durationProblem(base, minutes, breakGlass);
    if (problem) expect(result).toMatch(problem);
    else expect(result).toBeNull();
  });

  it("limits uses to the policy", () => {
    expect(usesProblem(base, 1)).toBeNull();
    expect(usesProblem(base, 2)).toBe("This action is single-use");
    expect(usesProblem({ ...base, maxUses: 3 }, 3)).toBeNull();
    expect(usesProblem({ ...base, maxUses: 3 }, 4)).toBe("At most 3 uses for this action");
  });
});

describe("business hours", () => {
  it.each([
    ["2026-11-23T09:00:00Z", "UTC", true], // Monday
    ["2026-11-23T07:59:00Z", "UTC", false],
    ["2026-11-23T18:00:00Z", "UTC", false],
    ["2026-11-22T12:00:00Z", "UTC", false], // Sunday
    ["2026-11-23T07:30:00Z", "Europe/Berlin", true], // 08:30 in Berlin
    ["2026-11-23T14:00:00Z", "America/New_York", true], // 09:00 in New York
    ["2026-11-23T12:00:00Z", "America/New_York", false], // 07:00
    ["2026-11-21T02:00:00Z", "Asia/Tokyo", false], // Saturday 11:00 in Tokyo
  ] as const)("%s in %s", (at, zone, expected) => {
    expect(isBusinessHours(new Date(at), zone)).toBe(expected);
  });
});
