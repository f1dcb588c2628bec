import type { InputOf } from '@shared/contract'
import type { crmContract } from '@shared/contracts/crm'
import type { SegmentFilter } from '@shared/rules/segments'
import { call } from './client'

type Crm = typeof crmContract
export type SearchMembersRequest = InputOf<Crm, 'searchMembers'>
export type { MemberDetailView, MemberSummaryView, SegmentView } from '@shared/contracts/crm'

/** The merchant's members (issue 21): search, the member's page, tags, notes and segments. */
export const searchMembers = (req: SearchMembersRequest) => call('crm', 'searchMembers', req)
export const memberDetail = (memberId: string) => call('crm', 'memberDetail', { memberId })
export const tagMembers = (memberIds: string[], change: { add?: string[]; remove?: string[] }) => call('crm', 'tagMembers', { memberIds, ...change })
export const noteMember = (memberId: string, text: string, requestId: string) => call('crm', 'noteMember', { memberId, text, requestId })
export const listTags = () => call('crm', 'listTags')
export const countSegment = (filter: SegmentFilter) => call('crm', 'countSegment', { filter })
export const saveSegment = (name: string, filter: SegmentFilter, expectedVersion?: number) =>
  call('crm', 'saveSegment', { name, filter, ...(expectedVersion === undefined ? {} : { expectedVersion }) })
export const listSegments = () => call('crm', 'listSegments')
export const segmentMembers = (segmentId: string, after?: string) => call('crm', 'segmentMembers', { segmentId, ...(after ? { after } : {}) })
