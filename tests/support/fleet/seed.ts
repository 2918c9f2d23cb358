/**
 * The fleet test's burst, written straight into the database (one INSERT per table, the way
 * bench/pg.ts COPYs its seed, since 3,000 `/commit`s through the engine would take minutes on
 * PostgreSQL): people, chats on both platforms and one daily commitment per person, each falling
 * due at its own moment within one minute. Every promise is unique (`«c0001»`), so each prompt a
 * local server received names its commitment.
 */
import postgres from "postgres";

/** One seeded chat: the platform's own id for it, and its people's platform ids. */
export interface FleetChat {
  platform: "telegram" | "discord";
  externalId: string;
  people: string[];
}

export interface FleetSeeded {
  /** Commitment id → its unique promise marker and due time. */
  commitments: { id: number; marker: string; dueAt: number; chat: FleetChat; person: string }[];
}

/** The marker in commitment `id`'s promise. */
export const markerOf = (id: number): string => `«c${String(id).padStart(4, "0")}»`;

const lit = (v: string | number | null): string =>
  v === null ? "NULL" : typeof v === "number" ? String(v) : `'${v.replace(/'/g, "''")}'`;

/**
 * Seeds `chats` (already migrated database at `url`): one commitment per person, due times
 * spread evenly over [`from`, `from` + `spanMs`).
 */
export async function seedFleet(
  url: string,
  chats: FleetChat[],
  from: number,
  spanMs: number,
): Promise<FleetSeeded> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const created = from - 86_400_000;
    const anchor = new Date(created).toISOString().slice(0, 10);
    const total = chats.reduce((n, c) => n + c.people.length, 0);
    const chatRows: string[] = [];
    const personRows: string[] = [];
    const commitmentRows: string[] = [];
    const commitments: FleetSeeded["commitments"] = [];
    let personId = 0;
    chats.forEach((chat, j) => {
      chatRows.push(
        `(${j + 1}, ${lit(chat.platform)}, ${lit(chat.externalId)}, 'group', ${lit(`Group ${j + 1}`)}, ${created})`,
      );
      for (const person of chat.people) {
        personId++;
        personRows.push(
          `(${personId}, ${lit(chat.platform)}, ${lit(person)}, ${lit(`Person ${personId}`)}, ${lit(`person${personId}`)}, false, 'UTC', ${created})`,
        );
        // Interleaved over the minute, so every chat has prompts due early and late.
        const dueAt = from + Math.floor(((personId * 7919) % total) * (spanMs / total));
        const hhmm = new Date(dueAt).toISOString().slice(11, 16);
        const marker = markerOf(personId);
        commitmentRows.push(
          `(${personId}, ${personId}, ${j + 1}, 1, ${lit(`Keep promise ${marker}`)}, ${lit(`daily ${hhmm}`)}, '{"phase":0,"keptInPhase":0,"missesInRow":0}', ${lit(anchor)}, 'UTC', 'group', 'active', ${dueAt}, 0, ${created}, ${created})`,
        );
        commitments.push({ id: personId, marker, dueAt, chat, person });
      }
    });
    await sql.begin(async (tx) => {
      await tx.unsafe(
        `INSERT INTO chats (id, platform, external_id, kind, title, created_at) VALUES ${chatRows.join(",")}`,
      );
      await tx.unsafe(
        `INSERT INTO people (id, platform, external_id, name, username, is_bot, zone, created_at) VALUES ${personRows.join(",")}`,
      );
      await tx.unsafe(
        `INSERT INTO commitments (id, owner_id, chat_id, number, promise, cadence, cadence_state, anchor, zone,
           visibility, state, next_due_at, streak, created_at, updated_at) VALUES ${commitmentRows.join(",")}`,
      );
      for (const [table, last] of [
        ["chats", chats.length],
        ["people", personId],
        ["commitments", personId],
      ] as const)
        await tx.unsafe(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), ${last})`);
    });
    return { commitments };
  } finally {
    await sql.end({ timeout: 1 });
  }
}
