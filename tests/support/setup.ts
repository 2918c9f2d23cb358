/** Registered for every test file (vitest.config.ts): stores a file opened are closed and dropped after it. */
import { afterAll } from "vitest";
import { closeTestStores } from "./stores";

afterAll(async () => {
  await closeTestStores();
});
