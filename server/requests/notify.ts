/** Who hears live of a change in the approval core, inside the transaction that makes it. */
import type { Tx } from "@/db/client";
import { type LiveEvent, publish } from "../realtime/live";

type Kind = LiveEvent["kind"];

/** A request changed: its requester hears, and everyone holding one of `roles`. */
export function tellRequester(
  tx: Tx,
  kind: Kind,
  request: { id: string; caseId: string; requesterId: string },
  roles: LiveEvent["roles"],
): Promise<void> {
  return tell(tx, kind, request.id, request.caseId, request.requesterId, roles);
}

/** A grant changed: its grantee hears. */
export function tellGrantee(
  tx: Tx,
  kind: Kind,
  grant: { requestId: string; caseId: string; granteeId: string },
): Promise<void> {
  return tell(tx, kind, grant.requestId, grant.caseId, grant.granteeId, []);
}

function tell(
  tx: Tx,
  kind: Kind,
  requestId: string,
  caseId: string,
  userId: string,
  roles: LiveEvent["roles"],
) {
  return publish(tx, { kind, requestId, caseId, userIds: [userId], roles });
}
