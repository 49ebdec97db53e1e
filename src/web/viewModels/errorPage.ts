interface ErrorPage {
  title: string
  message: string
  /** The stack, outside production only. */
  detail: string | null
}

export function errorPage(title: string, message: string, detail: string | null = null): ErrorPage {
  return { title, message, detail }
}
