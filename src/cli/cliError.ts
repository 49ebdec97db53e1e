/** A mistake the user can fix: printed as one clear message, exit code 1. */
export class CliError extends Error {
  override name = 'CliError'
}
