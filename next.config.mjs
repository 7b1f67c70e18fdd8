// @ts-check

const isDev = process.env.NODE_ENV !== "production";

// Without a per-request nonce (which needs a proxy at the project root), the App Router's
// inline bootstrap scripts (self.__next_f.push(...)) need 'unsafe-inline'. Everything else is
// same-origin only. Dev mode adds eval (React's call-stack reconstruction) and the HMR socket.
const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${isDev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  `connect-src 'self'${isDev ? " ws: wss:" : ""}`,
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const securityHeaders = [
  { key: "Content-Security-Policy", value: contentSecurityPolicy },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "no-referrer" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
];

/** @type {import("next").NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `npm run typecheck` (tsc --noEmit, part of `npm test`) checks the whole tree; the build
  // would check it again, tests and scripts included, and fail on code the app never runs.
  typescript: { ignoreBuildErrors: true },
  // Loaded from node_modules at run time: PGlite and the schema engine ship WebAssembly and
  // data files that Turbopack must not bundle, and Prisma's adapter stack must share one
  // copy of pg with them.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "@electric-sql/pglite-socket",
    "pg",
    "@prisma/adapter-pg",
    "@prisma/client",
    "@prisma/schema-engine-wasm",
    "@prisma/driver-adapter-utils",
  ],
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
