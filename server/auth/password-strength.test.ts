import { describe, expect, it } from "vitest";
import { passwordProblem } from "./password-strength";

const person = { email: "dana.fischer@casefile.demo", name: "Dana Fischer" };

describe("password strength", () => {
  it.each([
    "kettle orbit cinnamon lantern",
    "correct horse battery staple",
    "x7#Qm2!pLz9v",
    "Granite-Tulip-47-Harbour",
    "my cat eats 3 lemons daily",
  ])("accepts %s", (password) => {
    expect(passwordProblem(password, person)).toBeNull();
  });

  it.each([
    ["aaaaaaaaaaaa", /repeats/],
    ["abcabcabcabc", /repeats/],
    ["zyxwvutsrqpo", /sequence/],
    ["asdfghjkl;'1", /common|sequence/],
    ["qwe123rty456", /common|sequence/],
    ["P@ssw0rd2024", /common/],
    ["iloveyou!!!!!", /common/],
    ["fischer-rocks-1", /name or email/],
    ["Dana2026summer", /name or email/],
  ])("refuses %s", (password, reason) => {
    expect(passwordProblem(password, person)).toMatch(reason);
  });
});
