import type { z } from 'zod'
import type { Birthday, IdentifiedMember, MemberCard, MemberCodeView, MyRole, ProfileView } from '@shared/schemas/member'
import type { TierConfig } from '@shared/rules/tiers'
import type { tierRequests } from '@shared/schemas/tiers'
import { callFunction } from './call'

/** Who the caller is: staff, merchant or (`role: null`) a consumer. Asks the server, never decides locally. */
export function myRole() {
  return callFunction<MyRole>('member', { action: 'myRole' })
}

/** The signed-in consumer's member card (registers the member on first visit). */
export function getCard() {
  return callFunction<MemberCard>('member', { action: 'getCard' })
}

export function getProfile() {
  return callFunction<ProfileView>('member', { action: 'getProfile' })
}

export function updateProfile(fields: { nickname?: string; avatarUrl?: string; gender?: 'male' | 'female' | 'unknown' }) {
  return callFunction<ProfileView>('member', { action: 'updateProfile', ...fields })
}

export function setBirthday(birthday: Birthday) {
  return callFunction<ProfileView>('member', { action: 'setBirthday', ...birthday })
}

/** `code` from `<Button openType="getPhoneNumber">` (one use, 5 minutes). */
export function bindPhone(code: string) {
  return callFunction<{ phoneMasked: string }>('member', { action: 'bindPhone', code })
}

export function acceptPrivacy(version: string) {
  return callFunction<{ version: string; acceptedAt: string }>('member', { action: 'acceptPrivacy', version })
}

export function getMemberCode() {
  return callFunction<MemberCodeView>('member', { action: 'getMemberCode' })
}

/** Staff / merchant: who is this scanned member code? */
export function identifyByCode(code: string) {
  return callFunction<IdentifiedMember>('member', { action: 'identifyByCode', code })
}

/** Staff / merchant: the member who says this phone number at the counter. */
export function identifyByPhone(phone: string) {
  return callFunction<IdentifiedMember>('member', { action: 'identifyByPhone', phone })
}

/** A typed 11-digit mainland mobile number (a member code is 26 digits or a token): who to ask. */
export function identifyMember(entry: string) {
  return /^(?:\+?86)?1\d{10}$/.test(entry) ? identifyByPhone(entry) : identifyByCode(entry)
}

export interface AccessLogEntry {
  _id: string
  memberId: string
  actor: { openid: string; role: string; name: string; storeId: string | null }
  by: 'member_code' | 'phone'
  at: string
}

/** Merchant: staff identifications of members, newest first. */
export function listAccessLog(params: { limit?: number; before?: string; memberId?: string } = {}) {
  return callFunction<{ entries: AccessLogEntry[] }>('member', { action: 'listAccessLog', ...params })
}

export function exportMyData() {
  return callFunction<Record<string, unknown>>('member', { action: 'exportMyData' })
}

export function deleteAccount() {
  return callFunction<{ memberId: string; couponsVoided: number; pointsForfeited: number }>('member', { action: 'deleteAccount', confirm: 'DELETE' })
}

// ---- tiers (merchant)

export type UpdateTierConfigRequest = z.input<typeof tierRequests.updateTierConfig>
export interface TierConfigWithHistory {
  config: TierConfig
  history: { version: number; updatedAt: string; updatedBy: string }[]
}

export function getTierConfig() {
  return callFunction<TierConfigWithHistory>('member', { action: 'getTierConfig' })
}

/** Saves the ladder as a new version; `expectedVersion` guards against someone else's save in between. */
export function updateTierConfig(req: UpdateTierConfigRequest) {
  return callFunction<TierConfig>('member', { action: 'updateTierConfig', ...req })
}
