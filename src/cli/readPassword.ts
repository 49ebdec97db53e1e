import { CliError } from './cliError.js'

const CTRL_C = '\u0003'
const CTRL_D = '\u0004'
const BACKSPACES = new Set(['\u007f', '\b'])

/**
 * A password for `staff add`: typed at a prompt that shows nothing (asked twice), or the first
 * line of stdin when it is a pipe (`echo "$PW" | webpac staff add alice`), for scripts.
 */
export async function readPassword(username: string): Promise<string> {
  if (!process.stdin.isTTY) return firstLineOfStdin()
  const password = await promptHidden(`Password for ${username}: `)
  const again = await promptHidden('Repeat the password: ')
  if (password !== again) throw new CliError('the two passwords differ; nothing was changed')
  return password
}

async function firstLineOfStdin(): Promise<string> {
  let text = ''
  for await (const chunk of process.stdin) {
    text += String(chunk)
    if (text.includes('\n')) break
  }
  const line = text.split(/\r?\n/)[0] ?? ''
  if (line === '') throw new CliError('no password: type it at the prompt, or give it as the first line of stdin')
  return line
}

function promptHidden(question: string): Promise<string> {
  const { stdin, stderr } = process
  return new Promise((resolve, reject) => {
    let value = ''
    const finish = () => {
      stdin.off('data', onData)
      stdin.setRawMode(false)
      stdin.pause()
      stderr.write('\n')
    }
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') {
          finish()
          resolve(value)
          return
        }
        if (char === CTRL_C || (char === CTRL_D && value === '')) {
          finish()
          reject(new CliError('cancelled; nothing was changed'))
          return
        }
        if (BACKSPACES.has(char)) value = Array.from(value).slice(0, -1).join('')
        else if (char >= ' ') value += char
      }
    }
    stderr.write(question)
    stdin.setRawMode(true)
    stdin.setEncoding('utf8')
    stdin.on('data', onData)
    stdin.resume()
  })
}
