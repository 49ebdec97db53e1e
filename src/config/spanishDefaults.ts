import type { Messages } from './messages.js'

// SPEC 9: the built-in Spanish texts, used for any key messages.es.conf leaves out. The SMS texts
// avoid á, í, ó and ú (é, ñ, ¿ and ¡ are GSM-7): with one of them every part of the SMS holds 70
// characters instead of 160. "SI" without its accent is how patrons type it and what the
// keyword rules accept either way. Their wording follows the US carrier rules as the English does.
export const SPANISH_DEFAULT_MESSAGES: Messages = Object.freeze({
  SMS_STATUS_PENDING_OPTIN: 'Pendiente',
  SMS_STATUS_OPTED_IN: 'Suscrito',
  SMS_STATUS_REJECTED: 'Rechazado',
  SMS_STATUS_PENDING_OPTOUT: 'Pendiente de baja',
  SMS_STATUS_OPTED_OUT: 'No suscrito',
  SMS_TERMS:
    'Al marcar «Recibir alertas por SMS» acepta recibir alertas automáticas y periódicas por SMS de {library} ' +
    'sobre su cuenta de la biblioteca: reservas listas para recoger, materiales vencidos, recordatorios antes ' +
    'de la fecha de devolución y solicitudes de devolución anticipada. Es posible que se le pida responder SI ' +
    'para confirmar. La frecuencia de los mensajes varía. Pueden aplicarse tarifas de mensajes y datos. ' +
    'Envíe AYUDA al {shortcode} para obtener ayuda. Envíe PARAR al {shortcode} para cancelar en cualquier ' +
    'momento. El consentimiento no es una condición para usar la biblioteca. Los operadores no son ' +
    'responsables de mensajes retrasados o no entregados. Privacidad: su número de móvil solo se usa para ' +
    'enviarle alertas de la biblioteca y nunca se vende ni se comparte con fines comerciales.',
  SMS_TEXT_INVITATION:
    '{library}: Responda SI para confirmar las alertas por SMS. Frecuencia variable. ' +
    'Pueden aplicarse tarifas. AYUDA para ayuda, PARAR para cancelar.',
  SMS_TEXT_CONFIRMATION:
    '{library}: Ya recibe alertas por SMS. Frecuencia variable. Pueden aplicarse tarifas ' +
    'de mensajes y datos. AYUDA para ayuda, PARAR para cancelar.',
  SMS_TEXT_OPTOUT: '{library}: Se ha dado de baja de las alertas por SMS. No le enviaremos otros mensajes.',
  SMS_TEXT_HELP:
    '{library}, alertas por SMS. Ayuda: pregunte en su biblioteca o en nuestra web. ' +
    'Frecuencia variable. Pueden aplicarse tarifas. PARAR para cancelar.',
  SMS_ERR_NUMBER_LENGTH: 'El número de móvil debe tener de 10 a 15 dígitos.',
  SMS_ERR_NUMBER_INVALID:
    'Escriba un número de móvil válido. Los números de fuera del país de la biblioteca llevan + y el código del país.',
  SMS_ERR_NUMBER_TAKEN:
    'Este número de móvil ya está inscrito para alertas por SMS en otra cuenta de la biblioteca. ' +
    'Use otro número o pida ayuda al personal de la biblioteca.',
  SMS_ERR_AUTO_OPTOUT:
    'Se le dio de baja de los mensajes SMS porque cambió su número de móvil. ' +
    'Actualice su número de móvil y marque «Recibir alertas por SMS» para volver a recibirlas.',
  SMS_ERR_TOO_MANY_ATTEMPTS:
    'Demasiados intentos de suscripción por SMS en las últimas 24 horas. No se envió ningún mensaje de texto ' +
    'y sus datos no se cambiaron. Inténtelo de nuevo mañana o pida ayuda al personal de la biblioteca.',
})

/** The webpub.es.def texts; the settings (country, short codes, hours, limits) come from webpub.def only. */
export const SPANISH_DEFAULT_WEB_TEXTS = Object.freeze({
  optOutWarn: '¿Seguro que quiere dejar de recibir alertas por SMS?',
  phoneWarn: 'Si cambia su número de móvil, la suscripción a los SMS vuelve a empezar con el número nuevo.',
})
