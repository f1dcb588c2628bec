/**
 * Stable error codes. Callers (the client, the POS, tests) branch on `code`, never on `message`;
 * a code, once published, keeps its meaning. Messages are Chinese, for people.
 */
export const ERROR_MESSAGES = {
  VALIDATION_FAILED: '请求参数不正确',
  UNKNOWN_ACTION: '不支持的操作',
  FUNCTION_NOT_FOUND: '云函数不存在',
  UNAUTHENTICATED: '请先登录',
  FORBIDDEN: '没有权限执行此操作',
  NOT_FOUND: '记录不存在',
  MEMBER_NOT_FOUND: '会员不存在',
  CONFLICT: '系统繁忙，请稍后重试',
  UNAVAILABLE: '服务暂时不可用，请稍后重试',
  INTERNAL: '系统错误，请稍后重试',
} as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? ERROR_MESSAGES[code]);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError || (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AppError' && typeof (e as { code?: unknown }).code === 'string');
}
