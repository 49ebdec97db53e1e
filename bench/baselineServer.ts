// The yardstick: a bare Express 5 server answering "hello", measured in the same run.
import express from 'express'

const app = express()
app.get('/', (_req, res) => {
  res.send('hello')
})
app.get('/healthz', (_req, res) => {
  res.send('ok')
})
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address()
  if (typeof address === 'object' && address) process.stdout.write(`listening on http://127.0.0.1:${address.port}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
