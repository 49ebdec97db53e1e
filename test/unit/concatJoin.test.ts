import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { joinParts } from '../../src/services/concatService.js'
import type { InboundPart } from '../../src/store/schema.js'

function part(number: number, text: string, messageId: string, receivedAt = `2026-03-10T16:00:0${number}.000Z`): InboundPart {
  return {
    message_id: messageId,
    msisdn: '12015550123',
    to_number: '82453',
    concat_ref: '7A',
    concat_total: 3,
    concat_part: number,
    text,
    received_at: receivedAt,
    stored_at: receivedAt,
    joined_message_id: null,
  }
}

describe('SPEC 5 joining the parts of a long inbound text', () => {
  test('parts stored out of order are joined by part number, without separators, under concat:<part 1 id>', () => {
    const joined = joinParts([part(3, 'ago.', 'C'), part(1, 'STOP: moved a', 'A'), part(2, 'way a year ', 'B')], 3)
    assert.deepEqual(joined, {
      messageId: 'concat:A',
      text: 'STOP: moved away a year ago.',
      receivedAt: new Date('2026-03-10T16:00:01.000Z'),
      partIds: ['C', 'A', 'B'],
    })
  })

  test('a missing part → nothing to join yet', () => {
    assert.equal(joinParts([part(1, 'a', 'A'), part(3, 'c', 'C')], 3), null)
  })

  test('a part number seen twice (a reused concat-ref) keeps the later part, and both are marked joined', () => {
    const joined = joinParts([part(1, 'old ', 'OLD'), part(1, 'new ', 'NEW'), part(2, 'b', 'B'), part(3, 'c', 'C')], 3)
    assert.equal(joined?.text, 'new bc')
    assert.equal(joined?.messageId, 'concat:NEW')
    assert.deepEqual(joined?.partIds, ['OLD', 'NEW', 'B', 'C'])
  })
})
