// Every page. Focus starts where the news is: on the error summary when a form comes back with
// errors (its links then move focus into the field itself), else on a one-time notice such as
// "Patron information updated", so keyboard and screen reader users hear it first.
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
} else {
  const notice = document.querySelector('[data-focus-on-load]')
  if (notice instanceof HTMLElement) notice.focus()
}
