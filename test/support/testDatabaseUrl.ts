// Apart from database.ts, whose import registers a node:test hook: scripts/test.sh's
// checkPostgres.ts reads this outside the test runner.
/** Where npm test finds PostgreSQL: a server and an existing database it may create others from. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
