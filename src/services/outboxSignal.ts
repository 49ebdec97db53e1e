// The services that queue SMS and the worker that sends them need each other: the worker records
// its send results through SendResults, and the queuers wake the worker after each commit.
// This holder is made first and breaks that cycle without a variable assigned later. A notify()
// with no listener yet is harmless: the worker looks at the outbox when it starts and on every poll.
export class OutboxSignal {
  private listener: () => void = () => {}

  /** Called after a commit that queued SMS. */
  notify(): void {
    this.listener()
  }

  /** The worker's wake(); one listener, as there is one worker per process. */
  listen(listener: () => void): void {
    this.listener = listener
  }
}
