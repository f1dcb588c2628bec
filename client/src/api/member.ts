import type { Birthday } from '@shared/schemas/member'
import type { InputOf } from '@shared/contract'
import type { memberContract } from '@shared/contracts/member'
import { classifyScannedCode } from '@shared/rules/scan-code'
import { call } from './client'

export type { AccessLogEntry } from '@shared/contracts/member'
type UpdateTierConfigRequest = InputOf<typeof memberContract, 'updateTierConfig'>

/** Who the caller is: staff, merchant or (`role: null`) a consumer. Asks the server, never decides locally. */
export const myRole = () => call('member', 'myRole')

/** The signed-in consumer's member card; `NOT_A_MEMBER` before 开卡 (nothing is created by looking). */
export const getCard = () => call('member', 'getCard')

/** 开卡 after the person agreed to the privacy policy and the terms; answers the card (the same one again). */
export const join = (input: { phoneCode?: string; invite?: string } = {}) => call('member', 'join', { agree: true, ...input })

/** Before 开卡: the registration gift, the tiers, and whether this person left before. */
export const joinStatus = () => call('member', 'joinStatus')

export const getProfile = () => call('member', 'getProfile')

export const updateProfile = (fields: InputOf<typeof memberContract, 'updateProfile'>) => call('member', 'updateProfile', fields)

export const setBirthday = (birthday: Birthday) => call('member', 'setBirthday', birthday)

/** `code` from `<Button openType="getPhoneNumber">` (one use, 5 minutes). */
/** `transfer`: the number is held by another member; move it to this one (logged) after the member confirms. */
export const bindPhone = (code: string, transfer?: true) => call('member', 'bindPhone', transfer ? { code, transfer } : { code })

export const acceptPrivacy = (version: string) => call('member', 'acceptPrivacy', { version })

export const getMemberCode = () => call('member', 'getMemberCode')

/** Staff / merchant: who is this scanned member code? */
const identifyByCode = (code: string) => call('member', 'identifyByCode', { code })

/** Staff / merchant: the member who says this phone number at the counter. */
const identifyByPhone = (phone: string) => call('member', 'identifyByPhone', { phone })

/** Staff / merchant: the summary of a member this clerk identified today, after recording an order. */
export const refreshIdentified = (memberId: string) => call('member', 'refreshIdentified', { memberId })

/** A scanned or typed entry at the till: a phone number asks by phone, anything else as a member code. */
export function identifyMember(entry: string) {
  const scanned = classifyScannedCode(entry)
  return scanned.kind === 'phone' ? identifyByPhone(scanned.phone) : identifyByCode(entry)
}

/** Merchant: staff identifications of members, newest first. */
export const listAccessLog = (params: InputOf<typeof memberContract, 'listAccessLog'> = {}) => call('member', 'listAccessLog', params)

export const exportMyData = () => call('member', 'exportMyData')

export const deleteAccount = () => call('member', 'deleteAccount', { confirm: 'DELETE' })

// ---- tiers (merchant)

export const getTierConfig = () => call('member', 'getTierConfig')

/** Saves the ladder as a new version; `expectedVersion` guards against someone else's save in between. */
export const updateTierConfig = (req: UpdateTierConfigRequest) => call('member', 'updateTierConfig', req)
