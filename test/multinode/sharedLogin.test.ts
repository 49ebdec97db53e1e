import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { BENCH_PIN, benchBarcode } from '../../bench/lib/seedDatabase.js'
import { Cluster, type PortalNode } from '../support/cluster.js'
import { CookieJarClient, type HttpPage, textOf } from '../support/cookieJar.js'

// Issue 14 item 6: two portal nodes (separate processes, both WEBPAC_ROLE=all) on one PostgreSQL
// database. A browser's requests land on either node, as behind a load balancer.

const TOO_MANY = /Too many attempts, try again later/

/** Bench patron i: id i + 1, barcode benchBarcode(i), PIN BENCH_PIN. */
const patron = (i: number) => ({ id: i + 1, barcode: benchBarcode(i), name: `Bench Patron ${i}` })

let cluster: Cluster
let a: PortalNode
let b: PortalNode
before(async () => {
  cluster = await Cluster.create({ seed: { patrons: 10, optedIn: 0 } })
  ;[a, b] = (await cluster.start({ name: 'A' }, { name: 'B' })) as [PortalNode, PortalNode]
})
after(async () => {
  await cluster.close()
})

describe('issue 14.6: sessions live in the database (SPEC 8)', () => {
  test('log in on node A: the same cookie opens the patron pages on node B; logging out on B ends the session on A', {
    timeout: 30_000,
  }, async () => {
    const { id, barcode, name } = patron(0)
    const onA = new CookieJarClient(a.url)
    const onB = onA.at(b.url)
    assert.equal((await onB.get(`/patroninfo/${id}/top`)).status, 303, 'before the login, B sends the visitor to the login page')

    const login = await onA.logIn(barcode, BENCH_PIN)
    assert.equal(login.status, 303)
    assert.equal(login.location, `/patroninfo/${id}/top`)

    const top = await onB.get(`/patroninfo/${id}/top`)
    assert.equal(top.status, 200, 'B knows the session A started')
    assert.match(textOf(top.html), new RegExp(`${name} .*${barcode}`))
    assert.equal((await onA.get(`/patroninfo/${id}/top`)).status, 200)

    // B's page carries the session's CSRF token: B's logout form is accepted.
    await onB.get(`/patroninfo/${id}/modpinfo`)
    const out = await onB.post('/logout', {})
    assert.equal(out.status, 303)
    assert.equal(out.location, '/patroninfo?loggedout=1')

    const afterLogout = await onA.get(`/patroninfo/${id}/top`)
    assert.equal(afterLogout.status, 303, 'A no longer knows the session B ended')
    assert.equal(afterLogout.location, '/patroninfo')
  })
})

describe('issue 14.6: the login throttle counts in the database (SPEC 7, SPEC 8)', () => {
  /** A browser at `address` (the portal trusts X-Forwarded-For from its proxy on loopback) with the login form open on `node`. */
  async function guesserAt(node: PortalNode, address: string) {
    const client = new CookieJarClient(node.url)
    const headers = { 'x-forwarded-for': address }
    assert.equal((await client.get('/patroninfo', headers)).status, 200)
    return (barcode: string, pin: string): Promise<HttpPage> => client.post('/patroninfo', { code: barcode, pin }, headers)
  }

  test('5 wrong PINs for one card from one address, split 3 on A and 2 on B, count together: the 6th attempt is refused with 429 on either node, even with the right PIN', {
    timeout: 30_000,
  }, async () => {
    const { barcode } = patron(1)
    const onA = await guesserAt(a, '203.0.113.7')
    const onB = await guesserAt(b, '203.0.113.7')
    for (const [i, guess] of [onA, onB, onA, onB, onA].entries()) {
      const page = await guess(barcode, `000${i}`)
      assert.equal(page.status, 401, `wrong PIN ${i + 1} is checked and refused`)
    }
    for (const [node, guess] of [
      ['B', onB],
      ['A', onA],
    ] as const) {
      const sixth = await guess(barcode, BENCH_PIN)
      assert.equal(sixth.status, 429, `the 6th attempt on ${node}`)
      assert.match(textOf(sixth.html), TOO_MANY)
    }

    // The count is per card and address: the card's owner, elsewhere, still logs in (SECURITY.md).
    const owner = await guesserAt(b, '198.51.100.20')
    const login = await owner(barcode, BENCH_PIN)
    assert.equal(login.status, 303)
    assert.equal(login.location, `/patroninfo/${patron(1).id}/top`)
  })

  test('12 wrong PINs for one card sent at once, 6 to each node: at most 5 are checked, the rest answer 429', {
    timeout: 30_000,
  }, async () => {
    const { barcode } = patron(2)
    const onA = await guesserAt(a, '203.0.113.9')
    const onB = await guesserAt(b, '203.0.113.9')
    const pages = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? onA : onB)(barcode, `1${String(i).padStart(3, '0')}`)),
    )
    for (const page of pages) assert.ok(page.status === 401 || page.status === 429, `unexpected ${page.status}`)
    const checked = pages.filter((page) => page.status === 401).length
    assert.ok(checked >= 1 && checked <= 5, `${checked} PINs were checked`)
    assert.equal((await onA(barcode, BENCH_PIN)).status, 429)
  })
})
