/**
 * Why a database could not be opened at start-up, in one line a person can act on. Expected
 * failures (a wrong path, a file that is not SQLite, a database from a newer Amends) become a
 * {@link DatabaseOpenError}; anything else is left as it is, stack and all, because nobody
 * has a sentence for it yet.
 */

/** The kinds of refusal, for tests and callers that branch on them. */
export type OpenProblem =
  | "directory"
  | "path-through-file"
  | "folder-denied"
  | "cannot-open"
  | "read-only"
  | "not-sqlite"
  | "damaged"
  | "newer";

/** A database refused at start-up; `message` is the one line to show, with no driver detail. */
export class DatabaseOpenError extends Error {
  constructor(
    readonly problem: OpenProblem,
    message: string,
  ) {
    super(message);
    this.name = "DatabaseOpenError";
  }
}

const REASONS: Record<Exclude<OpenProblem, "newer">, string> = {
  directory: "it is a directory, not a file.",
  "path-through-file": "part of the path is a file, not a folder.",
  "folder-denied": "its folder can't be created or entered (permission denied).",
  "cannot-open":
    "the file can't be opened or created there; check that its folder exists and that Amends may write to it.",
  "read-only":
    "it is read-only, and Amends needs to write to it; check the permissions of the file and its folder.",
  "not-sqlite": "it is not an SQLite database file.",
  damaged:
    "the file is damaged (SQLite reports it as malformed); restore a backup or point DATABASE_PATH elsewhere.",
};

/** Node's fs codes and SQLite's (extended codes share their primary code's prefix). */
function problemOf(code: string): Exclude<OpenProblem, "newer"> | undefined {
  if (code === "EISDIR") return "directory";
  // mkdir says EEXIST when the folder to create is a file, ENOTDIR when a file sits higher up.
  if (code === "ENOTDIR" || code === "EEXIST") return "path-through-file";
  if (code === "EACCES" || code === "EPERM") return "folder-denied";
  if (code === "EROFS" || code.startsWith("SQLITE_READONLY")) return "read-only";
  if (code.startsWith("SQLITE_CANTOPEN") || code === "SQLITE_PERM") return "cannot-open";
  if (code === "SQLITE_NOTADB") return "not-sqlite";
  if (code.startsWith("SQLITE_CORRUPT")) return "damaged";
  return undefined;
}

/** The path as one printable line: a control character in it must not split the message. */
function shown(path: string): string {
  return Array.from(path, (c) => {
    const n = c.charCodeAt(0);
    return n < 0x20 || n === 0x7f ? "?" : c;
  }).join("");
}

/** The refusal for a known problem at `path`. */
export function refusal(path: string, problem: Exclude<OpenProblem, "newer">): DatabaseOpenError {
  return new DatabaseOpenError(
    problem,
    `Amends can't open the database at ${shown(path)}: ${REASONS[problem]}`,
  );
}

/**
 * Maps an error thrown while opening `path` (by `fs` or better-sqlite3) to a refusal by its
 * `code`, or returns undefined when the error is not one we expect. Only the code is read: the
 * driver's own message never reaches the person.
 */
export function openFailure(path: string, err: unknown): DatabaseOpenError | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return undefined;
  const problem = problemOf(code);
  return problem ? refusal(path, problem) : undefined;
}

/**
 * The refusal for a database that has applied migrations this version does not know;
 * `unknown` holds their positions (0-based, as in `0003_…`) among the applied ones.
 */
export function newerDatabase(path: string, unknown: number[]): DatabaseOpenError {
  const names = unknown.map((i) => String(i).padStart(4, "0"));
  const listed = names.length > 3 ? [...names.slice(0, 2), `${names.length - 2} more`] : names;
  const which =
    listed.length === 1
      ? `migration ${listed[0]} is unknown`
      : `migrations ${listed.slice(0, -1).join(", ")} and ${listed.at(-1)} are unknown`;
  return new DatabaseOpenError(
    "newer",
    `Amends can't use the database at ${shown(path)}: it was written by a newer version of Amends ` +
      `(${which} to this version); run the newer version or point DATABASE_PATH elsewhere.`,
  );
}
