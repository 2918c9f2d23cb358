import { defineConfig } from "drizzle-kit";

/** drizzle-kit reads the schema and writes SQL migrations into migrations/ (`npm run db:generate`). */
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/store/schema.ts",
  out: "./migrations",
  dbCredentials: { url: process.env.DATABASE_PATH ?? "./data/amends.sqlite" },
});
