import type { EngagementSettings } from '@shared/rules/engagement'
import type { LifecycleSettings } from '@shared/rules/lifecycle'
import type { ReferralRules } from '@shared/rules/referral'
import type { CheckinRules } from '@shared/rules/checkin'
import type { MessagePurpose } from '@shared/contracts/marketing'
import { call } from './client'

/** The merchant's side of engagement: scheduled jobs and their runs, subscribe-message templates, the engagement settings. */
export const listJobs = () => call('scheduler', 'listJobs')
export const listJobRuns = (job: string) => call('marketing', 'listJobRuns', { job, limit: 10 })
export const listMessageTemplates = () => call('marketing', 'listTemplates', {})
export const registerMessageTemplate = (input: {
  templateId: string
  title: string
  purpose: MessagePurpose
  fields: { key: string; label: string }[]
  page?: string
}) => call('marketing', 'registerTemplate', { ...input, active: true })
export const getEngagementSettings = () => call('marketing', 'getSettings', {})
export const updateEngagementSettings = (expectedVersion: number, settings: EngagementSettings) =>
  call('marketing', 'updateSettings', { expectedVersion, settings })
export const getLifecycleSettings = () => call('marketing', 'getLifecycleSettings', {})
export const updateLifecycleSettings = (expectedVersion: number, settings: LifecycleSettings) =>
  call('marketing', 'updateLifecycleSettings', { expectedVersion, settings })
export const getReferralRules = () => call('marketing', 'getReferralRules', {})
export const updateReferralRules = (expectedVersion: number, rules: ReferralRules) => call('marketing', 'updateReferralRules', { expectedVersion, rules })
export const getCheckinRules = () => call('checkin', 'getRules', {})
export const updateCheckinRules = (expectedVersion: number, rules: CheckinRules) => call('checkin', 'updateRules', { expectedVersion, rules })
