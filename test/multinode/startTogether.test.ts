import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations.js'
import { Cluster } from '../support/cluster.js'

// Issue 14 item 6, SPEC 8: migrations run under an advisory lock, so nodes started at the same
// moment on an empty database migrate it once between them, and all come up.

let cluster: Cluster
before(async () => {
  cluster = await Cluster.create()
})
after(async () => {
  await cluster.close()
})

describe('issue 14.6: two nodes started together on an empty database (SPEC 8)', () => {
  test('both come up, both answer /healthz 200 with the database reachable, and each migration is applied once', {
    timeout: 60_000,
  }, async () => {
    const [empty] = await cluster.query<{ n: number }>(
      "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'",
    )
    assert.equal(empty?.n, 0, 'the database starts empty')

    const nodes = await cluster.start({ name: 'A' }, { name: 'B' })
    for (const node of nodes) {
      const response = await fetch(`${node.url}/healthz`)
      const health = (await response.json()) as { ok: boolean; database: { ok: boolean }; outboxDepth: number }
      assert.equal(response.status, 200, `${node.name}: ${JSON.stringify(health)}`)
      assert.equal(health.database.ok, true)
      assert.equal(health.outboxDepth, 0)
      assert.equal(node.server.child.exitCode, null, `${node.name} is still running`)
    }
    const applied = await cluster.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')
    assert.deepEqual(
      applied.map((row) => row.version),
      POSTGRES_MIGRATIONS.map((migration) => migration.version),
    )
  })
})
