/**
 * An expected refusal, shown to the person as it is (one line, with an example where it helps).
 * Anything else thrown inside the engine is logged once and answered with a fixed apology.
 */
export class UserError extends Error {
  /** A stable identifier for tests and logs, e.g. `not-owner`. */
  readonly identifier: string;

  constructor(identifier: string, message: string) {
    super(message);
    this.name = "UserError";
    this.identifier = identifier;
  }
}

/** Throws a {@link UserError}; reads well in guards: `if (!ok) refuse("x", "…")`. */
export function refuse(identifier: string, message: string): never {
  throw new UserError(identifier, message);
}
