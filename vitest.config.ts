import { defineConfig } from "vitest/config";

/**
 * Three projects, all run by `npm test`: `fast` for the inner loop (`npx vitest --project fast`),
 * `slow` for the suites that spawn processes, kill workers or sweep thousands of generated
 * cases, and `postgres`, the fast suite again with every store on PostgreSQL.
 */
const SLOW = [
  "tests/crash.test.ts",
  "tests/fleet.test.ts",
  "tests/fleet.test.ts",
  "tests/startup.test.ts",
  "tests/console.e2e.test.ts",
  "tests/platforms.e2e.test.ts",
  "tests/story.test.ts",
  "tests/transcripts.test.ts",
  "tests/forged-actions.property.test.ts",
  "tests/stranded.test.ts",
  "tests/examples.test.ts",
];

const SETUP = ["tests/support/setup.ts"];

/** Tests of SQLite itself (its file, its prepared statements). */
const SQLITE_ONLY = ["tests/checkpoint.test.ts", "tests/store.views.test.ts"];

/** Tests that open no store at all (pure readers, renderers, limiters): once is enough. */
const STORELESS = [
  "tests/cadence.*.test.ts",
  "tests/catchup.span.test.ts",
  "tests/commands.test.ts",
  "tests/config.test.ts",
  "tests/consistency.test.ts",
  "tests/console.test.ts",
  "tests/discord.render.test.ts",
  "tests/dispatch.batches.test.ts",
  "tests/dispatch.limiter.test.ts",
  "tests/dispatch.outcomes.test.ts",
  "tests/history.words.test.ts",
  "tests/input.examples.test.ts",
  "tests/input.phrasings.test.ts",
  "tests/input.properties.test.ts",
  "tests/steps.test.ts",
  "tests/store.schemas.test.ts",
  "tests/picture.test.ts",
  // Their PostgreSQL halves open their own databases, whichever project runs them.
  "tests/roles.test.ts",
  "tests/migrate-to-postgres.test.ts",
];

export default defineConfig({
  test: {
    projects: [
      { test: { name: "fast", include: ["tests/**/*.test.ts"], exclude: SLOW, setupFiles: SETUP } },
      { test: { name: "slow", include: SLOW, setupFiles: SETUP } },
      // The same tests again on PostgreSQL (tests/support/stores.ts): the local server when it
      // answers, else an embedded one. Slower per test (a schema each, queries over a socket).
      {
        test: {
          name: "postgres",
          include: ["tests/**/*.test.ts"],
          exclude: [...SLOW, ...SQLITE_ONLY, ...STORELESS],
          setupFiles: SETUP,
          env: { AMENDS_TEST_STORE: "postgres" },
          testTimeout: 30_000,
        },
      },
    ],
  },
});
