/**
 * Prisma client (prisma-client generator + @prisma/adapter-pg: no engine binary at run time).
 * One per process, created on first use from the resolved DATABASE_URL.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { env } from "../config/env";
import { PrismaClient } from "./generated/client";

const globalForPrisma = globalThis as unknown as { __opsdeckPrisma?: PrismaClient };

export function prisma(): PrismaClient {
  if (!globalForPrisma.__opsdeckPrisma) {
    const adapter = new PrismaPg({ connectionString: env().DATABASE_URL, connectionTimeoutMillis: 5000, max: 10 });
    globalForPrisma.__opsdeckPrisma = new PrismaClient({ adapter });
  }
  return globalForPrisma.__opsdeckPrisma;
}

export async function disconnectPrisma() {
  await globalForPrisma.__opsdeckPrisma?.$disconnect();
  globalForPrisma.__opsdeckPrisma = undefined;
}
