import { defineConfig } from "drizzle-kit";

/**
 * drizzle-kit reads the SQLite schema and writes its migrations into migrations/sqlite/
 * (`npm run db:generate` runs this and drizzle.pg.config.ts).
 */
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/store/sqlite/schema.ts",
  out: "./migrations/sqlite",
  dbCredentials: { url: process.env.DATABASE_PATH ?? "./data/amends.sqlite" },
});
