import { prisma } from "../db/prisma";

/** False on a fresh install, before the first admin exists. */
export async function hasAnyUser(): Promise<boolean> {
  return (await prisma().user.findFirst({ select: { id: true } })) !== null;
}
