import { defineConfig } from "vitest/config";

/**
 * Two projects, both run by `npm test`: `fast` for the inner loop (`npx vitest --project fast`,
 * under half a minute) and `slow` for the suites that spawn processes, kill workers or sweep
 * thousands of generated cases.
 */
const SLOW = [
  "tests/crash.test.ts",
  "tests/startup.test.ts",
  "tests/console.e2e.test.ts",
  "tests/platforms.e2e.test.ts",
  "tests/story.test.ts",
  "tests/forged-actions.property.test.ts",
  "tests/stranded.test.ts",
  "tests/examples.test.ts",
];

const SETUP = ["tests/support/setup.ts"];

export default defineConfig({
  test: {
    projects: [
      { test: { name: "fast", include: ["tests/**/*.test.ts"], exclude: SLOW, setupFiles: SETUP } },
      { test: { name: "slow", include: SLOW, setupFiles: SETUP } },
    ],
  },
});
