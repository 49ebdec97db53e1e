/** The answer of a check or a parse that may fail: the value, or why not. One shape for all of them. */
export type Result<T, E = string> = { ok: true; value: T } | { ok: false; error: E }
