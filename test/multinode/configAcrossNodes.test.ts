import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { BENCH_PIN, benchBarcode } from '../../bench/lib/seedDatabase.js'
import { Cluster, type PortalNode } from '../support/cluster.js'
import { CookieJarClient } from '../support/cookieJar.js'
import { WebClient } from '../support/staffClient.js'
import { eventually } from '../support/testApp.js'

// Issue 14 item 3 and 6: every node watches the config files on the shared storage (here one
// directory both processes read); a save through one node's staff console reaches the others.

const STAFF = { username: 'alice', password: 'alice-password-1' }
const PATRON_ID = 1

let cluster: Cluster
let a: PortalNode
let b: PortalNode
before(async () => {
  cluster = await Cluster.create({ seed: { patrons: 1, optedIn: 1 }, messagesConf: '# messages\nSMS_STATUS_OPTED_IN=Opted In\n' })
  ;[a, b] = (await cluster.start({ name: 'A' }, { name: 'B' })) as [PortalNode, PortalNode]
  await cluster.addStaff(STAFF.username, STAFF.password)
})
after(async () => {
  await cluster.close()
})

describe('issue 14.6: config files on several nodes (SPEC 2, 8)', () => {
  test("a messages.conf edit saved through A's staff console (login, CSRF) shows on B's patron page within 2 seconds", {
    timeout: 30_000,
  }, async (t) => {
    const patron = new CookieJarClient(b.url)
    assert.equal((await patron.logIn(benchBarcode(PATRON_ID - 1), BENCH_PIN)).status, 303)
    const statusOnB = async () => /data-qa="sms-status">([^<]*)</.exec((await patron.get(`/patroninfo/${PATRON_ID}/top`)).html)?.[1]
    assert.equal(await statusOnB(), 'Opted In')

    const staff = new WebClient(a.url)
    assert.equal((await staff.staffLogIn(STAFF.username, STAFF.password)).status, 303)
    const editor = await staff.get('/staff/config/messages.conf')
    assert.equal(editor.status, 200)
    const version = /name="version" value="([^"]+)"/.exec(editor.text)?.[1] ?? ''
    const saved = await staff.post(
      '/staff/config/messages.conf',
      { version, text: '# messages\nSMS_STATUS_OPTED_IN=Signed up for texts\n' },
      editor,
    )
    assert.equal(saved.status, 303, 'A saved the file')
    const savedAt = Date.now()

    const onA = await patron.at(a.url).get(`/patroninfo/${PATRON_ID}/top`)
    assert.match(onA.html, /data-qa="sms-status">Signed up for texts</, 'A uses its save for the next request')
    // The 2-second bound of issue 14 item 3, as a deadline to poll B against.
    await eventually(async () => (await statusOnB()) === 'Signed up for texts', Math.max(0, 2_000 - (Date.now() - savedAt)))
    t.diagnostic(`B showed the edit ${Date.now() - savedAt} ms after A's save`)
  })
})
