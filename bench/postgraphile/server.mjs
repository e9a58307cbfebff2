// PostGraphile 5 over the benchmark database, for the side-by-side read benchmark.
//
// It introspects as the connecting (owner) user, but runs every request as the
// application's non-owner role with the dealer scope the real app sets, through
// pgSettings (PostGraphile's set_config(..., true) in each request's transaction), so
// the same row-level security applies to it as to the GraphQL stack and the
// hand-written endpoint.
//
// Run: DATABASE_URL=... BENCH_DEALER_ID=1 node server.mjs <port>
import { createServer } from "node:http";

import pg from "pg";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

const connectionString = process.env.DATABASE_URL;
const dealerId = Number(process.env.BENCH_DEALER_ID ?? "1");
const port = Number(process.argv[2] ?? "5678");
if (!connectionString) throw new Error("DATABASE_URL is not set");

// The same pool size as the Python servers' (asyncpg, 20).
const pool = new pg.Pool({ connectionString, max: 20 });

const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ pool, schemas: ["public"] })],
  grafast: {
    context() {
      return {
        pgSettings: {
          role: "dealernet_app",
          "app.dealer_ids": `{${dealerId}}`,
          timezone: "UTC",
        },
      };
    },
  },
  grafserv: { port, host: "127.0.0.1", graphiql: false, watch: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on("error", (error) => {
  console.error(error);
  process.exit(1);
});
serv.addTo(server).then(() => server.listen(port, "127.0.0.1"));

const stop = async () => {
  server.close();
  await pgl.release();
  await pool.end();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
