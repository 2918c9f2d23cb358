import { defineConfig } from "drizzle-kit";

/** drizzle-kit reads the PostgreSQL schema and writes its migrations into migrations/pg/. */
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/store/pg/schema.ts",
  out: "./migrations/pg",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres" },
});
