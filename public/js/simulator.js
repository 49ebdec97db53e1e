// The simulator with JavaScript: new texts appear in the open conversation without a reload
// (the list is a polite live region, so screen readers announce them). Without JavaScript the
// "Refresh the conversation" link does the same.
const list = document.querySelector('.conversation[data-messages-url]')

function formatTime(iso, timeZone) {
  const options = { timeZone, year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }
  return new Intl.DateTimeFormat('en-US', options).format(new Date(iso))
}

function paragraph(className, ...children) {
  const p = document.createElement('p')
  p.className = className
  p.append(...children)
  return p
}

function messageItem(message, timeZone) {
  const item = document.createElement('li')
  item.className = `message message--${message.direction}`
  item.dataset.qa = 'message'
  item.dataset.direction = message.direction
  const who = document.createElement('span')
  who.className = 'message__who'
  who.textContent = message.direction === 'outbound' ? `Received from ${message.from}` : `Sent to ${message.to}`
  const time = document.createElement('time')
  time.dateTime = message.at
  time.textContent = formatTime(message.at, timeZone)
  item.append(paragraph('message__meta', who, ' · ', time), paragraph('message__text', message.text))
  return item
}

async function poll() {
  const response = await fetch(list.dataset.messagesUrl, { headers: { accept: 'application/json' } })
  if (!response.ok) return false
  const messages = await response.json()
  const shown = Number(list.dataset.count)
  if (messages.length > shown) {
    for (const message of messages.slice(shown)) list.append(messageItem(message, list.dataset.timezone))
    list.dataset.count = String(messages.length)
    document.querySelector('.phone__empty')?.remove()
  }
  return true
}

if (list) {
  const timer = setInterval(() => {
    poll().then(
      (ok) => {
        if (!ok) clearInterval(timer)
      },
      () => clearInterval(timer),
    )
  }, 2000)
}
