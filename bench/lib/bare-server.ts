// Baseline for the event-creation benchmark: a bare Fastify route that inserts one row per request
// into the same SQLite file, with the same pragmas. No validation, routing, timeline or auth.
import Database from 'better-sqlite3';
import Fastify from 'fastify';

const [file, port] = [process.argv[2], Number(process.argv[3])];
const sqlite = new Database(file);
sqlite.pragma('journal_mode = WAL');
sqlite.pragma('synchronous = NORMAL');
sqlite.exec('create table if not exists bench_rows (id integer primary key, body text not null, created_at text not null)');
const insert = sqlite.prepare('insert into bench_rows (body, created_at) values (?, ?)');
const app = Fastify({ logger: false });
app.post('/rows', async (req, reply) => {
  const r = insert.run(JSON.stringify(req.body), new Date().toISOString());
  return reply.code(201).send({ id: r.lastInsertRowid });
});
await app.listen({ host: '127.0.0.1', port });
process.send?.('ready');
