import { call } from './client'

/** The merchant's dashboard over business dates `from`…`to` (both included, at most 400 days). */
export const loadDashboard = (from: string, to: string) => call('crm', 'dashboard', { from, to })
