import { defineConfig } from "prisma/config";

// Used by the prisma CLI only (generate). The console applies migrations itself (lib/db/migrate.ts).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/opsdeck" },
});
