import type { Messages } from '../../config/messages.js'
import type { SearchPage } from '../../services/patronSearchService.js'
import { paths, staffHistoryPath, staffRecordPath, staffSearchPath } from '../paths.js'
import { formatPhone } from './format.js'
import { type StatusView, statusView } from './smsStatus.js'

interface SearchResultRow {
  href: string
  barcode: string
  name: string
  mobile: string
  registeredNumber: string
  status: StatusView
}

interface SearchView {
  title: string
  action: string
  query: string
  searched: boolean
  summary: string
  rows: SearchResultRow[]
  previousHref: string | null
  nextHref: string | null
  /** With no match: the consent history under this barcode, which outlives a deleted record. */
  historyHref: string | null
  notice: string | null
}

export function searchView(result: SearchPage | null, messages: Messages, notice: string | null): SearchView {
  if (!result || result.query === '') {
    return {
      title: 'Patron search',
      action: paths.staff.home,
      query: result?.query ?? '',
      searched: false,
      summary: '',
      rows: [],
      previousHref: null,
      nextHref: null,
      historyHref: null,
      notice,
    }
  }
  const first = (result.page - 1) * result.pageSize + 1
  const last = Math.min(result.total, result.page * result.pageSize)
  const summary =
    result.total === 0
      ? `No patrons match "${result.query}".`
      : `Patrons ${first.toLocaleString('en-US')} to ${last.toLocaleString('en-US')} ` +
        `of ${result.total.toLocaleString('en-US')} matching "${result.query}".`
  return {
    title: `Patron search: ${result.query}`,
    action: paths.staff.home,
    query: result.query,
    searched: true,
    summary,
    rows: result.rows.map((row) => ({
      href: staffRecordPath(row.id),
      barcode: row.barcode,
      name: row.name,
      mobile: row.mobile || '—',
      registeredNumber: row.e164 ? formatPhone(row.e164) : '—',
      status: statusView(messages, row.status ?? 'not_opted_in'),
    })),
    previousHref: result.page > 1 ? staffSearchPath(result.query, result.page - 1) : null,
    nextHref: result.page < result.pages ? staffSearchPath(result.query, result.page + 1) : null,
    historyHref: result.total === 0 ? staffHistoryPath(result.query) : null,
    notice,
  }
}
