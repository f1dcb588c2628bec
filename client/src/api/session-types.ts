export type SignInRole = 'consumer' | 'staff' | 'merchant'
export type SignInRequest = { role: SignInRole; openid?: string }
