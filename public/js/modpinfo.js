// Modify Personal Information (SPEC 3) with JavaScript: before an opt-out or a change of the
// registered number, ask with confirm(). OK submits with the answer in the hidden `confirm`
// field; Cancel stops the submit and nothing changes. Without JavaScript the server asks the
// same question on a page of its own, so this file only makes it quicker.
const form = document.getElementById('modpinfo-form')
const optin = document.getElementById('optin')
const mobile = document.getElementById('mobile')
const answer = document.getElementById('confirm')

const digits = (text) => text.replace(/\D/g, '')

// The same rule as the server: formatting never makes a number different (SPEC 4.5).
function sameNumber(typed, registered) {
  const typedDigits = digits(typed)
  return typedDigits === registered || (typedDigits.length >= 10 && registered.endsWith(typedDigits))
}

// Which warning this save needs: 'optout', 'phone' or null (mirrors the server's rule).
function warningNeeded() {
  if (form.dataset.active !== 'true') return null
  const typedDigits = digits(mobile.value)
  // A number of the wrong length is refused by the server first; asking about it would be noise.
  if (typedDigits !== '' && (typedDigits.length < 10 || typedDigits.length > 15)) return null
  const changed = !sameNumber(mobile.value, form.dataset.registered || '')
  const optingIn = optin.checked && typedDigits !== ''
  if (changed && optingIn) return 'phone'
  if (changed || !optingIn) return 'optout'
  return null
}

if (form && optin && mobile && answer) {
  form.addEventListener('submit', (event) => {
    answer.value = ''
    const needed = warningNeeded()
    if (needed === null) return
    const question = needed === 'optout' ? form.dataset.optoutWarn : form.dataset.phoneWarn
    if (window.confirm(question)) answer.value = needed
    else event.preventDefault()
  })
}
