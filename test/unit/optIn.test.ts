import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import {
  EVENT_SAMPLES,
  isActive,
  mayReceive,
  type OptInEvent,
  type OutboundKind,
  type Region,
  SMS_STATUSES,
  type SmsStatus,
  type Transition,
  transition,
} from '../../src/domain/optIn.js'

function label(event: OptInEvent): string {
  if (event.type === 'inbound') return `inbound:${event.keyword}`
  if (event.type === 'delivery_failed') return `delivery_failed:${event.message}`
  return event.type
}

// Written out by hand from SPEC 4, one column per status in SMS_STATUSES order.
// Cell: '=' keeps the status, otherwise the new status; '+kind' is the SMS queued;
// '!' withdraws the messages still queued for the number. A row named 'event@region' overrides
// the plain row for that region.
const SILENT_OPT_OUT = ['=', 'not_opted_in !', 'not_opted_in !', '=', 'not_opted_in !']
const PATRON_OPT_OUT = ['=', 'not_opted_in !', 'pending_optout +optout !', '=', '=']
const NOTHING = ['=', '=', '=', '=', '=']
const EXPECTED: Readonly<Record<string, readonly string[]>> = {
  //                              not_opted_in                pending_optin               opted_in                    rejected                    pending_optout
  'web_opt_in@us': ['pending_optin +invitation', '=', '=', 'pending_optin +invitation', 'pending_optin +invitation !'],
  'web_opt_in@intl': ['opted_in +confirmation', '=', '=', 'opted_in +confirmation', 'opted_in +confirmation !'],
  web_opt_out: PATRON_OPT_OUT,
  staff_opt_out: PATRON_OPT_OUT,
  number_changed: SILENT_OPT_OUT,
  mobile_removed: SILENT_OPT_OUT,
  record_deleted: SILENT_OPT_OUT,
  carrier_opt_out: SILENT_OPT_OUT,
  'inbound:stop': SILENT_OPT_OUT,
  'inbound:start': ['opted_in +confirmation', 'opted_in +confirmation', '=', 'opted_in +confirmation', 'opted_in +confirmation !'],
  'inbound:yes': ['=', 'opted_in +confirmation', '=', '=', '='],
  'inbound:no': ['=', 'rejected !', '=', '=', '='],
  'inbound:help': ['= +help', '= +help', '= +help', '= +help', '= +help'],
  'inbound:other': NOTHING,
  'delivery_failed:invitation': ['=', 'rejected !', '=', '=', '='],
  'delivery_failed:confirmation@us': NOTHING,
  'delivery_failed:confirmation@intl': ['=', '=', 'rejected !', '=', '='],
  'delivery_failed:optout': NOTHING,
  'delivery_failed:help': NOTHING,
  'delivery_failed:alert': NOTHING,
  invitation_expired: ['=', 'rejected !', '=', '=', '='],
  opt_out_sent: ['=', '=', '=', '=', 'not_opted_in'],
}

function expectedCell(event: OptInEvent, region: Region, column: number): string {
  const row = EXPECTED[`${label(event)}@${region}`] ?? EXPECTED[label(event)]
  const cell = row?.[column]
  if (cell === undefined) throw new Error(`No expected cell for ${label(event)} in column ${column}`)
  return cell
}

function parseCell(cell: string, from: SmsStatus): Transition {
  const [target = '=', ...effects] = cell.split(' ')
  const send = effects.find((e) => e.startsWith('+'))?.slice(1) as OutboundKind | undefined
  return { status: target === '=' ? from : (target as SmsStatus), send: send ?? null, cancelQueued: effects.includes('!') }
}

const REGIONS: readonly Region[] = ['us', 'intl']

describe('transition table (SPEC 4: every status × every event × both regions)', () => {
  test('the expected table has a row for every event sample and nothing else', () => {
    const rowEvents = new Set(Object.keys(EXPECTED).map((key) => key.replace(/@(us|intl)$/, '')))
    assert.deepEqual([...rowEvents].sort(), EVENT_SAMPLES.map(label).sort())
  })

  for (const event of EVENT_SAMPLES) {
    for (const region of REGIONS) {
      SMS_STATUSES.forEach((status, column) => {
        const cell = expectedCell(event, region, column)
        test(`SPEC 4 (${region}): ${status} + ${label(event)} → ${cell}`, () => {
          assert.deepEqual(transition(status, event, region), parseCell(cell, status))
        })
      })
    }
  }
})

describe('EVENT_SAMPLES', () => {
  test('covers every event type, every inbound keyword and every outbound kind once', () => {
    assert.deepEqual(EVENT_SAMPLES.map(label), [
      'web_opt_in',
      'web_opt_out',
      'staff_opt_out',
      'number_changed',
      'mobile_removed',
      'record_deleted',
      'inbound:stop',
      'inbound:start',
      'inbound:yes',
      'inbound:no',
      'inbound:help',
      'inbound:other',
      'delivery_failed:invitation',
      'delivery_failed:confirmation',
      'delivery_failed:optout',
      'delivery_failed:help',
      'delivery_failed:alert',
      'carrier_opt_out',
      'invitation_expired',
      'opt_out_sent',
    ])
  })
})

function run(start: SmsStatus, events: readonly OptInEvent[], region: Region): Transition[] {
  const steps: Transition[] = []
  let status = start
  for (const event of events) {
    const step = transition(status, event, region)
    steps.push(step)
    status = step.status
  }
  return steps
}

describe('opt-in scenarios (SPEC 4.3–4.8)', () => {
  test('SPEC 4.3: a US patron who opts in gets one invitation, and replying YES opts them in with a confirmation', () => {
    const [optIn, yes] = run('not_opted_in', [{ type: 'web_opt_in' }, { type: 'inbound', keyword: 'yes' }], 'us')
    assert.deepEqual(optIn, { status: 'pending_optin', send: 'invitation', cancelQueued: false })
    assert.deepEqual(yes, { status: 'opted_in', send: 'confirmation', cancelQueued: false })
  })

  test('SPEC 4.3: re-submitting the form while pending sends no second invitation', () => {
    assert.deepEqual(transition('pending_optin', { type: 'web_opt_in' }, 'us'), {
      status: 'pending_optin',
      send: null,
      cancelQueued: false,
    })
  })

  test('SPEC 4.3: a US invitation answered NO becomes rejected, and re-submitting from rejected starts again', () => {
    const [no, again] = run('pending_optin', [{ type: 'inbound', keyword: 'no' }, { type: 'web_opt_in' }], 'us')
    assert.equal(no?.status, 'rejected')
    assert.deepEqual(again, { status: 'pending_optin', send: 'invitation', cancelQueued: false })
  })

  test('SPEC 4.3: an invitation nobody answers within SMS_OPTIN_EXPIRY_HOURS becomes rejected', () => {
    assert.equal(transition('pending_optin', { type: 'invitation_expired' }, 'us').status, 'rejected')
  })

  test('SPEC 4.3: an invitation the gateway refuses makes the registration rejected', () => {
    assert.equal(transition('pending_optin', { type: 'delivery_failed', message: 'invitation' }, 'us').status, 'rejected')
  })

  test('SPEC 4.3: outside the US opting in is immediate with a confirmation SMS, and an undeliverable confirmation rejects it', () => {
    const [optIn, failed] = run('not_opted_in', [{ type: 'web_opt_in' }, { type: 'delivery_failed', message: 'confirmation' }], 'intl')
    assert.deepEqual(optIn, { status: 'opted_in', send: 'confirmation', cancelQueued: false })
    assert.equal(failed?.status, 'rejected')
  })

  test('SPEC 4.3: in the US an undeliverable confirmation after YES leaves the patron opted in (the phone already answered)', () => {
    assert.equal(transition('opted_in', { type: 'delivery_failed', message: 'confirmation' }, 'us').status, 'opted_in')
  })

  test('SPEC 4.4: a web opt-out queues the single opt-out text and, once handed to the gateway, ends as not_opted_in', () => {
    const [optOut, sent] = run('opted_in', [{ type: 'web_opt_out' }, { type: 'opt_out_sent' }], 'us')
    assert.deepEqual(optOut, { status: 'pending_optout', send: 'optout', cancelQueued: true })
    assert.deepEqual(sent, { status: 'not_opted_in', send: null, cancelQueued: false })
  })

  test('SPEC 4.4: opting out before confirming the invitation sends nothing', () => {
    assert.deepEqual(transition('pending_optin', { type: 'web_opt_out' }, 'us'), { status: 'not_opted_in', send: null, cancelQueued: true })
  })

  test('SPEC 4.4: opting back in while the opt-out text is still queued withdraws that text', () => {
    assert.deepEqual(transition('pending_optout', { type: 'web_opt_in' }, 'us'), {
      status: 'pending_optin',
      send: 'invitation',
      cancelQueued: true,
    })
  })

  test('SPEC 4.5/4.7: a changed number ends the old registration silently, and opting in again invites the new number', () => {
    const [changed, optIn] = run('opted_in', [{ type: 'number_changed' }, { type: 'web_opt_in' }], 'us')
    assert.deepEqual(changed, { status: 'not_opted_in', send: null, cancelQueued: true })
    assert.deepEqual(optIn, { status: 'pending_optin', send: 'invitation', cancelQueued: false })
  })

  test('SPEC 4.6: an opted-in patron who texts STOP is opted out at once, gets no text from us, and queued alerts are withdrawn', () => {
    const step = transition('opted_in', { type: 'inbound', keyword: 'stop' }, 'us')
    assert.deepEqual(step, { status: 'not_opted_in', send: null, cancelQueued: true })
    assert.equal(mayReceive(step.status, 'alert'), false)
  })

  test('SPEC 4.6: STOP while the web opt-out text is queued cancels that text too', () => {
    assert.deepEqual(transition('pending_optout', { type: 'inbound', keyword: 'stop' }, 'us'), {
      status: 'not_opted_in',
      send: null,
      cancelQueued: true,
    })
  })

  test('SPEC 4.6: START from an opted-out number re-opts in with a confirmation', () => {
    assert.deepEqual(transition('not_opted_in', { type: 'inbound', keyword: 'start' }, 'us'), {
      status: 'opted_in',
      send: 'confirmation',
      cancelQueued: false,
    })
  })

  test('SPEC 4.6: YES from a number that is not pending does not opt it in', () => {
    for (const status of ['not_opted_in', 'rejected', 'pending_optout'] as const) {
      assert.equal(transition(status, { type: 'inbound', keyword: 'yes' }, 'us').status, status)
    }
  })

  test('SPEC 4.6: HELP is answered with the help text whatever the status, and changes nothing', () => {
    for (const status of SMS_STATUSES) {
      assert.deepEqual(transition(status, { type: 'inbound', keyword: 'help' }, 'intl'), { status, send: 'help', cancelQueued: false })
    }
  })

  test('SPEC 4.6: a carrier opt-out receipt (err-code 9) opts the patron out silently', () => {
    assert.deepEqual(transition('opted_in', { type: 'carrier_opt_out' }, 'us'), { status: 'not_opted_in', send: null, cancelQueued: true })
  })

  test('SPEC 4.8: deleting the record or the MOBILE PH field opts out silently and cancels queued messages', () => {
    for (const type of ['record_deleted', 'mobile_removed'] as const) {
      assert.deepEqual(transition('opted_in', { type }, 'us'), { status: 'not_opted_in', send: null, cancelQueued: true })
    }
  })
})

describe('isActive and mayReceive (SPEC 4.2, SPEC 5)', () => {
  test('SPEC 4.2: only pending_optin and opted_in hold a number exclusively', () => {
    assert.deepEqual(SMS_STATUSES.filter(isActive), ['pending_optin', 'opted_in'])
  })

  test('SPEC 5: the outbox worker sends each kind of SMS only in its status (help in any)', () => {
    const allowed = Object.fromEntries(
      (['invitation', 'confirmation', 'optout', 'help', 'alert'] as const).map((kind) => [
        kind,
        SMS_STATUSES.filter((s) => mayReceive(s, kind)),
      ]),
    )
    assert.deepEqual(allowed, {
      invitation: ['pending_optin'],
      confirmation: ['opted_in'],
      optout: ['pending_optout'],
      help: ['not_opted_in', 'pending_optin', 'opted_in', 'rejected', 'pending_optout'],
      alert: ['opted_in'],
    })
  })
})

describe('opt-in properties', () => {
  const status = fc.constantFrom(...SMS_STATUSES)
  const event = fc.constantFrom(...EVENT_SAMPLES)
  const region = fc.constantFrom<Region>('us', 'intl')

  test('SPEC 4 property: transition never throws and always answers a known status', () => {
    fc.assert(
      fc.property(status, event, region, (s, e, r) => {
        assert.ok(SMS_STATUSES.includes(transition(s, e, r).status))
      }),
      { numRuns: 10_000 },
    )
  })

  test('SPEC 5 property: whenever a number stops being allowed alerts, its queued messages are withdrawn', () => {
    fc.assert(
      fc.property(status, event, region, (s, e, r) => {
        const next = transition(s, e, r)
        if (mayReceive(s, 'alert') && !mayReceive(next.status, 'alert')) assert.equal(next.cancelQueued, true)
      }),
      { numRuns: 10_000 },
    )
  })

  test('SPEC 4.6 property: after STOP from any status, no events short of a new opt-in (web, START, YES) let invitations, confirmations or alerts through', () => {
    const isConsent = (e: OptInEvent): boolean =>
      e.type === 'web_opt_in' || (e.type === 'inbound' && (e.keyword === 'start' || e.keyword === 'yes'))
    const nonConsent = fc.constantFrom(...EVENT_SAMPLES.filter((e) => !isConsent(e)))
    fc.assert(
      fc.property(status, region, fc.array(nonConsent, { maxLength: 30 }), (start, r, events) => {
        const steps = run(start, [{ type: 'inbound', keyword: 'stop' }, ...events], r)
        for (const step of steps) {
          for (const kind of ['alert', 'invitation', 'confirmation'] as const) {
            assert.equal(mayReceive(step.status, kind), false, `${kind} allowed in ${step.status}`)
            assert.notEqual(step.send, kind)
          }
        }
      }),
      { numRuns: 10_000 },
    )
  })
})
