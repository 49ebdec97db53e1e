// Reading what a browser sent. Bodies, queries and path parameters are whatever the client
// chose to send: a field may be missing, repeated (an array) or nested, and is read as text or not at all.

/** A field error as the error summary and the field partial show it: `field` is the input's id. */
export interface FieldError<Field extends string = string> {
  field: Field
  message: string
}

/** A posted form field as text; '' when it is missing or not a single string. */
export function bodyField(body: unknown, name: string): string {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined
  return typeof value === 'string' ? value : ''
}

/** A query-string value as text; '' when it is missing or repeated. */
export function queryText(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

const ID = /^\d{1,15}$/

/** A record's id in a path: digits that fit a safe integer, or null for anything else. */
export function idParam(value: unknown): number | null {
  return typeof value === 'string' && ID.test(value) ? Number(value) : null
}

/** One error for each required field left empty, in the form's order. */
export function emptyFieldErrors<Field extends string>(
  fields: readonly { field: Field; value: string; message: string }[],
): FieldError<Field>[] {
  return fields.filter(({ value }) => value === '').map(({ field, message }) => ({ field, message }))
}

/** Each field's message by its id, for the field partial. */
export function fieldErrorMap<Field extends string>(errors: readonly FieldError<Field>[]): Partial<Record<Field, string>> {
  const map: Partial<Record<Field, string>> = {}
  for (const error of errors) map[error.field] = error.message
  return map
}
