/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships WASM and data files that must be loaded from node_modules, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "nodemailer"],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
