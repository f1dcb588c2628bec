import type { Birthday } from '@shared/schemas/member'
import type { InputOf } from '@shared/contract'
import type { memberContract } from '@shared/contracts/member'
import { call } from './client'

export type { AccessLogEntry, TierConfigWithHistory } from '@shared/contracts/member'
export type UpdateTierConfigRequest = InputOf<typeof memberContract, 'updateTierConfig'>

/** Who the caller is: staff, merchant or (`role: null`) a consumer. Asks the server, never decides locally. */
export const myRole = () => call('member', 'myRole')

/** The signed-in consumer's member card (registers the member on first visit). */
export const getCard = () => call('member', 'getCard')

export const getProfile = () => call('member', 'getProfile')

export const updateProfile = (fields: InputOf<typeof memberContract, 'updateProfile'>) => call('member', 'updateProfile', fields)

export const setBirthday = (birthday: Birthday) => call('member', 'setBirthday', birthday)

/** `code` from `<Button openType="getPhoneNumber">` (one use, 5 minutes). */
/** `transfer`: the number is held by another member; move it to this one (logged) after the member confirms. */
export const bindPhone = (code: string, transfer?: true) => call('member', 'bindPhone', transfer ? { code, transfer } : { code })

export const acceptPrivacy = (version: string) => call('member', 'acceptPrivacy', { version })

export const getMemberCode = () => call('member', 'getMemberCode')

/** Staff / merchant: who is this scanned member code? */
export const identifyByCode = (code: string) => call('member', 'identifyByCode', { code })

/** Staff / merchant: the member who says this phone number at the counter. */
export const identifyByPhone = (phone: string) => call('member', 'identifyByPhone', { phone })

/** A typed 11-digit mainland mobile number (a member code is 26 digits or a token): who to ask. */
export function identifyMember(entry: string) {
  return /^(?:\+?86)?1\d{10}$/.test(entry) ? identifyByPhone(entry) : identifyByCode(entry)
}

/** Merchant: staff identifications of members, newest first. */
export const listAccessLog = (params: InputOf<typeof memberContract, 'listAccessLog'> = {}) => call('member', 'listAccessLog', params)

export const exportMyData = () => call('member', 'exportMyData')

export const deleteAccount = () => call('member', 'deleteAccount', { confirm: 'DELETE' })

// ---- tiers (merchant)

export const getTierConfig = () => call('member', 'getTierConfig')

/** Saves the ladder as a new version; `expectedVersion` guards against someone else's save in between. */
export const updateTierConfig = (req: UpdateTierConfigRequest) => call('member', 'updateTierConfig', req)
