import type { InboundInput } from '../sms/gateway.js'
import type { ConcatInfo } from '../sms/webhooks.js'
import type { InboundPart } from '../store/schema.js'
import type { ServiceDeps } from './deps.js'
import type { InboundTexts } from './inboundTexts.js'

interface PartResult {
  duplicate: boolean
  /** The id the joined text was handled under, once every part is in. */
  joinedMessageId: string | null
}

interface JoinedText {
  messageId: string
  text: string
  receivedAt: Date
  partIds: string[]
}

// Vonage retries an unanswered part for 24 hours; parts older than that belong to another
// message that happened to reuse the phone's concat-ref (a one-byte counter).
const PART_WINDOW_MS = 24 * 3_600_000

/**
 * The joined text goes in as `concat:<messageId of part 1>`: concat-ref alone repeats over
 * time, part 1's id does not, and it is the same whichever part completes the message.
 */
export function joinParts(parts: readonly InboundPart[], total: number): JoinedText | null {
  const byNumber = new Map<number, InboundPart>()
  // Oldest first, so a part number seen twice keeps the newer one.
  for (const part of parts) byNumber.set(part.concat_part, part)
  const ordered: InboundPart[] = []
  for (let number = 1; number <= total; number += 1) {
    const part = byNumber.get(number)
    if (!part) return null
    ordered.push(part)
  }
  const first = ordered[0]
  if (!first) return null
  const receivedAt = ordered.map((part) => part.received_at).sort()[0] ?? first.received_at
  return {
    messageId: `concat:${first.message_id}`,
    text: ordered.map((part) => part.text).join(''),
    receivedAt: new Date(receivedAt),
    partIds: parts.map((part) => part.message_id),
  }
}

// Long texts arrive in parts: each part is stored (and may be answered 200) on its own, and
// the whole text is read for keywords once, when the last part is in.
export class ConcatService {
  constructor(private readonly deps: Pick<ServiceDeps, 'store' | 'clock'> & { inboundTexts: Pick<InboundTexts, 'handle'> }) {}

  async receivePart(message: InboundInput, concat: ConcatInfo): Promise<PartResult> {
    const { store, inboundTexts, clock } = this.deps
    const now = clock()
    const part: InboundPart = {
      message_id: message.messageId,
      msisdn: message.msisdn,
      to_number: message.to,
      concat_ref: concat.ref,
      concat_total: concat.total,
      concat_part: concat.part,
      text: message.text,
      received_at: message.receivedAt.toISOString(),
      stored_at: now.toISOString(),
      joined_message_id: null,
    }
    const group = { msisdn: message.msisdn, toNumber: message.to, ref: concat.ref, total: concat.total }
    const since = new Date(now.getTime() - PART_WINDOW_MS).toISOString()
    // One unit of the webhooks' group commit: the part goes in with the read of what it completes.
    const { fresh, parts } = await store.transaction(async (repos) => {
      const fresh = await repos.inboundParts.record(part)
      return { fresh, parts: await repos.inboundParts.openParts(group, since) }
    })
    const whole = joinParts(parts, concat.total)
    if (!whole) return { duplicate: !fresh, joinedMessageId: null }
    // handle() is idempotent on the message id, so a crash before markJoined is
    // repaired by Vonage redelivering the part we had not yet answered.
    const { messageId, text, receivedAt } = whole
    await inboundTexts.handle({ messageId, msisdn: message.msisdn, to: message.to, text, receivedAt })
    await store.transaction((repos) => repos.inboundParts.markJoined(whole.partIds, whole.messageId))
    return { duplicate: !fresh, joinedMessageId: whole.messageId }
  }
}
