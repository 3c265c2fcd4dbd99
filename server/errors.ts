export type DomainErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PRECONDITION_FAILED"
  | "TOO_MANY_REQUESTS";

/** The one error type services throw; the tRPC layer maps it to a TRPCError with the same code. */
export class DomainError extends Error {
  readonly code: DomainErrorCode;
  /** For BAD_REQUEST: the input field at fault, shown next to it in forms. */
  readonly field?: string;

  constructor(code: DomainErrorCode, message: string, options: { field?: string } = {}) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.field = options.field;
  }
}
