/** Writes to stdout, waiting when the reader (a pipe, a file) is slower than we are. */
export async function writeOut(text: string): Promise<void> {
  if (process.stdout.write(text)) return
  await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()))
}
