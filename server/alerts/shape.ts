import { z } from "zod";
import {
  ENTITY_KINDS,
  ENTITY_ROLES,
  EVENT_RELATIONS,
  type EntityKind,
  type EventRelation,
} from "@/db/schema";

const name = (max: number) => z.string().trim().min(1, "required").max(max);
const observable = z.string().trim().max(512);

/**
 * An alert as SIEM, SOAR and EDR tools send one, in Elastic Common Schema field names
 * (`@timestamp`, `event.id`, `rule.name`, `host.name`, `source.ip`…); `observer.name` names
 * the sending system, `correlation_key` groups alerts into one case.
 */
export const alertInput = z.object({
  "@timestamp": z.date(),
  observer: z.object({ name: name(100) }),
  event: z.object({
    id: name(200),
    severity: z.number().int().min(1).max(4).default(2),
    category: z.string().trim().max(100).optional(),
  }),
  rule: z.object({ name: name(300) }),
  message: z.string().trim().max(20_000).default(""),
  correlation_key: name(200).optional(),
  threat: z
    .object({
      technique: z.object({
        id: z
          .string()
          .trim()
          .toUpperCase()
          .regex(/^T\d{4}(\.\d{3})?$/, "an ATT&CK technique id like T1110 or T1110.004"),
      }),
    })
    .optional(),
  host: z.object({ name: observable.optional(), ip: observable.optional() }).optional(),
  user: z.object({ name: observable.optional() }).optional(),
  source: z.object({ ip: observable.optional() }).optional(),
  destination: z.object({ ip: observable.optional(), domain: observable.optional() }).optional(),
  file: z.object({ hash: z.object({ sha256: observable }) }).optional(),
  /** Further entities, as the timeline importer takes them. */
  entities: z
    .array(
      z.object({
        kind: z.enum(ENTITY_KINDS),
        value: observable,
        role: z.enum(ENTITY_ROLES).optional(),
        relation: z.enum(EVENT_RELATIONS),
      }),
    )
    .max(50)
    .default([]),
});
export type AlertInput = z.infer<typeof alertInput>;

export type AlertEntity = { field: string; kind: EntityKind; value: string; relation: EventRelation };

/** The ECS observables as entities, each with the field it came from (for errors). */
export function observablesOf(alert: AlertInput): AlertEntity[] {
  const found: (AlertEntity | null)[] = [
    alert.host?.name
      ? { field: "host.name", kind: "host", value: alert.host.name, relation: "target" }
      : null,
    alert.host?.ip ? { field: "host.ip", kind: "ip", value: alert.host.ip, relation: "target" } : null,
    alert.user?.name
      ? { field: "user.name", kind: "user_account", value: alert.user.name, relation: "actor" }
      : null,
    alert.source?.ip ? { field: "source.ip", kind: "ip", value: alert.source.ip, relation: "actor" } : null,
    alert.destination?.ip
      ? { field: "destination.ip", kind: "ip", value: alert.destination.ip, relation: "target" }
      : null,
    alert.destination?.domain
      ? { field: "destination.domain", kind: "domain", value: alert.destination.domain, relation: "target" }
      : null,
    alert.file
      ? { field: "file.hash.sha256", kind: "file_hash", value: alert.file.hash.sha256, relation: "observed" }
      : null,
  ];
  return [
    ...found.filter((e): e is AlertEntity => e !== null),
    ...alert.entities.map((e, i) => ({
      field: `entities.${i}.value`,
      kind: e.kind,
      value: e.value,
      relation: e.relation,
    })),
  ];
}
