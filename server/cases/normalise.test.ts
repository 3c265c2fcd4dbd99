import { describe, expect, it } from "vitest";
import type { EntityKind } from "@/db/schema/cases";
import { DomainError } from "../errors";
import { normaliseEntityValue } from "./normalise";

const good: [EntityKind, string, string][] = [
  ["user_account", "  JDoe@Acme.Example ", "jdoe@acme.example"],
  ["user_account", "ACME\\JDoe", "acme\\jdoe"],
  ["host", "WS-FIN-042", "ws-fin-042"],
  ["host", "db01.corp.example.", "db01.corp.example"],
  ["ip", "203.0.113.47", "203.0.113.47"],
  ["ip", "2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
  ["domain", "Files-Drop.Example.", "files-drop.example"],
  ["domain", "bücher.example", "xn--bcher-kva.example"],
  ["session", "pid:48213@db-cust-01", "pid:48213@db-cust-01"],
  ["db_role", " Support_ReadOnly ", "Support_ReadOnly"],
  ["file_hash", "D41D8CD98F00B204E9800998ECF8427E", "d41d8cd98f00b204e9800998ecf8427e"],
  ["file_hash", "a".repeat(64), "a".repeat(64)],
];

const bad: [EntityKind, string, RegExp][] = [
  ["user_account", "   ", /is empty/],
  ["user_account", "j\u0000doe", /control characters/],
  ["user_account", "x".repeat(513), /longer than 512/],
  ["host", "ws 01", /not a host name/],
  ["ip", "999.1.1.1", /not a valid IPv4 or IPv6/],
  ["ip", "010.1.1.1", /not a valid IPv4/],
  ["ip", "10.0.0.0/8", /not a range/],
  ["domain", "localhost", /not a domain name/],
  ["domain", "a..example", /not a domain name/],
  ["session", "abc def", /spaces/],
  ["file_hash", "abc", /32, 40, 64 or 128/],
  ["file_hash", "z".repeat(64), /hexadecimal/],
];

describe("entity values", () => {
  it.each(good)("%s %j becomes %j", (kind, raw, expected) => {
    expect(normaliseEntityValue(kind, raw)).toBe(expected);
  });

  it.each(bad)("%s %j is refused", (kind, raw, message) => {
    let error: unknown;
    try {
      normaliseEntityValue(kind, raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: "BAD_REQUEST", field: "value" });
    expect((error as Error).message).toMatch(message);
  });
});
