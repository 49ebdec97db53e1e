// Every page. When a form comes back with errors, focus starts on the error summary, so keyboard
// and screen reader users hear what to fix first; its links then move focus into the field itself.
const summary = document.querySelector('.error-summary')
if (summary instanceof HTMLElement) {
  summary.focus()
  summary.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[href^="#"]') : null
    const field = link ? document.getElementById(link.getAttribute('href').slice(1)) : null
    if (!field) return
    event.preventDefault()
    field.focus()
    const label = document.querySelector(`label[for="${field.id}"]`)
    ;(label || field).scrollIntoView({ block: 'start' })
  })
}
