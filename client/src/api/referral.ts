import { call } from './client'

/** The member's signed invitation: the token and the page it opens. */
export const getInvite = () => call('member', 'getInvite')

/** The member's invitations and what they earned. */
export const myInvitations = () => call('member', 'myInvitations')

/** What an invitation offers, as the invited friend sees it before 开卡 (INVITE_INVALID for a bad or stale link). */
export const inviteOffer = (invite: string) => call('member', 'inviteOffer', { invite })
