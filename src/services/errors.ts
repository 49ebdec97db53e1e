import type { MessageKey } from '../config/messages.js'

/** A failure the patron or librarian caused and can fix; its text is shown to them. */
export class DomainError extends Error {
  override name = 'DomainError'
  constructor(
    readonly messageKey: MessageKey | null,
    message: string,
    readonly status = 400,
  ) {
    super(message)
  }
}

export class NotFoundError extends DomainError {
  override name = 'NotFoundError'
  constructor(what: string) {
    super(null, `${what} not found`, 404)
  }
}
