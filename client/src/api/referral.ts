import { call } from './client'

/** The member's signed invitation: the token and the page it opens. */
export const getInvite = () => call('member', 'getInvite')

/** The member's invitations and what they earned. */
export const myInvitations = () => call('member', 'myInvitations')
