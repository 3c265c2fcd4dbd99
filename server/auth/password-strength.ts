/**
 * Password strength, in the spirit of zxcvbn but small: length, the most common passwords (also
 * with digits, symbols or letter-for-digit swaps around them), repeats, sequences (abcd, 4321,
 * qwerty), the person's own name or address, and an estimate of what is left once those
 * patterns are taken out. Returns the reason a password is refused, for the person to read.
 */

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;
/** Estimated bits of guesswork a password must keep once its patterns are taken out. */
const MIN_BITS = 45;

// The most common base words of leaked-password lists (digits and symbols around them are stripped first).
const COMMON = new Set(
  (
    "password passwort passw0rd pass qwerty qwertz azerty letmein welcome admin administrator iloveyou " +
    "monkey dragon football baseball soccer hockey sunshine princess master shadow superman batman " +
    "trustno michael jennifer jordan starwars whatever freedom charlie changeme secret hello login " +
    "abc qazwsx zaq asdf asdfgh computer internet summer winter spring autumn january december " +
    "love lovely angel angels flower cookie cheese chocolate pokemon pepper ginger killer hunter " +
    "ranger buster thomas robert daniel andrew joshua matthew ashley jessica amanda nicole hannah " +
    "tigger mustang harley corvette ferrari mercedes porsche yankees liverpool chelsea arsenal " +
    "test tester testing guest user root default access system security secure private office " +
    "company business casefile investigator approver compliance incident letmein welcome " +
    "iloveyou loveyou fuckyou blink myspace facebook google linkedin twitter apple samsung " +
    "nothing something anything everything password qwertyuiop asdfghjkl zxcvbnm"
  ).split(" "),
);

const KEYBOARD_ROWS = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "qwertzuiop", "azertyuiop"];
const LEET: Record<string, string> = {
  "0": "o",
  "1": "i",
  "3": "e",
  "4": "a",
  "5": "s",
  "7": "t",
  "@": "a",
  $: "s",
  "!": "i",
};

/** Whether b follows a in the alphabet, the digits or along a keyboard row, `step` places on. */
function follows(a: string, b: string, step: 1 | -1): boolean {
  const ca = a.charCodeAt(0);
  const cb = b.charCodeAt(0);
  const alnum = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
  if (alnum(ca) && alnum(cb) && cb - ca === step) return true;
  return KEYBOARD_ROWS.some((row) => {
    const i = row.indexOf(a);
    return i >= 0 && row[i + step] === b;
  });
}

/** Length of the sequence (or run of one character) starting at i, at least 1. */
function runAt(s: string, i: number): number {
  let best = 1;
  for (const step of [0, 1, -1] as const) {
    let j = i + 1;
    while (j < s.length && (step === 0 ? s[j] === s[i] : follows(s[j - 1] ?? "", s[j] ?? "", step))) j++;
    best = Math.max(best, j - i);
  }
  return best;
}

/** The longest earlier repeat of the text starting at i (3 characters or more), else 0. */
function repeatAt(s: string, i: number): number {
  let best = 0;
  for (let len = 3; i + len <= s.length; len++) {
    if (s.slice(0, i).includes(s.slice(i, i + len))) best = len;
    else break;
  }
  return best;
}

/** The password's length once runs, sequences and repeats each count as one character; and how much of it they made up. */
function patterns(s: string): { effective: number; inRuns: number; inRepeats: number } {
  let effective = 0;
  let inRuns = 0;
  let inRepeats = 0;
  for (let i = 0; i < s.length;) {
    const repeat = repeatAt(s, i);
    const run = runAt(s, i);
    effective++;
    if (repeat >= 3 && repeat >= run) {
      inRepeats += repeat;
      i += repeat;
    } else if (run >= 3) {
      inRuns += run;
      i += run;
    } else i++;
  }
  return { effective, inRuns, inRepeats };
}

function pool(password: string): number {
  let size = 0;
  if (/[a-z]/.test(password)) size += 26;
  if (/[A-Z]/.test(password)) size += 26;
  if (/[0-9]/.test(password)) size += 10;
  if (/[^a-zA-Z0-9]/.test(password)) size += 33;
  return Math.max(size, 10);
}

/** Why this password is refused, or null when it is good enough. */
export function passwordProblem(password: string, person: { email: string; name: string }): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return `Choose a password of at least ${PASSWORD_MIN_LENGTH} characters`;
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    return `Choose a password of at most ${PASSWORD_MAX_LENGTH} characters`;
  }
  const lower = password.toLowerCase();
  const local = person.email.toLowerCase().split("@")[0] ?? "";
  const personal = [local, ...local.split(/[._+-]+/), ...person.name.toLowerCase().split(/\s+/)].filter(
    (w) => w.length >= 4,
  );
  if (personal.some((w) => lower.includes(w))) {
    return "This password contains your name or email address; choose one that does not";
  }
  // The base word, with digits and symbols around it stripped and letter-for-digit swaps undone.
  const core = lower.replace(/^[^a-z]+|[^a-z]+$/g, "");
  const candidates = [lower.replace(/[^a-z]/g, ""), [...core].map((c) => LEET[c] ?? c).join("")];
  if (candidates.some((c) => COMMON.has(c))) {
    return "This is one of the most common passwords (with a few characters added); choose something less predictable";
  }
  const { effective, inRuns, inRepeats } = patterns(lower);
  if (new Set(lower).size <= 3 || inRepeats >= lower.length / 2) {
    return "This password mostly repeats the same characters; choose something less predictable";
  }
  if (inRuns >= lower.length / 2) {
    return "This password is mostly a predictable sequence (like abcd, 1234 or qwerty); choose something less predictable";
  }
  if (effective * Math.log2(pool(password)) < MIN_BITS) {
    return "This password is too easy to guess: make it longer, or combine several unrelated words";
  }
  return null;
}
