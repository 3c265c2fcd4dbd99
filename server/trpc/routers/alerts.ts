import { alertInput } from "../../alerts/shape";
import { intakeAlert } from "../../alerts/intake";
import { roleProcedure, router } from "../init";

export const alertsRouter = router({
  /** An alert from a SIEM, SOAR or EDR: opens or extends the case of its correlation key. */
  ingest: roleProcedure("investigator")
    .input(alertInput)
    .mutation(({ ctx, input }) => intakeAlert(ctx.db, ctx.user, input, ctx.meta)),
});
